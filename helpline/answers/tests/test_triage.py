"""Urgent triage: many phrasings in English and Spanish, and the traps that are not emergencies."""

from __future__ import annotations

import pytest

from helpline.answers.triage import (
    CAR_T_EMERGENCY,
    CRISIS,
    URGENT_SIGNS,
    assess,
    mentioned_signs,
    normalize,
    rule_signs,
)

URGENT_EN = [
    ("I have a fever of 38.5", "fever"),
    ("my husband has a fever", "fever"),
    ("His temp is 101.2 F right now", "fever"),
    ("Temperature 38.3 tonight, 10 days after CAR T", "fever"),
    ("she's burning up, thermometer says 102", "fever"),
    ("He's got a fevr and chills", "fever"),
    ("feaver 39", "fever"),
    ("my husband is shaking with chills", "chills"),
    ("my mom can't stop shaking", "chills"),
    ("She is confused and doesn't know where she is", "confusion"),
    ("he is confussed", "confusion"),
    ("my dad can't find the words, his speech is slurred", "trouble_speaking"),
    ("my wife had a seizure", "seizure"),
    ("siezure just now", "seizure"),
    ("he passed out in the kitchen", "fainting"),
    ("I fainted this morning", "fainting"),
    ("I can't breathe", "trouble_breathing"),
    ("my son is having trouble breathing", "trouble_breathing"),
    ("chest pain right now", "chest_pain"),
    ("my dad is very hard to wake", "hard_to_wake"),
    ("I can't wake my husband up", "hard_to_wake"),
    ("What should I do? My husband has a fever", "fever"),
    ("is it normal that I have a fever after car t?", "fever"),
    ("the fever went away last week but now he is confused", "confusion"),
    ("my wife isn't making sense when she talks", "confusion"),
    ("he's been running a fever since last night", "fever"),
    ("my mom had a seizure yesterday", "seizure"),
    ("my husband keeps falling asleep and I can't wake him", "hard_to_wake"),
    # A time phrase on the treatment dates the treatment, not the symptom.
    ("I have a fever of 39 after my CAR T infusion last week", "fever"),
    ("my husband had his infusion two weeks ago and now has a temperature of 101", "fever"),
    ("I've had a fever since last week", "fever"),
]
URGENT_ES = [
    ("Tengo fiebre de 39 después de la infusión de la semana pasada", "fever"),
    ("tengo fiebre", "fever"),
    ("mi esposo tiene fiebre de 39", "fever"),
    ("mi marido tiene 39 de fiebre", "fever"),
    ("fiebre 38,5", "fever"),
    ("Mi mamá tiene calentura desde anoche", "fever"),
    ("tiene escalofrios y esta confundido", "chills"),
    ("está confundida, no sabe dónde está", "confusion"),
    ("mi papá no puede hablar bien, arrastra las palabras", "trouble_speaking"),
    ("mi mamá tuvo una convulsión", "seizure"),
    ("mi hijo esta convulsionando", "seizure"),
    ("se desmayó en el baño", "fainting"),
    ("no puedo respirar", "trouble_breathing"),
    ("a mi esposa le falta el aire", "trouble_breathing"),
    ("me duele el pecho", "chest_pain"),
    ("no puedo despertarlo", "hard_to_wake"),
]
CRISIS_CASES = [
    ("I want to kill myself", "suicidal_thoughts", "en"),
    ("I've been thinking about suicide", "suicidal_thoughts", "en"),
    ("my brother says he doesn't want to live anymore", "suicidal_thoughts", "en"),
    ("my son wants to hurt himself", "self_harm", "en"),
    ("quiero morirme", "suicidal_thoughts", "es"),
    ("pienso en suicidarme", "suicidal_thoughts", "es"),
    ("mi esposo dice que quiere quitarse la vida", "suicidal_thoughts", "es"),
    ("mi hija quiere hacerse daño", "self_harm", "es"),
    ("I don't want to be here anymore", "suicidal_thoughts", "en"),
    ("me quiero matar", "suicidal_thoughts", "es"),
]
NOT_URGENT = [
    "no fever",
    "I don't have a fever",
    "He has no fever and no chills, just tired",
    "the fever went away last week",
    "The fever is gone now",
    "what temperature counts as a fever after CAR T?",
    "Is 100.4 considered a fever after CAR T?",
    "what should I do if I get a fever?",
    "what are the signs of CRS?",
    "can CAR T cause seizures?",
    "how long does confusion last after CAR T?",
    "he had a seizure years ago",
    "never had chills",
    "my temperature is 37.2",
    "temp 99.1",
    "What is CAR T cell therapy?",
    "Is fever a side effect of CAR T?",
    "I want to know about fewer side effects",
    "how do I take care of my chest port?",
    "sin fiebre",
    "no tengo fiebre",
    "la fiebre se fue la semana pasada",
    "¿qué temperatura se considera fiebre después de CAR T?",
    "¿la terapia CAR T puede causar convulsiones?",
    "¿qué hago si tengo fiebre?",
    "hace dos meses tuvo fiebre",
    "tengo 37 grados",
    "¿Cuáles son los efectos secundarios de CAR T?",
    "How do I check for fever at home?",
    "I was confused about the schedule",
    "My husband is doing well, no fever, no confusion",
    "he had a fever last month but it's gone",
    "¿Cuándo debo llamar al médico si tengo fiebre?",
]


@pytest.mark.parametrize(("text", "code"), URGENT_EN)
def test_urgent_english(text, code):
    result = assess(text)
    assert result.urgent, text
    assert code in result.matched
    assert result.category == CAR_T_EMERGENCY
    assert result.lang == "en"
    assert "treatment team" in result.message and "911" in result.message


@pytest.mark.parametrize(("text", "code"), URGENT_ES)
def test_urgent_spanish(text, code):
    result = assess(text)
    assert result.urgent, text
    assert code in result.matched
    assert result.lang == "es"
    assert "equipo de tratamiento" in result.message and "911" in result.message


@pytest.mark.parametrize(("text", "code", "lang"), CRISIS_CASES)
def test_crisis(text, code, lang):
    result = assess(text)
    assert result.urgent
    assert result.category == CRISIS
    assert code in result.matched
    assert "988" in result.message
    assert result.lang == lang


@pytest.mark.parametrize("text", NOT_URGENT)
def test_traps_are_not_urgent(text):
    result = assess(text)
    assert not result.urgent, (text, result.matched)
    assert result.message == ""
    assert result.category is None


def test_explicit_language_wins_and_crisis_takes_priority():
    result = assess("I have a fever and I want to end my life", lang="es")
    assert result.category == CRISIS
    assert set(result.matched) >= {"fever", "suicidal_thoughts"}
    assert "988" in result.message and "equipo de tratamiento" in result.message


def test_threshold_in_both_units():
    assert assess("temp 100.4 F").urgent
    assert not assess("temp 100.3 F").urgent
    assert assess("temperatura de 38 °C").urgent
    assert not assess("temperatura de 37,9 °C").urgent


def test_signs_have_labels_in_both_languages():
    codes = [sign.code for sign in URGENT_SIGNS]
    assert len(codes) == len(set(codes))
    for required in ("fever", "chills", "confusion", "trouble_speaking", "seizure", "fainting",
                     "trouble_breathing", "chest_pain", "hard_to_wake", "suicidal_thoughts"):
        assert required in codes
    for sign in URGENT_SIGNS:
        assert sign.label_en and sign.label_es and sign.category in {CAR_T_EMERGENCY, CRISIS}


def test_empty_text():
    assert not assess("").urgent
    assert not assess("   ").urgent


# Families of wording the third stress round (half C) found missing, each said another way
# than in the stress set; the rules alone must find them.
FAMILIES = [
    ("39.1 d7 yescarta", "fever"),
    ("101.5 day 4 post car t", "fever"),
    ("temp 38.4 day +6, is this a fever?", "fever"),
    ("tiene 38.6, eso es normal despues de car t?", "fever"),
    ("bp 84/50, is that too low after car t?", "low_blood_pressure"),
    ("she thinks the hospital room is her childhood home", "confusion"),
    ("my wife is all mixed up about what day it is", "confusion"),
    ("he couldnt count backwards from 100 for the nurse", "confusion"),
    ("se traba contando para atras de diez en diez", "confusion"),
    ("he forgot how to button his shirt this morning", "confusion"),
    ("mi esposo no supo como abrir la puerta del carro", "confusion"),
    ("my dad keeps repeating himself, day 6 after cells", "confusion"),
    ("her speech sounds really thick today", "trouble_speaking"),
    ("quiero decir cuchara y me sale otra palabra", "trouble_speaking"),
    ("hes shuffling his feet and taking tiny steps now", "neurologic_changes"),
    ("mi mama escribe como nino desde ayer", "neurologic_changes"),
    ("worst headache of my life since this morning", "stroke_signs"),
    ("le duele la cabeza horrible y no aguanta la luz, dia 5", "stroke_signs"),
    ("my nose has been bleeding and i went through 6 tissues", "bleeding"),
    ("i keep thinking about driving off the overpass on my way home", "suicidal_thoughts"),
    ("i looked up how high the parking garage is at the hospital", "suicidal_thoughts"),
    ("me voy a quitar de en medio para que ya no sufran", "suicidal_thoughts"),
    ("all i do is cost my family money and stress", "suicidal_thoughts"),
]
# Near misses of the same families.
FAMILY_TRAPS = [
    "what temperature counts as fever, 38 or 38.3?",
    "a partir de que temperatura, 38 o 38.5?",
    "is 38.2 a fever after car t?",
    "what if his temp is 38.5 at night?",
    "i cant figure out how to open the door at the lodging",
    "we shuffled our schedule around for the infusion",
    "baby steps with the recovery, day by day",
    "im writing small notes for the nurses",
    "the insurance is the worst headache ever",
    "i thought about driving off early to beat traffic",
    "the doctor keeps repeating the same thing about driving",
    "la impresora solo da problemas",
    "she had a seizure in 2019 and has been fine since, can she get car t?",
    "he was shaking with chills on day 3 but they treated him and hes doing great now",
    "our kids love the show where the doctor has the worst headache",
    "she's been fever free for two weeks, can she fly home?",
    "i am confused about the parking, which garage is it?",
]


# Families of wording and readings the fourth stress round (half D) found missing, each said
# another way than in the stress set.
FAMILIES += [
    ("how many of his sleeping pills would it take to not wake up", "suicidal_thoughts"),
    ("cuantas de sus pastillas hacen falta para no despertar", "suicidal_thoughts"),
    ("she keeps saying she wants to walk into the ocean and not come back", "suicidal_thoughts"),
    ("he keeps asking who gets his guns when hes gone", "suicidal_thoughts"),
    ("mi mama pregunta a quien le toca su casa cuando ya no este", "suicidal_thoughts"),
    ("i looked up ways that dont hurt.", "suicidal_thoughts"),
    ("been thinking about how to make it quick", "suicidal_thoughts"),
    ("whats the point anymore", "suicidal_thoughts"),
    ("he said he wants to die by his own hand", "suicidal_thoughts"),
    ("quiere morir por su propia mano", "suicidal_thoughts"),
    ("se volvio a hacer cortadas en las piernas", "self_harm"),
    ("my mom asked me 4 times where we are", "confusion"),
    ("he couldnt tell the nurse what year it is", "confusion"),
    ("she cant follow basic commands like squeeze my hand", "confusion"),
    ("no puede seguir instrucciones simples", "confusion"),
    ("my husband thinks were at the airport", "confusion"),
    ("mi papa cree que estamos en la iglesia y estamos en el hospital", "confusion"),
    ("contesta puras cosas que no tienen nada que ver", "confusion"),
    ("the words come out scrambled when he talks", "trouble_speaking"),
    ("he cant explain what he means, day 6", "trouble_speaking"),
    ("dad went floppy in the chair for a minute", "fainting"),
    ("se puso como trapo y no contestaba", "fainting"),
    ("no puede firmar los papeles del hotel", "neurologic_changes"),
    ("she drifts to the right when she walks", "neurologic_changes"),
    ("keeps holding onto the walls to walk", "neurologic_changes"),
    ("tension 82/48 y esta mareado", "low_blood_pressure"),
    # an episode that is over by the time someone writes still needs a call
    ("she fainted this morning, shes ok now", "fainting"),
    ("se desmayo hace rato pero ya esta bien", "fainting"),
    ("he fell in the bathroom tonight, hes ok now", "neurologic_changes"),
]
FAMILY_TRAPS += [
    "how much tylenol can he take in a day",
    "is it ok to walk into the ocean after car t",
    "what are some painless ways to remove a bandage",
    "what is the quickest way to the hospital from the hotel",
    "whats the point of the bridging chemo?",
    "the consent must be signed by his own hand?",
    "i cant say what i mean in english, is there a spanish nurse?",
    "no puedo explicar lo que quiero en ingles",
    "the nurse asked me three times for his insurance card",
    "mi nieto hizo un garabato en la hoja",
    "he slumped down on the couch after the walk, just tired",
    "they said call if it hits 100.4, is that by ear?",
    "our goldfish is floating sideways and wont eat",
    "mi perrita no se puede levantar, se va de lado, ya la vio el veterinario",
    "the movie where the dad gives away everything made me cry",
    "hypothetically what happens if he gets a fever at 2am",
    "my dad fell a lot the first month, hes ok now",
    "mi cunada me conto que a su tio le dio una convulsion en 2019, hoy esta perfecto",
    "she got really confused during her stay, they gave her steroids, shes been herself for weeks",
    "38 y medio ya cuenta o hasta 39?",
    "the movie has a guy who overdoses, is it ok for my son to watch?",
    "en la novela la muchacha se corta, es buena para que mi hija la vea?",
]


# Families of wording and readings the fifth stress round (half E) found missing, each said
# another way than in the stress set.
FAMILIES += [
    ("will my husbands insurance still cover it if the death was self-inflicted", "suicidal_thoughts"),
    ("el seguro paga si alguien se quita la vida?", "suicidal_thoughts"),
    ("im not going to wait for the lymphoma to take me", "suicidal_thoughts"),
    ("si igual me voy a morir, mejor me le adelanto", "suicidal_thoughts"),
    ("i left letters for my wife and kids on the table, please dont tell anyone", "suicidal_thoughts"),
    ("deje una carta para mis hijos en el cajon, no le digas a nadie", "suicidal_thoughts"),
    ("pretty soon nobody will have to take care of me", "suicidal_thoughts"),
    ("dentro de poco ya no van a tener que preocuparse por mi", "suicidal_thoughts"),
    ("she says he'd be better off with somebody healthier", "suicidal_thoughts"),
    ("i've already worked out how.", "suicidal_thoughts"),
    ("going to sleep praying its the last time", "suicidal_thoughts"),
    ("me voy a dormir rezando que sea la ultima noche", "suicidal_thoughts"),
    ("he has been saving up his oxycodone and asked me how many is enough", "suicidal_thoughts"),
    ("que forma rapida hay de morir sin dolor", "suicidal_thoughts"),
    ("i dont want to wake up tomorrow", "suicidal_thoughts"),
    ("cutting is the only thing that calms me down", "self_harm"),
    ("got the razor out again last night and did it on my arms", "self_harm"),
    ("pulse ox went 94... 92... 90", "trouble_breathing"),
    ("oximeter 95 then 92 now 88", "trouble_breathing"),
    ("shes sitting there panting", "trouble_breathing"),
    ("he cant finish a sentence without stopping to breathe", "trouble_breathing"),
    ("tried to sign the check and its just squiggles", "neurologic_changes"),
    ("quiso escribir su nombre y le salieron puras rayas", "neurologic_changes"),
    ("no pudo terminar la frase de la prueba", "neurologic_changes"),
    ("no pudo escrivir su nombre", "neurologic_changes"),
    ("se quedo como ausente y no me contestaba", "seizure"),
    ("she zoned out and wouldnt answer me for a minute", "seizure"),
    ("hes all flushed and his cheeks are hot", "fever"),
    ("can you tell me if 38.6 counts, she got her cells monday", "fever"),
    # a fever brought down at home today still needs a call
    ("temp was 38.9 this morning, tylenol fixed it, day 5", "fever"),
    # a list keeps its time only when it has one: these are now
    ("he had a fever, chills and confusion tonight", "chills"),
    ("a week ago he got his cells, fever and chills", "chills"),
    ("no fever, chills and shaking since lunch", "chills"),
    ("the nurse said the fever is fine but now hes 39.5 and confused", "confusion"),
    ("what should i do for a fever of 39 right now", "fever"),
    ("what do i do for his fever", "fever"),
]
FAMILY_TRAPS += [
    "can you tell me if 38.3 counts as a fever after car t?",
    "does life insurance cover car t patients",
    "they flushed his picc line today",
    "she was flushed with excitement after the good scan",
    "pretty soon we wont have to take care of him so much, hes walking again",
    "pronto ya no vamos a tener que cuidarlo tanto, ya camina solo",
    "hoping this is the last time we drive 3 hours for a scan",
    "the razor blade is the only thing that works on his thick beard",
    "razor burn on my legs again, i did it on my legs shaving",
    "he had fever, chills and the shakes in march, treated, fine since",
    "hace dos meses tuvo fiebre, escalofrios y temblores, ya esta bien",
    "what should i do for fever, chills or confusion at night?",
    "can you print the part about the fever and the confusion",
    "the nurse said a little shakiness after the shower is normal",
    "her temp hit 38.6 on day 2 in the hospital, they took care of it and shes had no fevers since, now 4 weeks later",
    "im dying bc the cafeteria is closed lol",
    "ill be dead before this hold music ends lol",
    "i dont want to wake up early for the 7am labs again",
    "she has always had a little tremor in her hands, will that matter for car t?",
    "watched a youtube video about a man who had seizures after car t, how common is that",
    "a woman on reddit said her husband couldnt talk for two days after car t",
    "my uncle fainted after his car t back in like 2018, hes fine now, is fainting common",
    "mi tia se desmayo hace tiempo en la clinica, ya esta bien, es comun?",
    "sorry to be such a burden with all these questions, one more about parking",
]


# Families of wording and readings the sixth stress round (half F) found missing, each said
# another way than in the stress set.
FAMILIES += [
    ("honestly i wouldnt care if the next bleed took me", "suicidal_thoughts"),
    ("she says she wouldnt be upset if she didnt wake up after surgery", "suicidal_thoughts"),
    ("praying this pneumonia finishes me off", "suicidal_thoughts"),
    ("whats the point. his rifle is still in the truck", "suicidal_thoughts"),
    ("tengo la escopeta de mi abuelo y ya no le hallo sentido a nada", "suicidal_thoughts"),
    ("if the lymphoma doesnt get me first ill do it myself", "suicidal_thoughts"),
    ("busque como irme sin sufrir", "suicidal_thoughts"),
    ("been googling what it takes to bleed out from the wrist", "suicidal_thoughts"),
    ("si me tomo toda la caja de las de dormir me duele?", "suicidal_thoughts"),
    ("he is finding new homes for all his dogs and wont say why", "suicidal_thoughts"),
    ("ya regale mis gatos a la vecina", "suicidal_thoughts"),
    ("please feed my cat for me, i wont be coming back again", "suicidal_thoughts"),
    ("cuida a mis hijos y que me perdonen", "suicidal_thoughts"),
    ("dile a mi hermana que la quise", "suicidal_thoughts"),
    ("he says hes going to walk out into the cold tonight", "suicidal_thoughts"),
    ("quiero acavar con mi vida", "suicidal_thoughts"),
    ("pa que seguir", "suicidal_thoughts"),
    ("i keep banging the door with my head until it bleeds", "self_harm"),
    ("im afraid ill hurt her, i have no patience left", "self_harm"),
    ("me da miedo lastimarla, ya no puedo con esto", "self_harm"),
    # a decimal comma is not a clause break; "38 y algo" is a reading
    ("mi esposa tiene 38,6 desde anoche", "fever"),
    ("she is at 38.7 since this morning", "fever"),
    ("38 y pico, dia 5 de la car t", "fever"),
    ("gained 4 lbs overnight and my ankles are puffy", "swelling"),
]
FAMILY_TRAPS += [
    "my mom gave away her old walker now that she walks fine",
    "my class is reading a novel about a man who gives away his belongings",
    "need the suicide prevention line for a school presentation i'm making",
    "this commute will be the death of me lol",
    "she wrote goodbye notes before her transplant in 2015, she's doing well now",
    "my dad tiene 37,5 y esta bien",
    "is it normal to gain 2 lbs during the hospital stay?",
    "can you look after my dog while i'm at clinic? my sister is done with work at 5",
    "we found new homes for the kittens our cat had",
]


# Families the seventh stress round (half G) found missing, said another way than in the set.
FAMILIES += [
    ("could the nurse give him a shot of something so he never wakes up", "suicidal_thoughts"),
    ("le pido al doctor que me den algo para morirme tranquila", "suicidal_thoughts"),
    ("i hope i just not wake up after the next surgery, maybe they could give me more", "suicidal_thoughts"),
    ("he bought a bag of charcoal and some duct tape for the bathroom", "suicidal_thoughts"),
    ("she sat near the railroad tracks for an hour last night", "suicidal_thoughts"),
    ("si sale mal el estudio me aviento del puente", "suicidal_thoughts"),
    ("looked up the highest bridge in the county", "suicidal_thoughts"),
    ("is a whole box at once of his sleeping pills too much", "suicidal_thoughts"),
    ("cual es la dosis letal de la morfina", "suicidal_thoughts"),
    ("he left his passwords and the will on the desk and is not picking up", "suicidal_thoughts"),
    ("my dad stopped drinking water on purpose, he says he wants to go", "suicidal_thoughts"),
    ("dejo de comer a proposito, dice que ya quiere descansar", "suicidal_thoughts"),
    ("when my wife dies im going with her", "suicidal_thoughts"),
    ("si mi mama se muere yo me voy con ella", "suicidal_thoughts"),
    ("mi abuela regalo sus joyas y dice que ya se va a ir con mi abuelo", "suicidal_thoughts"),
    ("started a countdown on his profile, when i asked why he said you'll see", "suicidal_thoughts"),
    ("me quemo con la plancha cuando siento que no puedo", "self_harm"),
    ("i pinch my thighs till they bruise", "self_harm"),
    ("im terrified i'll shake him when he wont stop crying", "self_harm"),
    ("tengo miedo de que un dia le haga dano a mi suegra", "self_harm"),
    ("she keeps calling me by her dead husband's name", "confusion"),
    ("he thinks we're at his old job and wants his boots", "confusion"),
    ("me llama por el nombre de su hermana", "confusion"),
    ("la presion marca 85 de alta y 50 de baja", "low_blood_pressure"),
]
FAMILY_TRAPS += [
    "donating all the kids clothes they outgrew",
    "giving away all my old furniture before the move",
    "the carbon monoxide detector keeps beeping, who do i call",
    "we waited by the train tracks for the train to pass",
    "what's the tallest building in the city, asking for a school quiz",
    "i stopped drinking coffee on purpose before the scan",
    "if she passes the driving test im going with her to celebrate",
    "our countdown to the last chemo is at 3 days!",
    "he coughed a bit on his soup but is fine",
    "ya termine las radiaciones! cuando me dan de alta?",
]

@pytest.mark.parametrize(("text", "code"), FAMILIES)
def test_families_found_by_the_rules(text, code):
    assert code in rule_signs(text), text


@pytest.mark.parametrize("text", FAMILY_TRAPS)
def test_family_near_misses_are_not_urgent(text):
    result = assess(text)
    assert not result.urgent, (text, result.matched)


def test_mentioned_signs_reads_each_pattern():
    """The one search per sign gives the same signs as trying every pattern."""
    from helpline.answers.triage import _COMPILED

    texts = [t for t, _ in URGENT_EN + URGENT_ES + FAMILIES] + NOT_URGENT + FAMILY_TRAPS
    for text in texts:
        expected = {sign.code for sign, patterns in _COMPILED if any(p.search(normalize(text)) for p in patterns)}
        assert mentioned_signs(text) == expected, text
