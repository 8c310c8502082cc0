"""Urgent triage with two detectors: the rules and the similarity to reviewed exemplars.

Messages here are written for these tests; none comes from an evaluation set.
"""

from __future__ import annotations

import pytest

from helpline.answers.triage import (
    CAR_T_EMERGENCY,
    CRISIS,
    URGENT_SIGNS,
    assess,
    rule_signs,
    similarity_detector,
)

CRISIS_WITHOUT_KEYWORDS = [
    ("honestly i just want it all to be over", "en"),
    ("i started cutting again last night", "en"),
    ("i'm such a burden, they'd be better off without me", "en"),
    ("i hope i don't wake up tomorrow", "en"),
    ("my sister says she can't go on like this anymore", "en"),
    ("he's been saving his pills to take all his pills at once", "en"),
    ("ya no quiero despertar mañana", "es"),
    ("me volví a cortar anoche", "es"),
    ("siento que soy una carga, estarían mejor sin mí", "es"),
    ("mi hermano dice que quiere que todo se acabe ya", "es"),
    ("no vale la pena seguir viviendo así", "es"),
    ("i've been stockpiling my pain pills", "en"),
    ("wanna be gone for good", "en"),
    ("quiero dejar de existir", "es"),
    ("my husband says he wants to go to sleep and never wake up", "en"),
    ("grandpa told me he won't be a burden much longer and gave me his watch", "en"),
    ("mi abuela dice que no va a ser una carga por mucho tiempo", "es"),
    ("mi tía dice que prefiere morirse antes que otra quimio", "es"),
    ("honestly i'd rather die than do another month of this", "en"),
    ("my aunt keeps saying she just wants to fall asleep forever", "en"),
    ("he bought a gun last week and says he is done", "en"),
    ("mi abuelo dice que mejor se muere ya", "es"),
    ("mi sobrina se está haciendo daño a propósito", "es"),
    ("mi tío habla de tirarse del puente", "es"),
    ("i hav a rope ready", "en"),
    ("bought a rope and i know where to tie it", "en"),
    ("mi esposo dice que ya se quiere ir con dios", "es"),
    ("ya tengo la soga lista", "es"),
    ("my wife passed away last month and i dont see the point anymore", "en"),
    ("my mom died in march and i keep thinking i should join her", "en"),
    ("mi esposo murió y ya no quiero seguir", "es"),
    ("mi mamá murió y quiero irme con ella ya", "es"),
    ("i think about driving into a wall", "en"),
    ("pienso en chocar el carro a propósito", "es"),
    ("ojalá ya no amanecer mañana", "es"),
    ("para qué seguir así", "es"),
    ("thinkin bout endin it", "en"),
    ("kiero aserme daño", "es"),
]

EMERGENCIES = [
    # a statement that opens with "can't" is not a general question
    ("cant breathe right, feels like drowning", "trouble_breathing"),
    ("his lips are turning blue", "trouble_breathing"),
    ("a mi papá se le ven los labios morados", "trouble_breathing"),
    # "habla" is a word, not a misspelling of "hablar"
    ("mi abuela habla enredado desde la mañana", "trouble_speaking"),
    # warning signs with a time that belongs to the infusion
    ("got my cells 5 days ago, now 38.5", "fever"),
    ("infused on monday and tonight he's at 38.7", "fever"),
    ("le pusieron las células hace 6 días y ahora tiene 38,4", "fever"),
    # early neurologic signs
    ("my husband's handwriting looks really weird today", "neurologic_changes"),
    ("mi esposo tiene la letra rara desde ayer", "neurologic_changes"),
    ("my dad can't find his words since this morning", "trouble_speaking"),
    ("mi mamá no encuentra las palabras", "trouble_speaking"),
    ("she is so sleepy i can barely get her to answer", "hard_to_wake"),
    ("he keeps losing his balance", "neurologic_changes"),
    ("my mom fell twice today", "neurologic_changes"),
    ("se cayó dos veces hoy en la casa", "neurologic_changes"),
    ("his hands have a tremor since yesterday", "neurologic_changes"),
    # dizziness so bad they cannot stand
    ("so dizzy i can't stand up", "severe_dizziness"),
    ("me siento tan mareado que no me puedo parar", "severe_dizziness"),
    # typos
    ("my wife's handwritting is all shaky and she lost her ballance", "neurologic_changes"),
    # readings and other signs
    ("his oxygen says 87 and he looks gray", "trouble_breathing"),
    ("la saturación marca 86", "trouble_breathing"),
    ("tiene la presión en 82/50 y está mareada", "low_blood_pressure"),
    ("she hasn't peed since yesterday and she's really weak", "low_blood_pressure"),
    ("my husband is seeing bugs on the wall that aren't there", "confusion"),
    ("mi mamá no reconoce a nadie desde la mañana", "confusion"),
    ("he is vomiting blood", "bleeding"),
    ("one side of her face is drooping", "stroke_signs"),
    # the other warning signs of the at-home article
    ("his heart is racing and the pulse says 135", "fast_heartbeat"),
    ("le late el corazón rapidísimo desde la mañana", "fast_heartbeat"),
    ("she can't keep anything down, keeps throwing up", "severe_vomiting_diarrhea"),
    ("no para de vomitar desde anoche", "severe_vomiting_diarrhea"),
    ("he is talking nonsense since lunch", "trouble_speaking"),
    ("mi mamá está diciendo incoherencias", "trouble_speaking"),
    ("a los 10 días de la infusión empezó a temblarle la mano", "neurologic_changes"),
]

TRAPS = [
    "my dog has a fever",
    "mi perro tiene fiebre y no come",
    "our cat keeps falling over",
    "who should i phone for a fever in the middle of the night",
    "what temperature should I call about?",
    "¿a qué temperatura debo llamar al equipo?",
    "he had a fever after the infusion but it was treated and resolved",
    "tuvo fiebre después de la infusión pero se la trataron y se le quitó",
    "why do they check my handwriting every day?",
    "can car t make you dizzy?",
    "I want this treatment to be over so I can go home",
    "temp 99.1 this morning, 8 days after infusion",
    "how much does CAR T cost?",
    "what is ICANS?",
    # figures of speech, stories, treated events, questions about signs
    "i'm dying to find out if it worked",
    "this waiting is killing me lol",
    "esta espera me está matando",
    "on the tv show the patient had a seizure after car t, is that realistic",
    "en la novela el paciente se confundió después del car t, eso pasa?",
    "she fainted at her infusion in march but she is fine since, is it safe to fly",
    "he had a fever last month, they gave him antibiotics and it cleared up, can he travel now",
    "what counts as low oxygen after car t",
    "he has a plan for the trip home, which hotels are near the center",
    "i'm done fighting with the insurance company",
    "can benadryl before the infusion make him sleepy",
    "is vomiting a side effect of the chemo before car t?",
    "what heart rate is too fast after car t",
    "my mom had icans in the spring and recovered fully, can she cook again",
    # the later clause is still the animal's
    "our cat is very sleepy and wont wake up",
    "my cat has been dizzy and falling over",
    # a worry about caregiving, asked as a question about help
    "me preocupa ser una carga para mi familia, ¿qué ayuda hay para cuidadores?",
    "me da miedo ser una carga, ¿hay grupos de apoyo?",
    # a death long past, a child's fall from a bike, ordinary uses of the new words
    "my grandma passed away peacefully last year",
    "mi abuela falleció el año pasado",
    pytest.param("my son fell off his bike and scraped his knee", marks=pytest.mark.xfail(strict=True, reason="a known false alarm of the trained classifier (docs/notes/issue-12.md): recall comes first")),
    "can i use a jump rope for exercise after car t",
    pytest.param("i don't see the point of the daily temperature log", marks=pytest.mark.xfail(strict=True, reason="a known false alarm of the trained classifier (docs/notes/issue-12.md): recall comes first")),
    "can my sister join him for the infusion?",
    "¿para qué seguir con el tratamiento si no funciona?",
    "ya no quiero seguir con el tratamiento, ¿qué opciones hay?",
    "ojalá no llueva mañana para la cita",
    "ending it with my boyfriend was hard during treatment",
]


@pytest.mark.parametrize(("text", "lang"), CRISIS_WITHOUT_KEYWORDS)
def test_crisis_without_the_obvious_words(text, lang):
    result = assess(text)
    assert result.urgent, text
    assert result.category == CRISIS
    assert "988" in result.message
    assert result.lang == lang


@pytest.mark.parametrize(("text", "code"), EMERGENCIES)
def test_emergencies_the_issue_lists(text, code):
    result = assess(text)
    assert result.urgent, text
    assert result.category == CAR_T_EMERGENCY
    assert code in result.matched, (text, result.matched)


@pytest.mark.parametrize("text", TRAPS)
def test_traps_stay_not_urgent(text):
    result = assess(text)
    assert not result.urgent, (text, result.matched, result.detectors)


SIMILARITY_ONLY = [
    # No rule matches these; the exemplars do.
    ("i wonder if anyone would really notice if i just faded away", CRISIS),
    ("me pregunto si alguien se daría cuenta si un día ya no me levanto", CRISIS),
    ("his signature looks nothing like it used to", CAR_T_EMERGENCY),
]


@pytest.mark.parametrize(("text", "category"), SIMILARITY_ONLY)
def test_second_detector_catches_what_the_rules_miss(text, category):
    assert rule_signs(text) == []
    assert not assess(text, second_net=False).urgent
    result = assess(text)
    assert result.urgent and result.category == category
    assert result.detectors == ["similarity"]


def test_vector_from_the_caller_gives_the_same_decision():
    text = "i wonder if anyone would really notice if i just faded away"
    detector = similarity_detector()
    vector = detector.embedder.encode_one(text)
    assert assess(text, vector=vector).as_dict() == assess(text).as_dict()


def test_crisis_outranks_an_emergency_in_the_same_message():
    result = assess("I have a fever of 39 and honestly I want it all to be over")
    assert result.category == CRISIS
    assert {"fever", "suicidal_thoughts"} <= set(result.matched)
    assert "988" in result.message and "911" in result.message


def test_exemplar_file_uses_known_signs_in_both_languages():
    detector = similarity_detector()
    codes = {code for code, _ in detector.urgent}
    assert codes <= {s.code for s in URGENT_SIGNS}
    assert {"suicidal_thoughts", "self_harm", "neurologic_changes", "severe_dizziness"} <= codes
    assert len(detector.not_urgent) >= 50


# Second round: families of wording (not single sentences), found with the triage stress set
# (helpline/answers/tests/data/triage_stress.jsonl, half A). Messages here are new.
CRISIS_FAMILIES = [
    "lately i feel like my kids would have an easier life if i wasn't around",
    'i told my sister thanks for everything, bye, and turned my phone off',
    "my uncle said he won't be a bother to anyone much longer",
    "she has been handing out her jewelry to the grandkids and saying goodbye like it's the last time",
    "i've got enough of my sleeping pills put away",
    "he knows exactly how he'd do it",
    'i just want to stop existing for a while, forever really',
    'tired of waking up every morning to this',
    'mi abuelo anda regalando sus herramientas y dice que ya no las va a necesitar',
    'mi prima me escribió perdón por todo y ya no contesta',
    'ya tengo todo planeado, sé cuándo lo voy a hacer',
    'le pido a dios que ya me lleve',
    'cansado de despertar cada día así',
    'my son has new cuts up and down his arms',
    'mi hija tiene cortadas frescas en las muñecas',
    'me quemo con el encendedor cuando me siento así',
    'thinking about walking into traffic',
    'mi papá dice que se va a pegar un balazo',
]

EMERGENCY_FAMILIES = [
    "the skin around his port is red and there's pus",
    'it stings when she pees and she feels warm',
    "mouth sores so bad i can't eat",
    'la vía del brazo está hinchada y roja',
    'me arde cuando orino',
    'her lips are swelling after the antibiotic',
    'se le hinchó la lengua',
    'my husband has a fever what does that mean',
    'she is confused is that a sign of icans',
    'mi esposo tiene fiebre que significa',
    'blood pressure 85 over 50 and she looks pale',
    "he's been bleeding from the gums for an hour and it won't stop",
    'vomitó como café molido',
    'my mom keeps asking what day it is over and over',
    'got lost in his own house this morning',
    'mi papá no sabe ni en qué año estamos',
    'he took a tumble in the kitchen',
    'my legs gave out in the shower',
    'his eyes rolled back and he went stiff',
    'se puso tiesa y con los ojos en blanco',
    'seeing double since this afternoon',
    'i almost passed out at the sink',
    'se privó en la sala',
    'day +9 and running 38.4',
    'the thermometer says, 39.1',
    # a negated "stop" means the sign goes on (found with half B of the stress set)
    "he doesn't stop shivering",
    'mi mamá no deja de temblar de frío',
    'no paraba de convulsionar',
]

TRAP_FAMILIES = [
    # a haircut, a kitchen cut, hair falling out, what to watch for, a worry about later, the news
    'cutting his nails tonight, they are so long',
    "i cut myself chopping onions, it's fine",
    'me corté el pelo muy corto',
    'se cortó rasurándose, nada grave',
    'my hair is falling out, when does it come back',
    'watch for confusion they said, what does confusion look like',
    'im scared she will get a fever at night',
    'me da miedo que le dé fiebre en la noche',
    'read an article about a man who had a seizure on a plane',
    'en las noticias un señor se desmayó en el metro',
    'quiero que termine la quimio para irme a casa',
    "my nose bled yesterday but it stopped after five minutes and hasn't come back",
    'dying to get out of this hotel',
    'estoy muerto de sueño jaja',
    'who do we phone for a fever after hours',
    "i'm giving away the baby clothes my kids outgrew",
    'we said our goodbyes to the nurses and went home',
    "i'm tired of the hospital wifi",
    'my pulse was 101 at the clinic, they said fine',
    'bp 102/60 this morning, feeling ok',
    # more animals; "fine for weeks" is over (found with half B of the stress set)
    'our budgie is wheezing',
    'mi periquito se cayó del palo',
    "she fainted at the clinic in june and she's been fine for weeks",
]


@pytest.mark.parametrize("text", CRISIS_FAMILIES)
def test_crisis_families(text):
    result = assess(text)
    assert result.urgent and result.category == CRISIS, (text, result.matched)


@pytest.mark.parametrize("text", EMERGENCY_FAMILIES)
def test_emergency_families(text):
    result = assess(text)
    assert result.urgent and result.category == CAR_T_EMERGENCY, (text, result.matched)


@pytest.mark.parametrize("text", TRAP_FAMILIES)
def test_trap_families_stay_not_urgent(text):
    result = assess(text)
    assert not result.urgent, (text, result.matched, result.detectors)


def test_new_signs_name_what_they_found():
    assert "infection" in assess("the skin around his port is red and there's pus").matched
    assert "swelling" in assess("se le hinchó la lengua").matched
    # a reading after a clause break still counts; blood pressure and pulse are not temperatures
    assert "fever" in assess("the thermometer says, 39.1").matched
    assert not assess("bp 102/60 this morning").urgent
