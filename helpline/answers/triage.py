"""Urgent-symptom triage: the ONE place where the helpline's urgent rules live.

``assess(text, lang)`` runs before any retrieval. It recognises messages that
describe an emergency happening now (especially after CAR T-cell therapy) and
thoughts of suicide or self-harm, in English and Spanish, including third-person
reports ("my husband ..."), common typos and Spanish without accents.

It deliberately does NOT flag:

* negations: "no fever", "he doesn't have chills", "sin fiebre";
* resolved or past events: "the fever went away last week", "hace un mes tuvo fiebre";
* general questions: "what temperature counts as a fever after CAR T?",
  "¿la terapia CAR T puede causar convulsiones?", "what should I do if I get a fever?",
  "the nurse said to watch for confusion, what does it look like?";
* worry about what might come: "I'm worried he'll get a fever tonight";
* shows, books, songs and the news with nobody close in them; animals;
* accidents and figures of speech: "cut himself shaving", "cutting his hair",
  "dying to go home", "muerta de cansancio";
* temperature readings below 38 °C / 100.4 °F, and figures that are not temperatures
  (blood pressure 102/60, a pulse of 101).

When in doubt (a bare "fever 39", "confused and shaking") it flags: a false
alarm costs a phone call, a miss can cost a life.

``URGENT_SIGNS`` carries short plain-language labels in both languages for the
printable warning-signs card and other features. The urgent messages are fixed,
reviewed text; nothing here is generated.
"""

from __future__ import annotations

import datetime
import functools
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .lang import detect_language, normalize_lang, strip_accents

CAR_T_EMERGENCY = "car_t_emergency"
CRISIS = "crisis"


@dataclass(frozen=True)
class UrgentSign:
    code: str
    category: str
    label_en: str
    label_es: str
    patterns: tuple[str, ...] = field(default=(), repr=False)

    def label(self, lang: str) -> str:
        return self.label_es if lang == "es" else self.label_en


@dataclass
class TriageResult:
    urgent: bool
    category: str | None = None
    matched: list[str] = field(default_factory=list)
    message: str = ""
    lang: str = "en"
    # Which detector said so: "rules", "similarity" or both.
    detectors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "urgent": self.urgent,
            "category": self.category,
            "matched": list(self.matched),
            "message": self.message,
            "lang": self.lang,
            "detectors": list(self.detectors),
        }


# Pronoun/possessive fragments reused by the patterns (text is lower-cased and
# stripped of accents before matching).
_OBJ = r"(?:my|his|her|their|our|the)"
_SELF = r"(?:myself|himself|herself|themselves|themself|yourself|ourselves)"
_ES_REFL = r"(?:me|se|te|nos)"
# A cut or a burn by accident, or a haircut, is not self-harm.
_NOT_ACCIDENT = (r"(?! (?:shaving|while|cooking|chopping|slicing|on (?:a|the|some)|by accident|accidentally|opening|"
                 r"in the kitchen|at work|gardening|with (?:a|the) (?:kitchen knife|can|paper|glass)))")
_NO_ACCIDENTE = (r"(?! (?:el pelo|el cabello|las unas|la barba|el fleco)\b)(?!\s+(?:\w+\s+){0,2}?(?:rasurand\w*|afeitand\w*|"
                 r"cocinando|sin querer|por accidente|con (?:un|el) (?:vidrio|cuchillo|papel|lata)))")

# Half F: hopelessness said with a means at hand; pets or children left in someone's care with a last word.
_HOPELESS = (
    r"no point(?: in)? (?:fighting|trying|going on|living|anymore)|(?:no|any) point anymore|"
    r"no (?:le )?(?:hallo|halla|veo|ve|encuentro|encuentra) (?:el |ningun )?sentido|(?:ya )?(?:na|nada) vale la pena|(?:pa|para) que seguir|"
    r"no doy mas|ya no aguanto|what'?s the point|can'?t do this anymore|ya no puedo mas|hopeless|sin esperanza|no (?:le )?veo salida|ya no tengo ganas"
)
_MEANS = (
    r"guns?|pistol|rifle|shotgun|firearm|revolver|pistola|escopeta|arma|machete|rope|noose|soga|"
    r"(?:his|her|my|mi|su|sus|mis|the|las|los) (?:old )?(?:morphine|morfina|oxy\w*|fentanyl|fentanilo|pills|pastillas|sleeping pills)"
)
_DEPENDENT = r"(?:my|his|her|mi|su|mis|sus|the|los|las) (?:dog|cat|bird|pets?|kids|children|son|daughter|girls|boys|perr[oa]|gat[oa]|mascotas?|hij[oa]s|nin[oa]s|loro|pajarito)"
_LEFT_IN_CARE = (
    rf"(?:feed|take care of|look after|keep|take|cuid(?:a|e|es|en|ar|ara|aras|aran)|se quede con|se queden con|quedarse con|watch)"
    rf"(?: a)? {_DEPENDENT}|{_DEPENDENT} (?:gets? |is )?(?:fed|taken care of|looked after)"
)
_LAST_WORD = (
    r"won'?t be (?:\w+ ){0,3}?(?:again|anymore|any more)\b|tell (?:my|his|her) \w+ (?:that )?(?:i'?m|im|i am) sorry\b|(?:i'?m|im) (?:so )?done\W*$|"
    r"que (?:la|lo|me) perdonen?\b|(?:the|my) beneficiary\b|ya no (?:voy|va) a estar\b|no (?:voy|va) a volver nunca\b"
)

URGENT_SIGNS: list[UrgentSign] = [
    UrgentSign(
        "fever", CAR_T_EMERGENCY,
        "Fever of 38 °C (100.4 °F) or higher",
        "Fiebre de 38 °C (100.4 °F) o más",
        (
            r"\bfever(?:s|ish)?\b", r"\bfebrile\b", r"\brunning a (?:temp|temperature)\b",
            r"\bhigh (?:temp|temperature)\b", r"\b(?:temp|temperature) (?:is|was) (?:high|up)\b",
            r"\bfiebre\b", r"\bcalentura\b", r"\bfebril\b", r"\btemperatura (?:muy )?alta\b",
            r"\b(?:esta|estoy|anda|ando) (?:muy )?(?:caliente|ardiendo)\b",
            # Feeling hot, burning up, "has a temp" (2nd round).
            r"\bburning up\b", r"\bhot to (?:the )?touch\b", r"\brunning hot\b",
            r"\b(?:feel|feels|feeling|felt)(?: \w+)? (?:so |really |very |super |kinda |kind of |a bit |a little |all )?(?:hot|feverish|warm and (?:shivery|shaky|achy))\b(?! (?:in here|outside|today out|weather|flash))",
            r"\b(?:i'm|im|i am|he's|hes|he is|she's|shes|she is)(?: \w+)? (?:so |really |very |super |kinda |all )?hot\b(?! (?:in here|outside|out there|tea|water))(?= and|\W*$|,| now| tonight| today| again)",
            r"\b(?:has|have|had|got|with|running) a (?:temp|temperature)\b",
            r"\bafiebrad[oa]s?\b", r"\bdestemplad[oa]s?\b", r"\bcon (?:calentura|temperatura alta)\b",
            r"\b(?:esta|estoy|anda|ando|se siente|me siento|lo siento|la siento|bien|muy|y|todo|toda)(?: muy| bien)? (?:caliente|ardiendo|hirviendo)\b(?! (?:el agua|la comida|la casa|el cuarto|afuera))",
            # Flushed (5th round); not a line that was flushed.
            r"\b(?:he'?s|she'?s|hes|shes|he is|she is|i'?m|im|looks?|is|all|face|cheeks|skin)\s+(?:so |really |very |super |kinda |all |bright )?flushed\b"
            r"(?! (?:the|his|her|my|it|out|with (?:excitement|joy|pride|embarrassment)))",
        ),
    ),
    UrgentSign(
        "chills", CAR_T_EMERGENCY,
        "Shaking chills",
        "Escalofríos con temblores",
        (
            r"\bchill(?:s|y)?\b(?! from the (?:ac|a/c|air|cold|room|fan))", r"\brigou?rs\b", r"\bshivering\b", r"\bshivers\b",
            r"\b(?:can ?not|cant|can't|won't|wont) stop shaking\b", r"\bshaking (?:all over|badly|uncontrollably)\b",
            r"\bescalofrios?\b", r"\btiritando\b", r"\btirita\b", r"\btemblando (?:de frio|mucho|sin parar)\b",
            r"\bno (?:puede|puedo|para|paro) de temblar\b",
            r"\bshiver(?:y|ing|s)\b", r"\bthe shakes\b", r"\bteeth (?:are |keep |started )?chattering\b",
            r"\b(?:can'?t|cannot|couldn'?t|can not) (?:get|seem to get|stay) warm\b", r"\bshaking (?:so hard|like a leaf|nonstop|non stop)\b",
            r"\btirit\w+\b", r"\btembl\w+ de frio\b", r"\bcastane\w+ los dientes\b", r"\bno (?:me|se|lo|la) (?:puedo|puede|podemos) calentar\b",
        ),
    ),
    UrgentSign(
        "confusion", CAR_T_EMERGENCY,
        "Confusion",
        "Confusión",
        (
            r"\bconfus(?:ed|ion)\b(?! (?:about|by|with|over|as to|on)\b)", r"\bdisoriented\b", r"\bdisorientation\b", r"\bdelirious\b",
            # Half I (9th round): sure someone put something in the water; shouting at one's reflection;
            # picking at the blanket or the air; talking to someone who is not there; asking what year it is
            # or who the president is.
            r"\b(?:convinced|thinks|swears|insists|believes|sure|paranoid)\b(?:\s+\S+){0,8}?\s+(?:put|putting|puts|slipped|poured|adding|added|spiked|poisoned|poisoning)"
            r"(?: (?:something|stuff|poison|drugs|chemicals))?(?: (?:in|into) (?:the|his|her|my|their) (?:water|food|drinks?|coffee|juice|meds|medicine|iv|pills))?\b",
            r"\b(?:cree|jura|esta convencid[oa]|piensa|insiste en) (?:de )?que (?:le |les |nos )?(?:\w+ )?(?:pusieron|echaron|ponen|echan|meten|metieron|envenen\w+) "
            r"(?:algo|veneno|droga\w*)?\s*(?:en|a) (?:el|la|su|sus|mi|los|las) (?:agua|comida|bebida|cafe|jugo|suero|pastillas|medicina)\b",
            r"\b(?:shout\w*|yell\w*|scream\w*|talk\w*|argu\w*|swear\w*|fight\w*) (?:at|to|with) (?:his|her|their|my) (?:own )?(?:reflection|shadow)\b",
            r"\b(?:grita\w*|habla\w*|platica\w*|discute\w*|pelea\w*) (?:con |a )?(?:su|el|mi) (?:propio )?(?:reflejo|sombra)\b|\b(?:le|se) grita al espejo\b",
            r"\b(?:picking|plucking|pulling|grabbing|reaching|clawing|picks|pulls|plucks) at (?:the )?(?:blanket|sheets?|covers|bedding|air|nothing|invisible \w+)\b",
            r"\bpicking (?:fruit|things|bugs|lint|stuff) (?:off|out of|from) (?:the )?(?:air|blanket|sheets?)\b",
            r"\b(?:agarra|pepena|pellizca|jala|arranca) (?:cosas |algo |bichos )?(?:del|en el) aire\b|\bjala (?:la|las) (?:cobijas?|sabanas?) como si\b",
            r"\b(?:talk\w*|speak\w*|chatting|wav\w*|answer\w*|point\w*) (?:to|with|at) (?:someone|somebody|people|a man|a woman|a lady|a kid|a child|(?:his|her) \w+)\b(?s:.*)"
            r"\b(?:(?:there'?s|theres|there is) (?:nobody|no one|noone)|nobody(?:'?s| is) there|who (?:isn'?t|is not|wasn'?t) there|no one is there)\b",
            r"\b(?:habla\w*|platica\w*|le contesta|saluda) (?:con |a )?(?:alguien|una persona|un senor|una senora|gente|un nino|una nina)\b(?s:.*)"
            r"\b(?:no hay nadie|que no esta(?:ba)? (?:ahi|alli)|no habia nadie)\b",
            r"\b(?:asked|asks|asking|keeps asking|pregunto|pregunta|me pregunto|me pregunta) (?:me |us |the nurse |us again |again )?"
            r"(?:who (?:the|our) president is|what year it is|(?:que|en que) ano (?:es|estamos)|quien es el presidente)\b",
            r"\banswer(?:ed|s)? (?:herself|himself) with\b",
            r"\b(?:doesn'?t|does not|don'?t|do not|didn'?t|did not) (?:know|recogni[sz]e) (?:where|who|what day|me|us|his|her)\b",
            r"\b(?:not|isn't|is not|wasn't|was not|aren't) making (?:any )?sense\b",
            r"\bacting (?:strange|weird|odd|confused)\b",
            r"\bconfundid[oa]s?\b(?! (?:con|sobre|por)\b)", r"\bse (?:confundio|confundia)\b(?! (?:de|con|en)\b)", r"\bconfusion\b(?! (?:con|sobre)\b)", r"\bdesorientad[oa]s?\b", r"\bdelirando\b",
            r"\bno (?:sabe|se) (?:donde|quien|que dia)\b", r"\bno (?:me|nos|la|lo) reconoce\b",
            r"\bdice cosas sin sentido\b",
            r"\bhallucinat\w*\b", r"\bseeing things\b", r"\bsees (?:things|people) that (?:aren'?t|are not) there\b", r"\bagitated\b",
            r"\bforget(?:s|ting)? what (?:he|she|i|they) (?:just )?(?:said|did|was saying)\b", r"\bout of it\b",
            r"\bnot (?:himself|herself|myself|themselves)\b", r"\b(?:seems|acting|looks|he is|she is|he's|she's|hes|shes) (?:off|not right|strange|weird)\b",
            r"\bnot answering (?:questions )?(?:right|properly|correctly)\b", r"\b(?:calls?|calling|called|keeps calling) (?:me|her|him|us|the nurse|the nurses|his wife|her husband) (?:by )?(?:\w+ ){0,2}?(?:wrong|dead|late) (?:\w+'?s )?names?\b", r"\b(?:calls?|calling|called|keeps calling) (?:me|her|him|us|the nurse) (?:by )?(?:his|her|their) (?:dead|late) \w+'?s name\b",
            r"\b(?:thinks|thought|believes|keeps saying) (?:we'?re|he'?s|she'?s|they'?re|we are|he is|she is|they are) (?:still |back )?(?:at|in) (?:the|his|her|their|our|grandma'?s|grandpa'?s) (?:farm|old house|old job|army|war|school|office|ranch|hometown|childhood home)\b",
            r"\b(?:me|le|nos) (?:llama|dice|confunde) (?:por|con) el nombre de (?:su|mi) (?:difunt[oa] )?\w+\b", r"\bcree que (?:estamos|esta|estoy) en (?:el|la|su|mi) (?:rancho|pueblo|casa de (?:su|mi) \w+|trabajo|escuela|guerra)\b", r"\b(?:thinks|said|says) (?:it'?s|it is) (?:19|20)\d\d\b",
            r"\bve (?:cosas|gente|personas) que no (?:estan|existen|hay)\b",
            r"\bseeing (?:\w+ )?(?:bugs|things|people|animals|spiders|insects|shapes)\b",
            r"\b(?:sees|seeing|hears|hearing) (?:\w+ ){0,4}(?:that|who) (?:aren'?t|are not|isn'?t|is not) there\b",
            r"\bno reconoce a (?:nadie|su|sus|la|el|los)\b", r"\b(?:can'?t|cannot|doesn'?t|does not) remember (?:my|his|her|our) (?:name|names)\b", r"\balucina\w*\b", r"\bagitad[oa]\b",
            r"\bno (?:es|esta) (?:el|la) mism[oa]\b", r"\bolvida lo que (?:acaba de|dijo|hizo)\b",
            # Lost at home, not knowing the year or the family, asking the same thing (2nd round).
            r"\b(?:asks?|asking|keeps asking|asked)\b(?:\s+\S+){0,5}?\s+(?:over and over|again and again|every (?:few|five|5) minutes|the same (?:thing|question))\b",
            r"\b(?:got|gets|getting|is|was) lost (?:in|going to|on the way to|inside) (?:our|his|her|my|the|their) (?:own )?(?:house|home|bathroom|room|kitchen|bedroom|apartment|hallway)\b",
            r"\b(?:doesn'?t|does not|didn'?t|did not|can'?t|cannot|couldn'?t) (?:know|recogni[sz]e|remember) (?:what year|what month|the year|our (?:kids|children|names?|address)|his (?:kids|children|wife|family|own name)|her (?:kids|children|husband|family|own name)|my name|who i am)\b",
            r"\bthinks (?:it'?s|it is|she'?s|he'?s|she is|he is) (?:19|20)\d\d\b", r"\bthinks (?:it'?s|it is) (?:the )?(?:19|20)\d\d'?s\b",
            r"\bcall(?:s|ed|ing)? me by (?:my|his|her|the wrong) (?:\w+'?s )?name\b",
            r"\bstaring (?:at nothing|into space|off into space|blankly|at the wall)\b", r"\b(?:foggy|in a fog)\b(?:\s+\S+){0,4}?\s+(?:slow|confused|not (?:himself|herself)|off)\b",
            r"\bnot acting like (?:himself|herself|myself|themselves)\b", r"\bweird stuff that (?:doesn'?t|does not|don'?t) make (?:any )?sense\b",
            r"\bno (?:sabe|se|sabia|reconoce)\b(?: ni)? (?:donde|quien|en que|que dia|que ano|que hora|a (?:nadie|sus|su|mi|mis))\b",
            r"\bno sabe (?:ni )?(?:que dia|en que dia|en que ano|que ano|que hora|usar|como usar|donde esta)\b",
            r"\bpregunta lo mismo\b", r"\b(?:esta|anda|se ve|lo veo|la veo) (?:bien |muy |como |medio )?(?:perdid[oa]|id[oa]|desubicad[oa])\b",
            r"\bse le olvida (?:lo que|todo|lo que paso|que)\b", r"\b(?:cosas|puras cosas|puras tonterias) (?:raras )?que no tienen sentido\b",
            r"\bno me reconoce\b", r"\bsuper confused\b",
            # Mixed up about place or time, a place taken for another, the bedside tests (counting back),
            # a familiar task suddenly beyond them, repeating themselves (3rd round).
            r"\b(?:mixed up|muddled|turned around)\b(?:\s+\S+){0,2}?\s+(?:about )?(?:where (?:he|she|they|i|we) (?:is|are|am|was|were)|"
            r"what (?:day|year|month|time) it is|the (?:day|date|year|month)|who (?:i|we|he|she|they) (?:am|are|is))\b",
            r"\b(?:thinks|thought|is sure|was sure|insists|insisted|swears)\b(?:\s+\S+){0,4}?\s+(?:is|was|are|were) (?:his|her|their|my|our) "
            r"(?:old |childhood |parents'? |mom'?s |mother'?s |dad'?s |first )?(?:house|home|school|office|work|job|village|town|apartment|farm)\b",
            r"\b(?:cree|creia|piensa|pensaba|jura|juraba)\b(?:\s+\S+){0,3}?\s+(?:que )?(?:estamos|esta|estan|es|son) (?:en )?(?:su|la|el|sus) "
            r"(?:casa|pueblo|rancho|trabajo|escuela|oficina|tierra|antigua casa)\b",
            r"\b(?:can'?t|couldn'?t|cannot|could not|unable to|struggl\w* to|gets? stuck|got stuck|getting stuck|no (?:puede|pudo|podia)|se traba)\b"
            r"(?:\s+\S+){0,2}?\s+(?:count(?:ing)?|contar|contando)\b(?:\s+\S+){0,2}?\s+(?:(?:back|down) (?:from|by)|backwards|para atras|hacia atras|al reves|"
            r"de (?:10|diez) en (?:10|diez)|by tens|by 10s?)\b",
            r"\b(?:he|she|husband|wife|mom|mum|mother|dad|father|son|daughter|partner|brother|sister|grandma|grandpa)\b(?:\s+\S+){0,6}?\s+"
            r"(?:can'?t|couldn'?t|cannot|could not|doesn'?t know|didn'?t know|forgot|forgets|forgotten) (?:figure out |remember |work out )?how to "
            r"(?:open|unlock|close|use|work|button|zip|unzip|tie|put on|get (?:in|into|out of)|buckle|hold|flush)\b(?:\s+\S+){0,3}?\s+"
            r"(?:door|fork|spoon|cup|glass|buttons?|shirt|shoes?|laces|seatbelt|seat belt|zipper|toothbrush|toilet|faucet|jacket|coat|pants)\b",
            r"\b(?:no (?:sabe|supo|sabia)|se le olvido) (?:ni )?(?:como )?(?:abrir|usar|abrochar\w*|amarrar\w*|poner\w*|jalar)\b(?:\s+\S+){0,3}?\s+"
            r"(?:puerta|tenedor|cuchara|vaso|botones|camisa|zapatos|agujetas|cinturon|cepillo|bano|chamarra|pantalon)\b",
            r"\brepeat(?:s|ing|ed)? (?:himself|herself)\b",
            r"\brepite (?:y repite|lo mismo|las mismas? (?:cosas?|preguntas?|palabras?)|la misma (?:cosa|pregunta|historia))\b",
            r"\b(?:esposo|esposa|marido|mujer|mama|papa|madre|padre|hijo|hija|hermano|hermana|abuelo|abuela|suegro|suegra|el|ella|tio|tia)\b"
            r"(?:\s+\S+){0,2}?\s+(?:anda|se porta|se comporta|actua|esta actuando) (?:muy |bien |super |medio |bastante |como )?(?:rar[oa]|extran[oa]|diferente)\b",
            # Asked the same thing a number of times, unable to tell the year or the city, unable to follow
            # simple commands, a place taken for another ("thinks we're at the airport and we're at the
            # hotel"), answers that have nothing to do with the question (4th round).
            r"\b(?:he|she|husband|wife|mom|mum|mother|dad|father|son|daughter|partner|brother|sister|grandma|grandpa)\b(?:\s+\S+){0,4}?\s+"
            r"(?:asked|asks|asking|keeps asking|kept asking)(?: me| us| the nurse| her| him)? (?:like |about |at least )?"
            r"(?:two|three|four|five|six|several|a few|\d+|many|so many) times (?:what|where|who|when|which|whether|if|the same|for the same)\b",
            r"\b(?:can'?t|couldn'?t|cannot|could not|didn'?t|doesn'?t|did not|does not|unable to|not able to)\s+(?:tell|say|answer|name)\s+"
            r"(?:me |us |the nurse |the doctor |them |you )?(?:what (?:year|month|day|city|town|state|country)|the (?:year|month|date|day|city)|"
            r"where (?:he|she|they|i|we) (?:is|are|am|was|were)|(?:his|her|their|my) (?:own )?(?:name|birthday|address|age))\b",
            r"\b(?:can'?t|couldn'?t|cannot|could not|doesn'?t|does not|didn'?t|did not|won'?t|unable to|not able to)\s+(?:even\s+)?"
            r"(?:follow|obey|understand)\s+(?:simple|basic|easy|the simplest|even simple|the easiest|short)\s+(?:\w+\s+)?"
            r"(?:commands|instructions|directions|requests|stuff|things|questions)\b",
            r"\b(?:can'?t|couldn'?t|cannot|could not|doesn'?t|does not|didn'?t|won'?t|unable to)\s+follow\s+(?:the nurse'?s |my |our |any )?commands\b",
            r"\bno (?:puede|pudo|podia|sabe|supo|logra) (?:seguir|hacer|entender) (?:las |unas )?(?:instrucciones|ordenes|indicaciones|cosas|preguntas)"
            r" (?:\w+ )?(?:simples|sencillas|faciles|basicas)\b",
            r"\b(?:thinks|thought|is sure|was sure|insists|insisted|swears|keeps saying)\b(?:\s+\S+){0,2}?\s+(?:we'?re|we are|we were|he'?s|she'?s|"
            r"he is|she is|they'?re|they are) (?:at|in|on) (?:the |a |an |his |her |their )?\w+(?:\s+\S+){0,3}?\s+(?:but|and|when|while) "
            r"(?:we'?re|we are|he'?s|she'?s|he is|she is|it'?s|its|they'?re) (?:really |actually |obviously )?(?:at|in|on)\b",
            r"\b(?:cree|creia|piensa|pensaba|jura|juraba|dice|decia)\b(?:\s+\S+){0,2}?\s+que (?:estamos|esta|estan|estaba|estabamos) en "
            r"(?:el |la |su |un |una |los |las )?\w+(?:\s+\S+){0,3}?\s+(?:y|pero|cuando|si) (?:en realidad |de verdad )?(?:estamos|esta|estan) en\b",
            r"\b(?:thinks|thought|is sure|insists|swears)\b(?:\s+\S+){0,2}?\s+(?:we'?re|we are|he'?s|she'?s|he is|she is) (?:at|in|on) (?:the |an? )?"
            r"(?:airport|church|office|mall|store|bank|beach|train station|bus station|school|his work|her work|work)\b",
            r"\b(?:cree|creia|piensa|pensaba|jura|juraba)\b(?:\s+\S+){0,2}?\s+que (?:estamos|esta|estan) en (?:el |la |un |una )?"
            r"(?:aeropuerto|iglesia|oficina|mercado|tienda|banco|playa|escuela|trabajo|central|terminal)\b",
            r"\b(?:contesta|responde|contestaba|respondia|contesto|respondio)\s+(?:puras\s+)?(?:cualquier cosa|cualquier tonteria|otra cosa|"
            r"cosas que no (?:tienen|vienen) (?:nada que ver|al caso|sentido)|cosas sin sentido|incoherencias)\b",
            r"\b(?:answers?|answering|answered|responds?|responding|responded|replies|replying|replied)\b(?:\s+\S+){0,3}?\s+"
            r"(?:stuff|things|something|words|random stuff|random things|with stuff|with things)\s+(?:that|which) (?:has|have|had) nothing to do with\b",
            r"\b(?:answers?|answered|responds?|responded|replies|replied) with (?:random|unrelated|made up) (?:stuff|things|words|answers)\b",
        ),
    ),
    UrgentSign(
        "trouble_speaking", CAR_T_EMERGENCY,
        "Trouble speaking or finding words",
        "Dificultad para hablar o encontrar palabras",
        (
            r"\b(?:trouble|difficulty|problems?|hard time|struggling|struggles) (?:speaking|talking|getting (?:the |his |her |my )?words out|finding (?:the )?words)\b",
            # Half I (9th round): talking normally a few hours ago; upset at not being understood.
            r"\b(?:en la manana|esta manana|hace (?:un rato|unas horas|rato)|this morning|earlier today|an hour ago|a few hours ago|at lunch|en la comida) "
            r"(?:\w+ ){0,2}?(?:hablaba|platicaba|was (?:talking|speaking)|talked|spoke) (?:normal|bien|fine|normally|perfectly|clearly|claro)\b",
            r"\b(?:se enoja|se frustra|se desespera|gets (?:angry|upset|frustrated|mad)) (?:porque|because|cuando|when) (?:no (?:le|la|lo) (?:entiendo|entendemos)|(?:i|we) can'?t understand (?:him|her))\b",
            r"\b(?:can ?not|cant|can't|couldn'?t|unable to) (?:speak|talk|get (?:the |his |her |my )?words out|find (?:the |his |her |my |their )?words)\b",
            r"\b(?:trouble|difficulty|problems?|hard time|struggling|struggles) (?:finding|getting out) (?:the |his |her |my |their )?words\b",
            r"\b(?:mixing up|mixes up|forgets|forgetting|searching for) (?:his |her |my |their |the )?words\b",
            r"\b(?:saying|says|uses) (?:the )?wrong words\b",
            r"\bhabla (?:muy )?(?:enredado|trabado|arrastrado|raro|extrano|arrastrando las palabras)\b", r"\bno se le entiende (?:nada|lo que dice|cuando habla)?\b",
            r"\bslurr(?:ed|ing)\b", r"\bspeech (?:is|was|sounds) (?:slurred|garbled|strange|off)\b",
            r"\bwords (?:are |come out )?(?:jumbled|wrong|garbled|mixed up)\b",
            r"\b(?:dificultad|problemas?|le cuesta|me cuesta) (?:para )?(?:hablar|encontrar (?:las )?palabras)\b",
            r"\bno (?:puede|puedo|podia) hablar\b", r"\barrastra (?:las )?palabras\b",
            r"\bhabla (?:arrastrada|rara|extrana|enredada)\b", r"\bno le salen las palabras\b",
            r"\bno (?:encuentra|encuentro|encontraba) (?:las )?palabras\b", r"\bconfunde (?:las )?palabras\b",
            r"\b(?:talking|talks|speaking|saying) (?:\w+ )?(?:nonsense|gibberish)\b", r"\bbabbling\b",
            r"\b(?:habla|hablando|dice|diciendo) (?:puras )?(?:incoherencias|incoherente|disparates)\b",
            # Word finding and wrong words, said any way (2nd round).
            r"\bwords? (?:are |is |keep |keeps )?(?:com(?:e|es|ing) out |sound(?:s|ing)? |coming )?(?:all )?(?:jumbled|wrong|garbled|mixed up|backwards|scrambled|in the wrong order)\b",
            r"\b(?:it|they|everything|his words|her words) (?:comes?|came|coming) out (?:all )?(?:wrong|garbled|jumbled|backwards|as nonsense|scrambled|mixed up|"
            r"as gibberish)\b",
            r"\b(?:can'?t|cannot|couldn'?t|unable to|can not) (?:name|think of the (?:name|word)s? (?:of|for)|remember the (?:name|word)s? (?:of|for))\b(?! (?:a|the|my|his|her) (?:doctor|nurse|drug|medicine|hospital|hotel))",
            r"\b(?:calls|calling|called|keeps calling) (?:things|stuff|everything|objects|the \w+|a \w+) (?:a |an |the |by the )?(?:wrong name|\w+ and (?:the|a) \w+ (?:a|an) \w+)\b",
            r"\b(?:stopping|stops|pausing|pauses) (?:mid|in the middle of (?:a )?)[ -]?sentence\b",
            r"\bmumbl(?:ing|es|ed)\b(?:\s+\S+){0,2}?\s+(?:nonsense|gibberish|words|things)\b",
            r"\bse (?:le )?traba (?:mucho |la lengua |al hablar)", r"\blengua (?:pesada|trabada|dormida|enredada)\b",
            r"\bhabla (?:bien |muy |super |medio |como )?(?:raro|extrano|enredado|trabado|arrastrado|chistoso|feo|mocho)\b",
            r"\b(?:una|la) (?:cosa|palabra) por otra\b", r"\bno (?:puede|podia|puedo|pudo) decir (?:las |ni las |bien las )?palabras\b",
            r"\bno le (?:salen|sale|salian) (?:las )?palabras\b",
            # Speech that sounds thick or mushy, words forgotten, one word meant and another said (3rd round).
            r"\b(?:his|her|my|their|mom'?s|dad'?s) (?:speech|talking)\b(?:\s+\S+){0,2}?\s+(?:is |was |sounds? |sounded )?"
            r"(?:all |really |so |very |kind of |kinda |super )?(?:mushy|thick|slurr\w*|garbled|sloppy|mumbled|drunk|funny|weird|off|strange|slow|blurry)\b",
            r"\b(?:his|her|my|their) words\b(?:\s+\S+){0,2}?\s+(?:are |were |sound |sounded )?(?:all |really |so |very )?(?:mushy|slurr\w*|garbled|jumbled)\b",
            r"\bse (?:le|me) (?:olvidan|olvidaron|van|fueron|borran) las palabras\b",
            r"\b(?:quiere(?<!\beso quiere)(?<!\besto quiere)(?<!\bque quiere)|queria(?<!\beso queria)(?<!\bque queria)|quiso|trata de|intenta|intentaba|quiero) decir\b(?:\s+\S+){0,3}?\s+y (?:le sale|le salio|me sale|dice|dijo|sale|digo) "
            r"(?:otra|otro|otras|algo (?:diferente|distinto)|cualquier)\b",
            r"\b(?:wants|wanted|means|meant|tries|tried|trying) to say\b(?:\s+\S+){0,4}?\s+(?:and|but) (?:it comes out|it came out|says|said|comes out|came out)\b"
            r"(?:\s+\S+){0,3}?\s*(?:something else|another|a different|instead|wrong)\b",
            # What one means cannot be said (4th round).
            r"\b(?:can'?t|cannot|couldn'?t|could not|unable to) (?:say|get out|explain|express) what (?:i|he|she|they) (?:mean|means|meant|want|wants|wanted)\b"
            r"(?! (?:to say )?(?:in|en) (?:english|spanish|ingles|espanol))",
            r"\bno (?:puede|puedo|pudo|podia) (?:decir|explicar|expresar) lo que (?:quiere|quiero|queria)(?: decir)?\b"
            r"(?! (?:en|in) (?:ingles|english|espanol|spanish))",
        ),
    ),
    UrgentSign(
        "seizure", CAR_T_EMERGENCY,
        "Seizure",
        "Convulsión",
        (
            r"\bseiz(?:ure|ures|ing)\b", r"\bconvuls(?:ion|ions|ing|ed)\b", r"\bhad a fit\b", r"\bhaving a fit\b",
            r"\bconvulsion(?:es)?\b", r"\bconvulsiona(?:ndo|r|ba)?\b", r"\bconvulsiono\b", r"\bataque epileptico\b",
            # Told by what it looks like (2nd round).
            r"\beyes? (?:rolled|rolling|rolls|roll|went) (?:back|up)\b", r"\bjerk(?:ing|ed|s)\b(?:\s+\S+){0,4}?\s+(?:and (?:not|wasn'?t|isn'?t) respond\w*|all over|uncontrollably|for (?:a|like a|about a) (?:minute|min))\b",
            r"\b(?:body|arms?|legs?|he|she|whole body)\b(?:\s+\w+){0,2}? (?:went|goes|got|is|was|going) (?:all )?(?:stiff|rigid)\b", r"\bstiffen(?:ed|ing|s)? (?:up|out|for)\b",
            r"\b(?:twitching|jerking|shaking) and (?:not|wasn'?t|isn'?t|didn'?t|won'?t) (?:respond\w*|answer\w*|wake)\b",
            r"\bojos en blanco\b", r"\bse (?:puso|pone|quedo) (?:tieso|tiesa|rigid[oa]|duro|dura)\b", r"\bechando espuma\b",
            r"\b(?:empezo|empieza|comenzo) a (?:sacudirse|convulsionar|temblar (?:todo|toda|entero))\b",
            # A spell of staring or freezing with no answer (5th round).
            r"\b(?:se )?(?:quedo|queda|quedaba) (?:como )?(?:congelad[oa]|ausente|paralizad[oa]|pasmad[oa]|petrificad[oa])\b",
            r"\b(?:mirando|mirada|la vista)\s+(?:a la nada|al vacio|fija|perdida|a ningun lado|a ninguna parte)\b(?:\s+\S+){0,6}?\s+"
            r"(?:no (?:me |nos |le )?(?:contestaba|contesta|contesto|respondia|responde|respondio|oia|oye|hacia caso)|le (?:temblaba|tiembla|brincaba|brinca))\b",
            r"\b(?:froze|frozen|freezes|freezing up|zoned out|spaced out|blanked out|staring (?:at nothing|into space|blankly))\b(?:\s+\S+){0,6}?\s+"
            r"(?:not|wasn'?t|didn'?t|wouldn'?t|won'?t|isn'?t|couldn'?t)\s+(?:respond\w*|answer\w*|hear\w*)\b",
        ),
    ),
    UrgentSign(
        "fainting", CAR_T_EMERGENCY,
        "Fainting or passing out",
        "Desmayo o pérdida del conocimiento",
        (
            r"\bfaint(?:ed|ing|s)?\b", r"\bpass(?:ed|es|ing)? out\b", r"\bblack(?:ed|ing)? out\b",
            r"\blost consciousness\b", r"\bunconscious\b", r"\bcollapsed\b",
            r"\bdesmay(?:o|e|a|ado|ada|arse|ando|os)\b", r"\bdesmallo\b",
            r"\bperdi(?:o)? el conocimiento\b", r"\bperdio la conciencia\b", r"\binconsciente\b",
            r"\bse (?:cayo|desplomo) (?:al suelo|redondo)\b",
            # Nearly fainting, greying out, "se privó", "se desvaneció" (2nd round).
            r"\b(?:gray|grey|black|white)(?:ing|ed)? out\b", r"\b(?:vision|everything) (?:goes|went|going) (?:black|dark|gray|grey|white)\b",
            r"\b(?:almost|nearly) (?:faint\w*|passed out|pass out|blacked out|collapsed)\b", r"\bcame to after\b",
            r"\bdesvanec\w+\b", r"\bse (?:privo|privaba|priva)\b", r"\bquedo privad[oa]\b", r"\bperdi(?:o)? el sentido\b",
            r"\bse (?:me|le) (?:nublo|oscurecio|puso negra) la vista\b", r"\bsudando frio\b", r"\b(?:casi )?me desmay\w*\b",
            # Going limp or slumping, "se puso como trapo" (4th round).
            r"\b(?:went|goes|going|gone|got) (?:all |completely |totally )?(?:limp|floppy|slack)\b", r"\bslump(?:ed|s|ing)? (?:over|forward|to the side)\b",
            r"\bse (?:puso|pone|quedo|queda) (?:como (?:un )?trapo|flojit[oa]|toda floja|todo flojo|guang[oa]|aguadit[oa]|aguad[oa])\b",
            r"\bse (?:desguanzo|desplomo|vino abajo)\b",
        ),
    ),
    UrgentSign(
        "trouble_breathing", CAR_T_EMERGENCY,
        "Trouble breathing",
        "Dificultad para respirar",
        (
            r"\b(?:trouble|difficulty|hard time|struggling|struggles|problems?|hard|difficult) (?:to )?breath(?:e|ing)?\b",
            r"\b(?:can ?not|cant|can't|couldn'?t|unable to) (?:catch (?:my|his|her|their) )?breath(?:e)?\b",
            r"\b(?:lips?|fingernails|nails|face) (?:look(?:s|ing)? |are |is |turn(?:s|ing|ed)? |went |going |getting )?(?:blue|bluish|gray|grey|purple)\b",
            r"\blabios (?:se (?:le )?(?:ven|ponen|pusieron) )?(?:morados|azules|azulados|grises)\b",
            r"\bshort(?:ness)? of breath\b", r"\bout of breath\b", r"\bgasping\b", r"\bwheezing\b",
            r"\bbreathless\b", r"\bbreathing (?:is )?(?:hard|fast|difficult|labou?red|heavy|shallow)\b",
            r"\b(?:dificultad|problemas?|le cuesta|me cuesta|cuesta) (?:para )?respirar\b",
            r"\bno (?:puede|puedo|podia|podemos) respirar\b", r"\b(?:me|le|nos) falta (?:el )?aire\b",
            r"\bfalta de aire\b",
            r"\b(?:oxygen|o2|sats?|saturation|saturacion|oxigeno|pulse ox|oximeter|oximetro|spo2)\b(?:\s+\S+){0,5}?"
            r"(?:\s+\d{2,3}\s*%?(?:\s+(?:now|then|and|ahora|luego|y))?){0,4}?\s+(?:[5-8]\d|9[01])\s*%?(?![\d/])", r"\b(?:me|se) ahoga\b", r"\bme ahogo\b", r"\brespira (?:muy )?(?:mal|rapido|con dificultad)\b",
            # Winded, huffing, rattly, dusky; Spanish "no le alcanza el aire", "jadeando" (2nd round).
            r"\bhuffing and puffing\b", r"\b(?:winded|breathless)\b(?! (?:from|after) (?:the )?(?:stairs|walk|run|gym|workout))",
            r"\bbreathing (?:sounds |is |looks )?(?:really |very |so )?(?:weird|funny|strange|noisy|rattly|rattling|wet|gurgling|hard|fast|shallow|labou?red)\b",
            r"\b(?:lips|fingers|fingertips|nails|face|skin) (?:look(?:s|ing)? |are |is |turn(?:s|ing|ed)? |went |getting )?(?:dusky|blue|bluish|gray|grey|purple)\b",
            r"\bshort of (?:air|breath)\b", r"\b(?:can'?t|cannot) get (?:enough )?air\b",
            r"\bno (?:le|me|nos) (?:alcanza|llega|entra) (?:el )?aire\b", r"\bjade(?:a|ando|aba)\b", r"\bahogand(?:o|ose|ome)\b",
            r"\brespira (?:muy |bien |super )?(?:agitad[oa]|raro|feo|fuerte|entrecortado|rapidito|con ruido)\b",
            r"\b(?:unas|dedos|labios|boca|cara) (?:\w+ )?(?:morad[oa]s?|azul(?:es|ad[oa]s?)?)\b",
            # Half I (9th round): panting like a tired dog, quick short breaths.
            r"\b(?:breath\w*|pant\w*|respira\w*|jade\w*) (?:like|como) (?:a |un )?(?:tired |little )?(?:dog|puppy|perrito|perro)\b",
            r"\b(?:rapidito y cortito|cortito y rapidito|quick (?:little )?shallow breaths|short (?:quick|fast) breaths|fast (?:little )?shallow breaths)\b",
            r"\bno (?:puede|puedo|podia) (?:breathe|respirar) (?:bien)?\b",
            # Puffing or panting told of someone; a sentence not finished without a breath (5th round).
            r"\b(?:can'?t|cannot|couldn'?t|can not|unable to|no (?:puede|pudo|podia|logra)) (?:even )?(?:finish|get through|complete|terminar|acabar) "
            r"(?:a|one|the|una|la) (?:sentence|frase|oracion) (?:without|sin) (?:stopping |pausing |pararse |parar |detenerse )?(?:for |to |a )?(?:air|breath|breathe|respirar|tomar aire)\b",
            r"\b(?:he'?s|she'?s|hes|shes|he is|she is|i'?m|im|is|keeps|kept|started|been|sits there|lies there|sitting there|lying there) (?:\w+ )?(?:puffing|panting)\b"
            r"(?! (?:up|on|out|away|from (?:the )?(?:stairs|walk|run|gym|workout)))",
        ),
    ),
    UrgentSign(
        "chest_pain", CAR_T_EMERGENCY,
        "Chest pain",
        "Dolor en el pecho",
        (
            r"\bchest (?:pain|pains|tightness|pressure|hurts|is hurting|feels tight)\b",
            rf"\bpain in {_OBJ} chest\b", rf"\b{_OBJ} chest (?:hurts|is hurting|feels tight|is tight)\b",
            r"\bdolor (?:en el|de|del) pecho\b", r"\b(?:me|le) duele (?:el|mucho el) pecho\b",
            r"\bopresion en el pecho\b", r"\bpresion en el pecho\b",
            # Pain, pressure or weight on the chest in any order (2nd round).
            r"\bchest\b(?:\s+\w+){0,3}?\s+(?:hurts|hurting|pain|pains|tight|tightness|pressure|squeez\w*|heavy|heaviness|crush\w*)\b",
            r"\b(?:pain|pressure|tightness|squeezing|heaviness|weight|crushing|burning)\b(?:\s+\w+){0,3}?\s+(?:in|on|across) (?:my|his|her|the|their) chest\b",
            r"\bchest feels like\b", r"\b(?:his|her|my) chest (?:is )?(?:killing|hurting)\b",
            r"\bdolor (?:\w+ ){0,2}?(?:en el|de|del) pecho\b", r"\bpecho\b(?:\s+\w+){0,3}?\s+(?:duele|dolia|doliendo|apret\w+|oprim\w+|pesado)\b",
            r"\b(?:me|le|nos) (?:apretaran|aprietan|aprieta|apretara|oprime|oprimen) el pecho\b", r"\b(?:me|le) duele (?:\w+ ){0,2}el pecho\b",
        ),
    ),
    UrgentSign(
        "hard_to_wake", CAR_T_EMERGENCY,
        "Very sleepy or hard to wake",
        "Mucho sueño o cuesta despertarle",
        (
            r"\b(?:hard|difficult|impossible) to (?:wake|rouse|arouse)\b",
            r"\b(?:can ?not|cant|can't|couldn'?t|unable to) (?:wake|rouse) (?:him|her|them|my \w+)(?: up)?\b",
            r"\b(?:won'?t|will not|doesn'?t|does not|didn'?t) wake(?: up)?\b", r"\bunresponsive\b",
            r"\bnot responding\b", r"\bkeeps (?:falling asleep|passing out|nodding off)\b",
            r"\b(?:dificil|cuesta|imposible) (?:de )?despertar(?:le|la|lo)?\b",
            r"\bno (?:se )?(?:despierta|puedo despertarl[oa]|podemos despertarl[oa]|responde)\b",
            r"\bmuy (?:dormid[oa]|somnolient[oa])\b",
            r"\b(?:very|so|really|extremely|super|too) (?:sleepy|drowsy)\b",
            r"\b(?:can ?not|cant|can't|couldn'?t|unable to) (?:stay|keep (?:his|her|my|their) eyes) (?:awake|open)\b",
            r"\bkeeps (?:dozing|nodding)(?: off)?\b",
            r"\b(?:can ?not|cant|can't|couldn'?t|unable to) keep (?:him|her|them|my \w+) awake\b", r"\bno (?:la|lo) (?:puedo|podemos) mantener despiert[oa]\b",
            r"\b(?:demasiado|muy|tan) (?:adormilad[oa]|somnolient[oa])\b", r"\bno (?:se )?(?:puede|puedo) mantener despiert[oa]\b",
            r"\bse (?:queda|esta quedando) dormid[oa] (?:todo el tiempo|a cada rato|hablando)\b",
            # Drifting off mid-task, sleeping most of the day (2nd round).
            r"\b(?:drifts?|drifting|dozes?|dozing|nods?|nodding) (?:right )?off\b(?:\s+\S+){0,3}?\s*(?:while|mid|during|again|when|eating|talking|in the middle)\b",
            r"\b(?:nodding|nods|dozing|falls?|falling) (?:off |asleep )?(?:while|mid|during|in the middle of) (?:eating|talking|a sentence|sentence|meals?|dinner|lunch|breakfast|conversation)\b",
            r"\b(?:can'?t|cannot|couldn'?t|can not) get (?:him|her|them|my \w+) to (?:wake|stay awake|open (?:his|her|their) eyes|respond)\b",
            r"\bsleep(?:s|ing)? (?:\d+ ?(?:hrs|hours)|all day|the whole day|all the time|nonstop|constantly|around the clock)\b",
            r"\b(?:so |very |really )?out of it and (?:so |very |really )?(?:sleepy|drowsy)\b",
            r"\b(?:muy|bien|tan|demasiado|super) (?:dormid[oa]|dormilon[a]?|somnolient[oa]|adormilad[oa]|adormecid[oa]|modorr[oa])\b",
            r"\bse (?:duerme|queda dormid[oa]|vuelve a dormir)\b(?:\s+\S+){0,2}?\s+(?:hasta|mientras|comiendo|hablando|a media|en medio|sentad[oa])\b",
            r"\babre los ojos y se (?:vuelve a dormir|duerme)\b", r"\b(?:no|casi no) (?:despierta|responde) bien\b",
            r"\bsuper (?:sleepy|drowsy)\b", r"\bbien (?:sleepy|drowsy)\b",
        ),
    ),
    UrgentSign(
        "suicidal_thoughts", CRISIS,
        "Thoughts of suicide",
        "Pensamientos de suicidio",
        (
            r"\bsuicid(?:e|al)\b(?! (?:hotline|prevention|awareness|helpline|crisis line|lifeline|line)\b(?:\s+\S+){0,6}?\s+for (?:a|her|his|my|their|the|our) "
            r"(?:school |class |college |university )?(?:project|assignment|paper|presentation|report|homework|class)\b)", rf"\bkill(?:ing)? {_SELF}\b", r"\bend(?:ing)? (?:my|his|her|their) (?:own )?life\b",
            r"\btak(?:e|ing) (?:my|his|her|their) (?:own )?life\b", r"\bwant(?:s)? to die\b", r"\bwish (?:i|he|she) (?:was|were) dead\b",
            r"\b(?:don'?t|do not|doesn'?t|does not) want to (?:live|be alive|wake up)\b"
            r"(?! (?:at \d|at (?:five|six|seven|dawn)|early|so early|too early|before|for (?:the|my|his|her|a|an|work|school|class|church|that|this)|in time|\d))",
            r"\bbetter off dead\b", r"\bno reason to live\b", r"\bend it all\b",
            r"\b(?:don't|do not|doesn't|does not) want to be (?:here|alive|around)(?: anymore)?\b",
            r"\b(?:me quiero|se quiere|te quieres|quiero|quiere) (?:matar|suicidar)\b",
            r"\bsuicid(?:io|arme|arse|arte|a)\b", r"\bmatar(?:me|se|te)\b", r"\bquitar(?:me|se) la vida\b",
            # "not going to be a burden much longer": a goodbye, not a reassurance.
            r"\bno (?:va|voy|vas) a (?:ser|seguir siendo) (?:una |un )?(?:carga|estorbo)(?: por| para)? (?:mucho tiempo|mucho mas|nadie)\b",
            r"\b(?:not|won'?t) (?:going to |gonna )?be (?:a )?burden (?:for |to anyone )?(?:much )?(?:longer|long|anymore)\b",
            r"\bprefier(?:e|o|es)? morir(?:me|se)?\b",
            r"\b(?:go to |fall )?(?:sleep|asleep) forever\b", r"\bkms\b",
            r"\b(?:gun|pistol|rifle|firearm)\b(?:\s+\S+){0,6}?\s+(?:done|over|finished|ending it)\b",
            r"\b(?:pistola|arma)\b(?:\s+\S+){0,6}?\s+(?:ya (?:no|se acabo)|acabar|terminar)\b",
            r"\bmejor (?:me|se) muer[eo]\b", r"\bmejor morir(?:me|se)?\b",
            r"\b(?:jump|jumping|throw (?:myself|himself|herself)) (?:off|from) (?:a|the|that) (?:bridge|building|roof|balcony)\b",
            r"\b(?:tirar|aventar|lanzar)(?:me|se) (?:del|de un|de la|de una|desde el|desde la|al|a las vias del) "
            r"(?:puente|edificio|ventana|balcon|techo|azotea|tren|metro)\b", r"\bpreferiria (?:morir(?:me|se)?|estar muert[oa])\b",
            r"\bwould rather (?:be dead|die)\b",
            r"\bquiere(?:s)? morir(?:se)?\b", r"\bquiero morir(?:me)?\b", r"\bme quiero morir\b", r"\bse quiere morir\b",
            r"\bno (?:quiero|quiere) (?:seguir )?vivir\b", r"\b(?:acabar|a cavar|acavar|akabar|a kabar) con (?:mi|su) vida\b", r"\bmejor muert[oa]\b",
            # Without the obvious words: wanting it over, not waking up, being a burden.
            r"\bwant(?:s|ed)? (?:it all|everything|this all|all of this|it) to (?:be over|end|stop)\b",
            r"\b(?:end it|end things|end everything)\b", r"\b(?:can'?t|cannot) go on(?: like this| anymore| any more)?\b",
            r"\b(?:hope|wish|pray)(?:s|ing)? (?:i|he|she|they) (?:don't|doesn't|do not|does not|won't|will not|never|wouldn't) wake up\b",
            r"\b(?:go|went|going) to sleep and (?:never|not) wake up\b", r"\bnot (?:to )?wake up (?:again|tomorrow|ever)\b",
            r"\b(?:i'm|im|i am|he's|hes|he is|she's|shes|she is|being|feel like|feels like) (?:just )?(?:a|such a) burden\b"
            r"(?!\W*(?:asking|by asking|for asking|with (?:all )?(?:my|these|the|so many|all these) (?:questions|messages|calls)))",
            r"\bbetter off without (?:me|him|her|them)\b", r"\bbetter without (?:me|him|her)\b",
            r"\b(?:no|any) (?:point|reason) (?:in )?(?:living|going on|to go on|to keep going|to live)\b",
            r"\bwant(?:s)? to disappear\b", r"\b(?:take|took|taking|swallow\w*) all (?:my|his|her|their|the) (?:pills|meds|medicines?|tablets)\b",
            r"\boverdos(?:e|ed|ing)\b",
            r"\bno (?:quiero|quiere|quisiera) (?:volver a )?despertar(?:me|se)?\b", r"\bno despertar(?:me|se)? (?:nunca|mas|manana)\b",
            r"\b(?<!preocupa )(?<!miedo de )(?<!miedo a )(?<!miedo )(?:soy|es|ser|sere|siento que soy) (?:una|un) (?:carga|estorbo)\b"
            r"(?!\W*(?:con (?:tantas|mis|estas|tanta|todas (?:mis|estas)) (?:preguntas|dudas|mensajes|llamadas)|preguntando|por preguntar))", r"\b(?:estarian|estaran|estan) mejor sin (?:mi|el|ella)\b",
            r"\bquiero que (?:todo )?(?:se acabe|termine|acabe)(?: todo| ya)*+\b(?!\s+(?:el|la|los|las|este|esta|estos|estas|mi|mis|su|sus|de|pronto|rapido|para)\b)", r"\bacabar con todo\b", r"\bterminar con todo\b",
            r"\b(?:no vale la pena|no tiene sentido|sin sentido) (?:seguir )?viv(?:ir|iendo)\b", r"\bquiero desaparecer\b",
            r"\bquiere desaparecer\b", r"\btomar(?:me|se)? todas las pastillas\b", r"\bsobredosis\b",
            r"\bno (?:puedo|puede) (?:mas|seguir asi)\b",
            r"\b(?:can'?t|cannot) do this anymore\b", r"\b(?:i|he|she) (?:have|has|made|got) a plan\b(?! (?:for|to (?:get|go|visit|travel|see)))",
            r"\b(?:drive|driving|drove|jump|jumping) (?:my|his|her|the)? ?(?:car )?off (?:a|the) (?:bridge|cliff|building|roof)\b",
            r"\bgiving (?:away )?(?:all )?(?:his|her|my) (?:things|stuff|belongings) away\b", r"\bgiving away (?:his|her|my|all) (?!.*\b(?:outgr[eo]w\w*|downsiz\w+|declutter\w*|yard sale|garage sale|estate sale|moving (?:house|out|to)|(?:the|a|our|my) move|donat\w+ (?:them|it|to))\b)(?!(?:the |of the |of (?:my|his|her|our|their) |my |his |her |our |their )?(?:baby|babies'?|kids'?|children'?s|toddler|maternity|old|spare|extra|used|unused|outgrown)\b)(?!(?:old |spare |extra |used |unused )(?:\w+ )?(?:wheelchair|walker|crutches|cane|equipment|commode|bed|oxygen|scooter|shower chair)\b)",
            r"\b(?:saying|said) goodbye to everyone\b", r"\bgoodbye (?:message|letter|note|text)s?\b",
            r"\bregalando sus cosas\b", r"\bdespidiendo(?:se|me) de todos\b", r"\b(?:mensaje|carta|nota)s? de despedida\b",
            r"\btirar(?:me|se) (?:de|del|por) (?:un|el|la) (?:puente|edificio|techo|ventana)\b",
            r"\b(?:hoard\w*|stockpil\w*|saving|saved|stashing|guardando|juntando|acumulando) (?:up )?(?:all )?(?:my |his |her |the |las |sus |mis )?(?:sleeping |pain )?(?:pills|meds|pastillas)\b",
            r"\b(?:letting|let) (?:myself |himself |herself )?go\b(?! of)", r"\bstop existing\b", r"\bdejar de existir\b",
            r"\bbe gone for good\b", r"\b(?:gone|dead) for good\b", r"\bdone fighting\b(?! (?:with|over|about))",
            r"\bya me despedi de todos\b", r"\bme despedi de todos\b",
            r"\b(?:ending|endin) (?:it all|it|things|everything)\b(?! (?:with|between))", rf"\b(?:aser|acer|haser){_ES_REFL} (?:dano|algo)\b",
            # Crashing the car on purpose, wishing not to see the morning, "what for, going on".
            r"\b(?:drive|driving|drove|crash|crashing|steer|steering) (?:my |the |his |her )?(?:car |truck )?into (?:a |the )?(?:wall|tree|truck|pole|river|oncoming traffic)\b",
            r"\b(?:chocar|estrellar)(?:me|se)? (?:el |mi |su )?(?:carro|coche|auto|camioneta)? ?(?:a proposito|contra (?:un|una|el|la) (?:pared|muro|arbol|camion|poste))\b",
            r"\b(?:ojala|quisiera|quiero|prefiero|prefiere|quiere) (?:ya )?no (?:volver a )?(?:amanecer|amanezca|amanezco|despierte|despertar)\b",
            r"\b(?:para|pa) que seguir (?:viviendo|asi|luchando|aqui)\b", r"\b(?:para|pa) que seguir\W*$",
            # After a death: no point anymore, wanting to join the one who died.
            r"\b(?:don'?t|do not|doesn'?t|does not|can'?t|cannot) see (?:the|any) point (?:anymore|any more|in (?:anything|living|life|going on)|of (?:anything|living|life|going on))\b",
            r"\b(?:don'?t|do not|doesn'?t|does not|can'?t|cannot) see (?:the|any) point\W*$",
            r"\b(?:should|want to|wanna|going to|gonna|ready to|could|just) join (?:her|him|them)\b(?! (?:for|at|on|in the|in a|at the))",
            r"\bbe with (?:her|him|them) (?:again|in heaven|soon)\b",
            r"\bya no (?:quiero|quiere|quisiera) seguir(?: (?:asi|viviendo|aqui|adelante))?\W*$",
            r"\bno (?:le )?(?:veo|ve|encuentro|encuentra|hallo|halla) (?:el |ningun )?sentido a (?:nada|la vida|vivir|seguir)\b",
            r"\b(?:quiero|quisiera|quiere|quisiera) (?:irme|irse|reunirme|reunirse|estar) con (?:el|ella|ellos|mi \w+|su \w+) (?:en el cielo|otra vez|ya)\b",
            # A rope or a noose kept ready, hanging, going to be with God.
            r"\b(?:got|have|hav|has|had|bought|buy|getting|keep|keeps|tied|tie|tying|made|ready) (?:a |the |my |his |her )?(?:rope|noose)\b",
            r"\bnoose\b", r"\bhang(?:ing)? (?:myself|himself|herself|themselves)\b",
            r"\bahorcar(?:me|se|te)\b", r"\b(?:una |la |mi |su )?(?:soga|horca)\b",
            r"\b(?:quiero|quiere|quisiera|queria) ir(?:me|se)? con dios\b", r"\b(?:me|se) (?:quiero|quiere|quisiera) ir con dios\b",
            # Families of wording without the obvious words (2nd round). Not waking, not opening
            # one's eyes, not seeing the morning, wished for in any words.
            r"\b(?:hope|hoping|hopes|wish|wishing|wishes|pray|praying|prays|want|wants)\b(?:\s+\S+){0,6}?\s+"
            r"(?:don'?t|doesn'?t|do not|does not|won'?t|will not|never|not|wouldn'?t|didn'?t)\s+(?:\w+\s+){0,2}?"
            r"(?:wake(?: up)?|open (?:my|his|her|their) eyes|see (?:the )?(?:morning|tomorrow|another day|daylight)|"
            r"make it (?:through|to) (?:the night|morning|tomorrow))\b",
            r"\b(?:tired|sick|exhausted) of (?:waking up|being alive|living|existing|life|breathing|being here)\b",
            r"\bsleep and (?:just )?(?:stay asleep|never wake|not wake)\b", r"\bstay asleep (?:forever|for good)\b",
            r"\bto (?:not|never) wake up\b",
            r"\b(?:ojala|quisiera|quiero|espero|prefiero|prefiere|pido|pide|le pido a dios|rezo)\b(?:\s+\S+){0,6}?\s+no\s+"
            r"(?:volver a |vuelva a |vuelvo a )?(?:despertar\w*|despierte|despierto|despertarme|amanecer|amanezca|amanezco|"
            r"abrir los ojos|abra los ojos|abro los ojos|ver (?:el|otro) dia|ver manana)\b",
            r"\bdormir(?:me|se)?\b(?:\s+\S+){0,3}?\s+(?:para siempre|y ya no (?:despertar|abrir|volver))\b",
            r"\b(?:cansad[oa]s?|hart[oa]s?|fastidiad[oa]s?) de (?:vivir|la vida|estar viv[oa]|existir|despertar|amanecer)\b",
            # Being a burden, others better off, not being a problem much longer.
            r"\b(?:won'?t|will not|not going to|never going to) be (?:a |an )?(?:problem|burden|bother|trouble|weight|nuisance|worry)"
            r"(?: (?:for|to) (?:anyone|anybody|you|them|us|my family|the family|nobody|everyone))?"
            r"(?: \w+){0,2}? (?:soon|much longer|for long|long|anymore|any more)\b",
            r"\bwon'?t be (?:around|here) (?:much longer|for long|long|anymore|any more)\b",
            r"\b(?:don'?t|do not|doesn'?t|does not) plan (?:on|to) (?:be|being) (?:here|around|alive)\b",
            r"\b(?:better|freer|fine|easier|happier|lighter|okay|ok)(?: off)? (?:\w+ ){0,3}?without (?:me|him|her)\b(?! (?:for|at|on|during|while|when|today|tonight|this))",
            r"\b(?:better|easier|fine|happier|freer|simpler|kinder|calmer|calm|peaceful|lighter|relief|relieved|nicer)\b(?:\s+\S+){0,6}?\s+"
            r"if (?:i|he|she) (?:(?:was|were) (?:gone|dead|not (?:here|around|alive|in the picture|in the way))|"
            r"(?:wasn'?t|weren'?t) (?:here|around|alive|in the picture|in the way|in (?:their|our|his|her|your) li(?:fe|ves))|"
            r"never (?:came|come|woke|wake|made it|got) (?:back|up|home|out)|(?:didn'?t|did not) (?:wake up|make it|come back|survive))\b",
            r"\b(?:mejor|mas facil|mas tranquil[oa]s?|mas felices|en paz)\b(?:\s+\S+){0,5}?\s+si (?:yo |el |ella )?"
            r"(?:no (?:estuviera|existiera|despertara|regresara|volviera)|ya no (?:estuviera|existiera)|me muriera|se muriera|"
            r"me fuera para siempre|desapareciera)\b",
            r"\b(?:drag|dragging|drags|dragged|weigh|weighing|holding) (?:everyone|them|my family|the family|you|everybody|us) (?:down|back)\b",
            r"\b(?:i'm|im|i am|he's|hes|she's|shes|he is|she is|being|feel like|feels like)(?: \w+)? (?:a |such a |just a |only a )?"
            r"(?:burden|weight|drain|nuisance) (?:on|to|for) (?:everyone|everybody|my family|the family|them|you|my kids|us)\b",
            r"\b(?:nobody|no one|noone)(?: \w+)? (?:would|will|is going to|going to)(?: even)? (?:miss|notice)\b",
            r"\b(?:estarian|estaran|estan|estamos|estariamos|estarias|vivirian|viviriamos|seria|serian)\s+(?:\w+\s+)?mejor sin (?:mi|el|ella)\b",
            r"\b(?:nomas|nada mas|solo|solamente) (?:estorbo|estorba|doy lata|da lata|doy problemas|soy una carga|es una carga)\b",
            r"\bya no (?:les?|nos|te|me) (?:va|voy|vas) a (?:dar lata|molestar|estorbar|dar problemas|causar problemas|ser (?:una )?carga)\b",
            r"\b(?:nadie|no) (?:me|lo|la|te|nos|los) (?:va|vamos|van|iba|ibamos|iban|ira|iran) a (?:extranar|echar de menos|miss|notar)\b",
            r"\bnadie (?:me|lo|la|te|nos) (?:extranaria|extranara|echaria de menos|notaria)\b",
            # Goodbyes, giving things away.
            r"\b(?:said|saying|say|says|made) (?:my|his|her|their|all (?:my|his|her) )?goodbyes\b",
            r"\b(?:sorry|thanks|thank you|forgive me) for everything\b.*\b(?:goodbye|bye|not answering|won'?t (?:answer|pick up)|"
            r"phone (?:is )?(?:off|dead)|turned (?:it|her phone|his phone) off|no answer|not picking up)\b",
            r"\b(?:goodbye|bye forever)\b.*\b(?:phone (?:is )?(?:off|dead)|not answering|won'?t (?:answer|pick up)|isn'?t answering|not picking up)\b",
            r"\b(?:gracias|perdon|perdoname|lo siento) por todo\b.*\b(?:no contesta|no responde|apago|adios|ya no)\b",
            r"\b(?:mensaje|carta|nota|cartas|notas|mensajes)s? de (?:adios|despedida)\b",
            r"\b(?:se |me )?despid(?:io|iendo|iendose|iendome|i)(?:se|me)?\b(?:\s+\S+){0,4}?\s*de (?:todos|todo el mundo|toda la familia|sus hijos|mis hijos|nosotros)\b",
            r"\b(?:se|me) (?:anda|ando|esta|estoy|estuvo|ha estado) despidiendo\b",
            r"\b(?:gave|giving|gives|give|given|handing|handed) away (?:all |most of )?(?:his|her|my|their)\b(?!.*\b(?:outgr[eo]w\w*|downsiz\w+|declutter\w*|yard sale|garage sale|estate sale|moving (?:house|out|to)|(?:the|a|our|my) move|donat\w+ (?:them|it|to))\b)(?!(?:the |of the |of (?:my|his|her|our|their) |my |his |her |our |their )?(?:baby|babies'?|kids'?|children'?s|toddler|maternity|old|spare|extra|used|unused|outgrown)\b)"
            r"(?! (?:old |spare |extra |used |unused )(?:\w+ )?(?:wheelchair|walker|crutches|cane|equipment|commode|bed|oxygen|scooter|shower chair)\b)",
            r"\b(?:won'?t|will not|wont|not going to) need (?:it|them|these|those|any of (?:it|this|them)|my \w+)\b(?:\s+\S+){0,3}?\s*(?:anymore|any more|where (?:i'?m|he'?s|she'?s|im|hes|shes) going|soon)\b",
            r"\b(?:regal\w+|repart\w+)\b.*\bya no (?:la|lo|las|los|le|les|me|se)? ?(?:va|voy|van) a (?:necesitar|hacer falta|usar|ocupar)\b",
            r"\b(?:anda|ando|esta|estoy|estuvo|estuve|ha estado|he estado) (?:regalando|repartiendo) (?:sus|mis|todas? sus|todas? mis)\b",
            # A plan, a means, a way: pills saved, how and when, a weapon, traffic, a bridge.
            r"\b(?:enough|all (?:my|his|her|the)) (?:sleeping )?(?:pills|meds|medicine|tablets|insulin|morphine|painkillers|opioids)\b"
            r"(?:\s+\S+){0,4}?\s+(?:saved|stashed|hidden|put away|ready|counted|to (?:do it|end it|not wake))\b",
            r"\b(?:saved|stashed|hoarded|hid|hidden|put away|saving|stashing) (?:up )?enough\b",
            r"\bhow (?:much|many) (?:\w+ )?(?:pills|tablets|insulin|meds|medicine|morphine|tylenol|painkillers|oxy\w*)\b"
            r"(?:\s+\S+){0,3}?\s+(?:it would take|would it take|it takes|does it take|to (?:die|not wake|end it|overdose))\b",
            r"\b(?:exactly )?(?:how|when|where) (?:i'?d|i would|he'?d|he would|she'?d|she would|i'?ll|he'?ll|she'?ll|i'?m going to|he'?s going to|she'?s going to) do it\b",
            r"\bmake it (?:look|seem) like an accident\b", r"\b(?:parecer|parezca|paresca) (?:un )?accidente\b",
            r"\b(?:step|stepping|stepped|jump|jumping|walk|walking|throw (?:myself|himself|herself)) (?:out )?(?:in front of|into) (?:a |the )?(?:bus|train|car|truck|subway|traffic)\b",
            r"\b(?:aventar|tirar|lanzar|arrojar|echar)(?:me|se) (?:al|a la|a las|frente al|delante del) (?:tren|metro|camion|trafico|vias|carretera|autopista)\b",
            r"\b(?:the|that) (?:bridge|tracks|train tracks|roof|ledge|cliff)\b(?:\s+\S+){0,6}?\s+(?:how easy|easy it would be|end it|jump|over with)\b",
            rf"\bshoot(?:ing)? {_SELF}\b", r"\b(?:blow|blowing) (?:my|his|her) brains out\b", r"\b(?:eat|put) a bullet\b",
            r"\b(?:pegar|pegarme|pegarse|pego|pega)(?:me|se)? un (?:tiro|balazo)\b", r"\bdispar(?:arme|arse|andose)\b",
            r"\b(?:can'?t|cannot|won'?t|don'?t want to) (?:keep )?(?:fighting|doing this|living like this)(?: anymore| any more| this)?\b(?! (?:with|over|about|for|the)\b)",
            r"\b(?:tengo|tiene|hice|hizo|tenemos) (?:ya )?(?:mi|su|un|el) plan\b(?! (?:de|para) (?:viaje|tratamiento|seguro|pago|comida|dieta|cuidado|ejercicio|el viaje|la casa|trabajo))",
            r"\b(?:tengo|tiene) (?:pensado|planeado|decidido) (?:como|cuando|donde) (?:hacerlo|lo (?:voy|va) a hacer)\b",
            r"\b(?:se|sabe|se exactamente) (?:como|cuando|donde) (?:lo )?(?:voy a hacer|va a hacer|haria|hare|hara|hacerlo)\b",
            r"\b(?:tonight|today|this weekend) is the (?:night|day)\b(?:\s+\S+){0,3}?\s*$",
            r"\b(?:im|i'm|i am|he's|she's|hes|shes)\s+(?:so |just )?done\W+(?:\w+\W+){0,3}?(?:can'?t|cannot) (?:keep|go on|do this)\b",
            # Wanting to be done, check out, stop being here, disappear for good, not exist.
            r"\b(?:be|being|am|i'm|im|is|he's|she's) (?:just )?done with (?:it all|all of it|everything|all of this|life|living|this life|being alive)\b",
            r"\bcheck(?:ing)? out (?:for good|permanently|early|of (?:this|life|this life|this world))\b",
            r"\bready to (?:check out|die|leave (?:this|the) world|give up on (?:life|everything|living))\b",
            r"\b(?:stop|quit|stopped) (?:being (?:here|alive|around)|existing|living)\b(?! (?:in|like|with|for|at|on|off)\b)",
            r"\b(?:wish|want|wanna|like to|could|just)(?: i| to)?(?: could)?(?: just)? (?:not exist|stop existing|disappear|vanish)\b",
            r"\b(?:disappear|vanish)(?: \w+)? (?:forever|for good|and never come back)\b",
            r"\b(?:no|ya no) (?:quiero|quiere|quisiera) (?:estar|seguir) (?:aqui|viv[oa]|alive|en este mundo|mas aqui)\b",
            r"\bno (?:aguanto|aguanta|soporto|soporta|puedo con|puede con) (?:mas )?(?:esta|la|mi|su) vida\b",
            r"\b(?:acabar|terminar) con (?:esto|todo esto|todo|mi vida|su vida)\b(?:\s+\S+){0,2}?\s*(?:de una vez|para siempre|ya)\b",
            r"\bcomo (?:acabar|terminar) con (?:esto|todo|todo esto|mi vida|su vida)\b",
            r"\bquiero que (?:todo )?(?:se acabe|termine|acabe)\W*$",
            r"\b(?:pide|pido|pidiendo|rezo|reza|rezando|le pido|le pide) a dios que (?:ya )?(?:me|se|la|lo|nos) (?:lleve|recoja)\b",
            r"\bque dios (?:ya )?(?:me|lo|la) (?:lleve|recoja)\b",
            # Waiting for death, wanting it sooner.
            r"\b(?:waiting|ready|wait|longing|praying) (?:for|to) (?:the end|death|die|dying)\b(?! (?:of|from|with)\b)",
            r"\b(?:the end|death)\b(?:\s+\S+){0,6}?\s+(?:sooner|faster|quicker)\b",
            r"\b(?:esperando|list[oa]s? para|con ganas de) (?:el final|la muerte|morir(?:me|se)?)\b(?! de\b)",
            r"\bojala (?:ya )?(?:me muera|se muera|llegue (?:el final|la muerte))\b", r"\bque (?:ya )?llegue (?:el final|la muerte)\b",
            r"\b(?:pray|praying|prays|asking god|ask god|begging god|beg god)\b(?:\s+\w+){0,3}?\s+(?:to )?take (?:me|him|her)\b(?! (?:to|home from|out))",
            # Going over the edge of a bridge or a balcony, taking oneself out of the way, being only
            # work and expense to the family (3rd round).
            r"\b(?:bridge|ledge|railing|balcony|rooftop|overpass|cliff|puente|balcon|azotea|barandal)\b(?:\s+\S+){0,24}?\s+"
            r"(?:climb(?:ing)? over|climb(?:ing)? the (?:railing|rail|fence)|go(?:ing)? over the (?:edge|railing|side|rail)|over the (?:edge|railing)|"
            r"step(?:ping)? off the (?:edge|ledge)|brincar el barandal|saltar el barandal)\b",
            r"\b(?:think|thinking|thought|picture|imagine|imagining|tempted)\w*\b(?:\s+\S+){0,8}?\s+(?:jumping (?:off|from)|"
            r"climbing over|going over the (?:edge|railing|side)|stepping off (?:the )?(?:edge|ledge)|driving (?:the car )?off (?:the|a) (?:road|bridge|cliff|overpass|edge)|"
            r"swerving into (?:oncoming|a truck|a tree|a wall|traffic)|letting go of the wheel|steering into (?:oncoming|a truck|a tree|a wall|traffic)|"
            r"walking into traffic|stepping in front of)\b",
            r"\b(?:looked up|look up|looking up|googled|googling|checked|checking|measured|wonder(?:ed|ing)?|figur\w+ out)\b(?:\s+\S+){0,2}?\s+"
            r"how (?:high|tall|far (?:down|up)) (?:the |that |a |our |this )?(?:\w+ )?(?:garage|bridge|building|roof|balcony|overpass|cliff|tower|floor|window)\b",
            r"\b(?:busque|busco|buscando|investigue|medi|calcule)\b(?:\s+\S+){0,2}?\s+(?:que tan alt[oa]|la altura de) (?:es |esta )?(?:el |la |del |de la )?"
            r"(?:puente|edificio|azotea|balcon|estacionamiento|techo|ventana|piso)\b",
            r"\b(?:me|se|te) (?:voy|va|vas|iba|quiero|quiere|quisiera|queria|pienso|piensa) (?:a )?quitar de en medio\b", r"\bquitar(?:me|se) de en medio\b",
            r"\b(?:take|taking|took|remove|removing) (?:myself|himself|herself) (?:out of|from) (?:the picture|the equation|everyone'?s (?:way|life|lives))\b",
            r"\b(?:nomas|nada mas|solo|no mas|puro|pura)\s+(?:les?\s+|te\s+|nos\s+)?(?:doy|causo|traigo|dejo)\s+(?:\w+\s+)?"
            r"(?:trabajo|gastos|lata|problemas|molestias|estorbo|sufrimiento|preocupaciones|tristeza|deudas)\b",
            r"\b(?:ya )?(?:les|le) (?:he )?quit(?:e|ado) (?:suficiente|demasiad[oa]|mucho)\b(?:\s+\S+){0,2}?\s*(?:vida|tiempo|anos|dinero)\b",
            r"\ball (?:i|he|she) (?:do|does|am|is)(?: is)? (?:cost|costing|drain|draining|make|making|cause|causing|give|giving)\b(?:\s+\S+){0,3}?\s+"
            r"(?:money|work|problems|trouble|pain|stress|bills|grief|worry)\b",
            # A dose asked about with more words in between ("how many of the oxycodone would it take so
            # someone doesn't wake up"), walking into water, who gets one's things "when I'm gone", which
            # ways do not hurt, making it quick, "what's the point" left hanging, by one's own hand (4th round).
            r"\bhow (?:much|many)\b(?:\s+\S+){0,3}?\s+(?:pills|tablets|insulin|meds|medicine|morphine|tylenol|painkillers|oxy\w*|"
            r"sleeping pills|xanax|ambien|fentanyl|acetaminophen|paracetamol|opioids|heroin)\b(?:\s+\S+){0,3}?\s+"
            r"(?:it would take|would it take|it takes|does it take|to (?:die|not wake|end it|overdose|be fatal|kill)|"
            r"so (?:that )?(?:someone|somebody|you|i|he|she|a person) (?:just )?(?:doesn'?t|don'?t|won'?t|wouldn'?t|never|would never) wake)\b",
            r"\bcuant[oa]s?\b(?:\s+\S+){0,3}?\s+(?:pastillas|tabletas|paracetamol|insulina|morfina|medicina|calmantes|pildoras)\b"
            r"(?:\s+\S+){0,3}?\s+(?:hacen? falta|se necesitan?|necesit\w+) para (?:no (?:despertar|volver)|morir|matar\w*|dormir para siempre)\b",
            r"\b(?:going to|gonna|want(?:s|ed)? to|wanna|would|'d|'ll|will|think\w* (?:about|of)|keep\w* thinking about|plan\w* to|"
            r"talk\w* about|feel like)\s+(?:just\s+)?(?:walk|walking|wade|wading|drive|driving) (?:out |straight |right )?into (?:the |a )?"
            r"(?:lake|river|ocean|sea|bay|creek|current|water|waves)\b",
            rf"\bdrown(?:ing)? {_SELF}\b",
            r"\b(?:meter|aventar|tirar|echar|lanzar|ahogar)(?:me|se|te) (?:al|en el|en la|a la) (?:mar|rio|lago|presa|laguna|canal|agua)\b",
            r"\bwho (?:gets|will get|should get|is getting|is going to get|takes|will take|inherits|keeps) (?:his|her|my|their|the) "
            r"(?:\w+ ){0,2}?(?:when|after|once) (?:i'?m|im|i am|he'?s|hes|he is|she'?s|shes|she is|they'?re) gone\b",
            r"\b(?:dividing|divvying|splitting|parceling|parcelling) up (?:all )?(?:his|her|my|their) (?:things|stuff|belongings|tools|"
            r"jewelry|jewellery|clothes|guns|collection)\b",
            r"\ba quien (?:le )?(?:toca|tocan|van|va|queda|quedan|dejo|deja|le dejo) (?:su|sus|mi|mis) \w+(?:\s+\S+){0,2}? cuando "
            r"(?:ya no (?:este|estemos)|me muera|se muera|me vaya|se vaya|(?:yo |el |ella )?falte)\b",
            r"\b(?:read\w*|look\w* up|looked|googl\w*|search\w*|research\w*|wonder\w*|think\w* about|know|asking)\b(?:\s+\S+){0,4}?\s+"
            r"(?:ways?|methods?|means)\s+(?:that\s+)?(?:don'?t|doesn'?t|wouldn'?t|won'?t|do not|would not)\s+hurt(?=\s*(?:$|[.,;!?]))",
            r"\b(?:painless|least painful)\s+(?:ways?|methods?|way out|death)\b"
            r"(?=\s*(?:$|[.,;!?]|to (?:die|go|do it|end (?:it|things)|kill|check out|leave)\b|out\b))",
            r"\b(?:which|what) (?:way|method)s? (?:hurts?|would hurt|hurt) (?:the )?least\b",
            r"\b(?:metodos?|formas?|maneras?) (?:de |para )(?:morir\w*|matar\w*|quitar\w* la vida|irme|irse|acabar con todo|hacerlo)\b"
            r"(?:\s+\S+){0,2}?\s+(?:que no duel[ae]n?|que duel[ae]n? menos|sin dolor|sin que duela)\b",
            r"\b(?:think\w*|thought|figur\w+|plan\w*|work\w* out|decid\w+)\b(?:\s+\S+){0,3}?\s+(?:how|ways?|the way) to make it "
            r"(?:quick|quicker|fast|painless)\b",
            r"\bwhat'?s (?:even |really )?the (?:point|use)\b(?:\s+(?:honestly|anymore|any more|really|tbh|even|then|now))*"
            r"(?=\s*(?:$|[.;!?\n]))",
            r"\bwhat'?s (?:even |really )?the (?:point|use) (?:of|in) (?:living|going on|anything|life|it all|any of (?:this|it)|"
            r"trying|fighting|waking up|being here|being alive|even trying|me)\b",
            r"\b(?:die|dies|died|dying|death|dead|kill\w*|end\w*|gone)\b(?:\s+\S+){0,2}?\s+(?:by|at) (?:my|his|her|their|your|one'?s) own hand\b",
            r"\b(?:muer\w+|muri\w+|morir\w*|matar\w*|acab\w+)\b(?:\s+\S+){0,2}?\s+(?:por|de|con) (?:su|mi|tu) propia mano\b",
            # A life insurance asked about for a death by one's own hand; a death "self inflicted";
            # "se quita la vida" in any tense (5th round).
            r"\b(?:life insurance|insurance|policy|seguro de vida|seguro|poliza)\b(?:\s+\S+){0,14}?\s+"
            r"(?:suicide|self[- ]?inflicted|by (?:my|his|her|their|your|one'?s) own hand|(?:kill|kills|killed|killing) (?:myself|himself|herself|themselves|yourself|themself)|"
            r"(?:take|takes|took|taking) (?:my|his|her|their|your) own life|suicid\w+|(?:se|me|te) (?:quita|quito|quite|quitara|quitaria|quitaba) la vida|"
            r"quitar(?:se|me|te) la vida|(?:por|con) (?:su|mi|tu) propia mano)\b",
            r"\b(?:death|dying|die|dies|died)\b(?:\s+\S+){0,2}?\s+(?:is|was|were|be|being|that'?s)?\s*self[- ]?inflicted\b",
            r"\b(?:se|me|te) (?:quita|quito|quite|quitara|quitaria|quitaba|quisiera quitar|va a quitar|voy a quitar) la vida\b",
            # Getting ahead of the illness: not waiting for the cancer to finish the job, "mejor me adelanto".
            r"\b(?:not|never|won'?t|wont|ain'?t|am not|i'?m not|im not)\s+(?:going to |gonna )?wait(?:ing)?\s+(?:around\s+)?for\s+(?:the |this |my |his |her )?"
            r"(?:cancer|disease|lymphoma|leukemia|myeloma|illness|it|death|the end)\s+to\s+(?:finish|take|get|kill|do|end)\b",
            r"\bbeat (?:the |this )?(?:cancer|disease|illness) to (?:it|the punch)\b",
            r"\b(?:morir\w*|muer\w+|muero|muera|final|cancer)\W+(?:\S+\W+){0,8}?(?:mejor |pues |asi que )?(?:me (?:le )?adelanto|adelantarme|me voy a adelantar)\b",
            r"\bno (?:voy|va|vamos) a esperar (?:a )?que (?:el cancer|la enfermedad|esto|la muerte|el final)\b(?:\s+\S+){0,2}?\s+"
            r"(?:me |lo |la )?(?:mate|lleve|acabe|termine|gane)\b",
            # A note or letters for the family with a request for silence; a note "for after".
            r"\b(?:wrote|written|write|writing|left|leaving|leave)\b(?:\s+\S+){0,3}?\s+(?:note|letter|notes|letters)\b(?:\s+\S+){0,16}?\s+"
            r"(?:please |pls |plz )?(?:don'?t|do not|dont) (?:call|tell|text|look for) (?:anyone|anybody|nobody|the police|911|an ambulance|for help|me)\b",
            r"\b(?:escrib\w+|dej\w+)\b(?:\s+\S+){0,3}?\s+(?:una |unas |la |las |mi |sus )?(?:carta|cartas|nota|notas)\b(?:\s+\S+){0,16}?\s+"
            r"(?:por favor |xfa |porfa )?no (?:llamen|llames|le digas|les digas|digan|me busquen|me busques) (?:a nadie|a la policia|al 911|nada)?\b",
            # Others will not have to look after them much longer (said of oneself or told of someone).
            r"\b(?:soon|pretty soon|before long|shortly)\b(?:\s+\S+){0,4}?\s+(?:you|we|they|nobody|no one|everyone|y'?all)(?:'ll| will| are going to| won'?t| wont)?\s+"
            r"(?:not |never |no longer )?(?:have|need|going to have) to (?:worry about|take care of|look after|care for|deal with|put up with|pay for|clean up after) (?:me|her|him)\b"
            r"(?! (?:so much|as much|all the time|24/7|every day))",
            r"\b(?:won'?t|wont|will not|not going to|never) (?:have|need) to (?:worry about|take care of|look after|care for|deal with|put up with|pay for) (?:me|her|him)\b"
            r"\s*(?:anymore|any more|much longer|for long|at all|ever again)\b",
            r"\b(?:pronto|ya no|dentro de poco|muy pronto|en poco tiempo)\b(?:\s+\S+){0,3}?\s+(?:van|vamos|vas|va|tendran|tendremos) a tener (?:q|que) "
            r"(?:cuidar\w*|preocupar\w*|pagar\w*|aguantar\w*|cargar con\w*|atender\w*)\b(?! (?:tanto|tan|todo el tiempo|diario|mucho))",
            # Someone healthier to take one's place; the how already thought through.
            r"\b(?:would|'d|will|wud) be (?:better off|happier|freer) (?:\w+ ){0,2}?(?:with (?:someone|somebody) (?:else|healthy|healthier|new|normal)|"
            r"(?:re)?marrying (?:someone|somebody)|remarrying|starting over|moving on)\b",
            r"\b(?:i'?ve|ive|i have|i|he'?s|she'?s|he has|she has)\s+(?:already\s+)?(?:thought|been thinking|figured|worked|planned)\s+(?:about|out)\s+how\b"
            r"(?=\s*(?:$|[.;!?]|i'?d|i would|to do it|to end it|and when))",
            r"\bya\s+(?:\w+\s+)?(?:pense|pensado|planee|planeado|encontr[eo]|encontrado)\s+(?:como|la (?:manera|forma))\b(?=\s*(?:$|[.;!?,]|de hacerlo))",
            # Going to sleep hoping it is the last time.
            r"\b(?:go(?:ing)? to (?:bed|sleep)|fall(?:ing)? asleep|lie down|lying down|close (?:my|his|her) eyes)\b(?:\s+\S+){0,3}?\s+"
            r"(?:hop\w*|pray\w*|wish\w*)\b(?:\s+\S+){0,2}?\s+(?:it'?s|its|it is|this is|it will be|it'?ll be|tonight is)\s+(?:the|my) (?:very )?last (?:time|one|night)\b",
            r"\b(?:me acuesto|me duermo|me voy a dormir|dormir)\b(?:\s+\S+){0,3}?\s+(?:ojala|esperando|rezando|pidiendo)\b(?:\s+\S+){0,2}?\s+(?:sea|fuera) (?:la|mi) ultima (?:vez|noche)\b",
            # A means gathered and the amount worked out.
            r"\b(?:junt\w+|guard\w+|acumul\w+|escond\w+|saved|saving|stash\w*|hoard\w*|collect\w*|gathered|stockpil\w*)\b(?:\s+\S+){0,3}?\s+"
            r"(?:pastillas|parches|pills|patches|morfina|morphine|insulin\w*|fentanyl|fentanilo|opioids|opioides|oxy\w*|tablets|tabletas|calmantes)\b(?:\s+\S+){0,10}?\s+"
            r"(?:cuant[oa]s|how many|how much|enough)\b",
            r"\b(?:formas?|maneras?|modos?|metodos?)(?: \w+){1,2} (?:de |para )(?:morir\w*|matar\w*|quitar\w* la vida|irme|irse|acabar con todo|hacerlo)\b"
            r"(?:\s+\S+){0,2}?\s+(?:que no duel[ae]n?|que duel[ae]n? menos|sin dolor|sin sufrir|sin que duela)\b",
            # Half F (6th round): a death wished for without asking for it ("wouldn't mind if a truck hit
            # me", "hoping the next infection finishes me off"); hopelessness said next to a means at hand
            # (in either order, anywhere in the message); doing it oneself if the illness does not; how to
            # do it without pain, how long it takes to bleed out, a whole bottle swallowed; pets and
            # children handed over with a last word; belongings handed out; a farewell in the past tense.
            r"\b(?:wouldn'?t|would not|won'?t|wouldnt) (?:even |really |honestly )?(?:mind|care|be (?:sad|upset|sorry)|complain)\s+if\b(?:\s+\S+){0,8}?\s+"
            r"(?:(?:hit|hits|took|takes|killed|kills|finished|finishes|ran over|runs over) me|(?:i|he|she) (?:didn'?t|don'?t|doesn'?t|never) "
            r"(?:make it|wake up|woke up|come back|came back)|(?:i|he|she) (?:died|die|dies|was gone|were gone))\b",
            r"\b(?:hop\w*|wish\w*|pray\w*|want\w*)\b(?:\s+\S+){0,6}?\s+(?:finish(?:es)?|take[s]?|kill[s]?) (?:me|him|her) off\b",
            r"\bojala\b(?:\s+\S+){0,5}?\s+(?:acabe conmigo|(?:me|lo|la) (?:mate|lleve) (?:de una vez|ya|rapido|pronto))\b",
            rf"\b(?:{_HOPELESS})\b(?s:.*)\b(?:{_MEANS})\b", rf"\b(?:{_MEANS})\b(?s:.*)\b(?:{_HOPELESS})\b",
            r"\b(?:doesn'?t|does not|won'?t|don'?t) (?:take|get|kill|finish) (?:me|him|her)\b(?:\s+\S+){0,4}?\s+"
            r"(?:i'?ll|ill|i will|he'?ll|she'?ll|i'?m going to|he'?s going to|she'?s going to) do it (?:myself|himself|herself)\b",
            r"\bsi (?:el cancer|la enfermedad|esto) no (?:me|lo|la) (?:mata|lleva)\b(?:\s+\S+){0,4}?\s+(?:lo hago yo|me mato|lo voy a hacer yo)\b",
            r"\b(?:como|how to|ways? to|formas? de|maneras? de) (?:hacerlo|do it|morir\w*|irme|irse|matar\w*|go|die)\b(?:\s+\S+){0,2}?\s+"
            r"(?:sin que duela|sin dolor|sin sufrir|without (?:it )?hurting|without (?:any )?pain|painlessly)\b",
            r"\b(?:look\w*|read\w*|googl\w*|search\w*|research\w*|wonder\w*)\b(?:\s+\S+){0,6}?\s+(?:to )?(?:bleed(?:ing)? out|desangrar(?:me|se)?)\b",
            r"\b(?:se toma|me tomo|tomar(?:me|se)?|tomo|take|takes|took|taking|swallow\w*|tomarse|toma) (?:todo|toda|the whole|a whole|an entire|the entire) "
            r"(?:el |la |un |una )?(?:frasco|caja|bote|botella|bottle|box|pack|blister)\b(?! (?:de|of) (?:agua|water|jugo|juice|suero|gatorade|leche|milk|soda|pedialyte))",
            r"\b(?:found|finding|find|look(?:ing)? for|buscando|busque) (?:a )?new homes? for (?:both|all|all of|each of) (?:my|his|her) (?:\w+ )?"
            r"(?:cats|dogs|pets|birds|animals|kitties|puppies)\b",
            r"\b(?:le di|les di|regale|di en adopcion|ya entregue) (?:a )?(?:mi|mis) (?:perr[oa]s?|gat[oa]s?|mascotas?|loro|pajarito|perrit[oa])\b",
            r"\b(?:handing|handed|hands) out (?:all )?(?:his|her|my|their) (?:\w+ )?(?:medals|collection|jewelry|jewellery|tools|guns|watch(?:es)?|things|stuff|belongings|records)\b",
            r"\b(?:this is|it'?s|its) (?:my|his|her) last (?:christmas|birthday|thanksgiving|summer|easter)\b(?:\W+\S+){0,2}?\W+(?:(?:his|her|my) choice|by choice|on purpose|decided)\b",
            rf"\b(?:{_LEFT_IN_CARE})\b(?s:.*)\b(?:{_LAST_WORD})", rf"\b(?:{_LAST_WORD})(?s:.*)\b(?:{_LEFT_IN_CARE})\b",
            r"\b(?:diganle|digale|dile|diles|digales|tell) (?:a )?(?:mis|mi|my) \w+ (?:que )?(?:los|las|lo|la|i) (?:quise|ame|loved)\b",
            r"\b(?:perdon(?:en|ame|enme)?|lo siento|sorry) por todo lo que (?:les|te|le|los|las) (?:hice|he hecho) (?:pasar|sufrir)\b",
            r"\b(?:going to|want(?:s)? to|will|'ll|plan\w* to|keeps? (?:saying|talking about)|says? (?:he'?s|she'?s|hes|shes|i'?m|im) going to)\s+(?:just\s+)?"
            r"walk (?:out )?into the (?:snow|cold|woods|storm|blizzard|freezing \w+)\b",
            # Half G (7th round): something asked of the doctors so as not to wake up; charcoal and a sealed
            # room; waiting by the tracks; the tallest garage looked up; a whole pen or box at once; the
            # lethal dose asked; papers laid out and no answer; not eating or drinking on purpose to go;
            # going with the one who dies; things given away and "going to be with" the dead.
            r"\b(?:give|gives|giving|put|puts|get|gets) (?:me|him|her|us)\b(?:\s+\S+){0,2}?\s+(?:something|a shot|an injection|extra|a bit extra|more|enough)\b"
            r"(?:\s+\S+){0,3}?\s+(?:so (?:i|he|she|we) (?:don'?t|doesn'?t|do not|does not|won'?t|never|wouldn'?t) wakes?|to (?:not|never) wake|to (?:end it|die|go for good))\b",
            r"\b(?:just |simply )?not wake up after (?:the|my|his|her) (?:next |last )?(?:sedation|surgery|procedure|anesthesia|biopsy)\b\W+(?:\S+\W+){0,8}?(?:extra|more|enough)\b",
            r"\b(?:me|le|nos) (?:ponga|pongan|de|den|inyecte|inyecten|aplique|apliquen) algo (?:para|pa) (?:no (?:despertar|volver a despertar|sufrir mas)|morir\w*|irme|irse|dormir para siempre|ya no despertar)\b",
            r"\bcharcoal\b(?:\s+\S+){0,10}?\s+(?:tape|seal\w*|garage|bathroom|closet|car|room|tent)\b", r"\bcarbon monoxide\b(?! (?:detector|alarm|sensor|monitor)\b)",
            r"\bcarbon\b(?:\s+\S+){0,8}?\s+(?:cinta|sellar|sellad\w+|tapar (?:las )?rendijas|encerrar\w*)\b",
            r"\b(?:standing|stood|stand|sitting|sat|lingering|waiting|pacing|parked)\b(?:\s+\S+){0,2}?\s+(?:by|at|on|near|next to|beside) (?:the )?(?:train|railroad|railway) tracks\b(?! (?:for (?:the|a) (?:train|ride)|to (?:cross|catch)))",
            r"\b(?:parad[oa]|sentad[oa]|esperando)\b(?:\s+\S+){0,2}?\s+(?:en|junto a|cerca de) las vias del tren\b",
            r"\b(?:me|se|te) (?:tiro|tira|tiras|tirare|tirara|avento|aviento|avienta|lanzo|lanza|echo|echa|voy a tirar|va a tirar|voy a aventar|va a aventar|voy a lanzar|va a lanzar) "
            r"(?:al|a la|a las|del|de la|desde el|desde la|frente al|por la) (?:tren|metro|vias|trafico|carretera|autopista|puente|edificio|ventana|balcon|azotea|techo)\b",
            r"\b(?:look\w*|googl\w*|search\w*|check\w*|busque|busco|buscando)\b(?:\s+\S+){0,2}?\s+(?:the )?(?:tallest|highest) (?:\w+ )?(?:parking (?:structure|garage|deck|ramp)|garage|bridge|building|roof|overpass|cliff|tower)\b",
            r"\b(?:busque|busco|buscando|investigue)\b(?:\s+\S+){0,3}?\s+(?:el |la )?(?:puente|edificio|estacionamiento|azotea) mas alt[oa]\b",
            r"\b(?:a |the |an )?(?:whole|entire) (?:\w+ )?(?:pen|pens|bottle|box|pack|vial|syringe|patch|patches)\b(?:\s+\S+){0,2}?\s+(?:at once|all at once|in one go)\b",
            r"\b(?:lethal|fatal|deadly|mortal) (?:dose|amount|quantity)\b", r"\b(?:dosis|cantidad) (?:letal|mortal)\b",
            r"\b(?:will|birth certificates|passwords|insurance papers|papers|documents|bank details|testamento|papeles|documentos|contrasenas|actas de nacimiento)\b"
            r"(?s:.*)\b(?:(?:she'?s|he'?s|shes|hes|she is|he is) not answering|isn'?t answering|not picking up|won'?t (?:answer|pick up)|no contesta|no responde|apago (?:el|su) (?:celular|telefono|cel))\b",
            r"\b(?:stopped|stop|quit|not|refus\w+) (?:eating|drinking|eating or drinking|eating and drinking)(?: (?:anything|at all|altogether|completely|entirely|water|food))?\s+on purpose\b",
            r"\b(?:sin comer|sin comer ni (?:tomar|beber) (?:agua|nada)|no (?:come|quiere comer) ni (?:toma|bebe)|dej\w+ de comer(?: y (?:de )?(?:tomar|beber))?)\b(?:\s+\S+){0,4}?\s+a proposito\b",
            r"\b(?:if|when|once) (?:he|she|my \w+) (?:dies|passes away|passes on|is gone)\b(?:\s+\S+){0,3}?\s+(?:i'?m|im|i am|i'?ll|ill|i will) (?:going |go )?(?:with (?:him|her)|too|after (?:him|her))\b",
            r"\bsi (?:\w+ ){0,3}se (?:muere|llega a morir|fallece|me muere)\b(?:\s+\S+){0,5}?\s+(?:yo )?(?:me voy con (?:el|ella)|me voy (?:yo )?tambien|me mato|me quito la vida|me muero (?:yo )?tambien)\b",
            # a countdown posted, and no answer to what it is for
            r"\b(?:count ?down|cuenta regresiva)\b(?:\s+\S+){0,14}?\s+(?:what (?:it'?s |its |is it |was it )?for|why|para que|por que)\b(?:\s+\S+){0,4}?\s+"
            r"(?:you'?ll see|you will see|won'?t say|wouldn'?t say|didn'?t (?:say|answer)|never mind|ya (?:veras|lo veras|veran)|no (?:quiso|quiere) decir\w*|no (?:me )?contesto)\b",
            r"\b(?:regal\w+|repart\w+)\b(?:\s+\S+){0,10}?\s+(?:se|me) (?:va|voy|quiere|quiero) (?:a )?ir con (?:mi|su) (?:abuelit[oa]|abuel[oa]|espos[oa]|difunt[oa]|mama|papa|madre|padre|hij[oa]|viejit[oa])\b",
            # Half H (8th round): an appliance by a full bath; going home early on purpose; messages
            # timed for when it won't matter; stepping off a balcony; the date chosen for one's own
            # wake; poison bought with no pests; a passcode left for after; the family saving money
            # without them; not waking tomorrow "and he'll see to it".
            r"\b(?:hair ?dryer|blow ?dryer|toaster|radio|space heater|heater|secadora(?: de pelo)?|tostador|plancha|calentador)\b(?s:.*)\b(?:bath|bathtub|tub|tina|banera)\b"
            r"(?s:.*)\b(?:plugged|next to|right next|beside|full|filled|enchufad[oa]|junto|al lado|llena)\b",
            r"\b(?:bath|bathtub|tub|tina|banera)\b(?s:.*)\b(?:full|filled|llena)\b(?s:.*)\b(?:hair ?dryer|blow ?dryer|toaster|radio|heater|secadora|tostador|plancha|calentador)\b",
            r"\b(?:go(?:ing)? home|leave|leaving|check(?:ing)? out|irme|irse|me voy|se va|voy a ir) (?:\w+ ){0,2}?(?:early|antes(?: de tiempo)?|temprano) "
            r"(?:on purpose|a proposito|por (?:mi|su) (?:cuenta|propia mano))\b",
            r"\b(?:schedul\w+|programm?\w+|programad\w+|timed)\b(?:\s+\S+){0,3}?\s+(?:e-?mails?|messages?|texts?|posts?|letters?|correos?|mensajes?|cartas?)\b"
            r"(?s:.*)\b(?:won'?t matter|wont matter|will not matter|(?:i|ill|i'?ll) (?:won'?t|wont|will not) be (?:here|around)|ya no (?:importara|voy a estar|va a importar)|no (?:voy a|va a) estar)\b",
            r"\b(?:if i (?:just )?|thinking (?:about|of) |(?:i|ill|i'?ll) (?:could |might |should |want to |wanna )(?:just )?)"
            r"(?:step(?:ped|ping)?|jump(?:ed|ing)?|walk(?:ed|ing)?) off (?:the|a|my|our|this|that) (?:\w+ )?(?:balcony|roof|ledge|bridge|building|overpass|cliff)\b",
            r"\b(?:velorio|funeral|wake|entierro|memorial)\b(?s:.*)\b(?:fecha escogida|(?:ya )?(?:escogi|elegi|tengo) (?:la )?fecha|picked the date|chose the date|(?:the )?date (?:is )?(?:set|picked|chosen))\b",
            r"\b(?:fecha escogida|(?:ya )?(?:escogi|elegi) (?:la )?fecha|picked the date|chose the date)\b(?s:.*)\b(?:velorio|funeral|wake|entierro|memorial)\b",
            r"\b(?:rat poison|raticida|veneno (?:pa|para|de) (?:ratas?|ratones))\b(?s:.*)\b(?:no (?:tenemos|hay) (?:ratas|ratones)|ni (?:tenemos|hay) (?:ratas|ratones)|"
            r"(?:don'?t|do not|dont) (?:even )?have (?:rats|mice)|no rats|no mice)\b",
            r"\b(?:passcode|password|pin|clave|contrasena|codigo)\b(?s:.*)\b(?:(?:pa|para) que (?:puedan|pueda) (?:entrar|abrir\w*) (?:despues|luego|cuando)|"
            r"so (?:they|you|she|he) can (?:get in|open it|unlock it|get into it) (?:after|later|when)|for (?:after|when) (?:i'?m|im|i am) gone)\b",
            r"\b(?:sin mi|without me)\b(?:\s+\S+){0,2}?\s+(?:se ahorran?|ahorrarian|they'?d save|they would save|they save|would save|saves?)\b",
            r"\bya no (?:amanece|amanezco|despierta|despierto)\b(?s:.*)\b(?:(?:el|ella|yo) se encarga|me encargo|se va a encargar)\b",
            # Half I (9th round): working up the nerve with a means at hand; staying under water and not
            # wanting to come up; not planning to see a date; crashing the car on purpose; a decision told
            # with "don't send me a helpline"; ending it oneself; a body donation hurried because the date is
            # chosen; knowing how for weeks, "not joking".
            r"\b(?:box ?cutters?|razors?|blades?|knife|knives|pills|rope|gun|pistol|cutter|navajas?|cuchill\w+|pastillas|soga|cuerda|pistola)\b(?s:.*)"
            r"\b(?:working (?:myself )?up to it|work(?:ing)? up the (?:nerve|courage)|getting up the (?:nerve|courage)|build(?:ing)? up the (?:nerve|courage)|"
            r"juntando (?:el )?valor|agarrando valor|armandome de valor|(?:tonight|today|esta noche|hoy) (?:i think )?i can (?:do it|go through)?|creo que hoy si puedo)\b",
            r"\b(?:working (?:myself )?up to it|getting up the nerve|juntando (?:el )?valor|armandome de valor)\b(?s:.*)"
            r"\b(?:box ?cutters?|razors?|blades?|knife|pills|rope|gun|navajas?|cuchill\w+|pastillas|soga|pistola)\b",
            r"\b(?:i'?m|im|i am|i think i'?m|i think im|estoy) (?:so |just )?done\W+(?:like |as in )?done done\b",
            r"\b(?:stay(?:ed|ing)?|held (?:myself|my head)|hold (?:myself|my head)|kept (?:myself|my head)) (?:under|down)\b(?s:.*)"
            r"\b(?:didn'?t|did not|don'?t|do not|never) (?:really |honestly |even )?want(?:ed)? to (?:come (?:back )?up|surface|come out)\b(?! (?:to|here|for|with|and see)\b)",
            r"\b(?:me quede|me quedo|me mantuve) (?:abajo|debajo|bajo) (?:del )?agua\b(?s:.*)\bno (?:queria|quise|quiero) (?:volver a )?(?:salir|subir)\b",
            r"\b(?:don'?t|do not|dont) (?:plan|intend|expect) (?:on |to )?(?:seeing|see|being (?:here|around) for|making it to|make it to|be around for|be here for) "
            r"(?:the new year|new years?|christmas|my birthday|spring|summer|next (?:year|month|christmas)|(?:his|her|their|my) (?:birthday|wedding|graduation))\b(?! in\b)",
            r"\bno (?:pienso|planeo|tengo pensado|creo) (?:llegar a|ver|estar (?:aqui |aca )?(?:para|en)) (?:el |la )?"
            r"(?:ano nuevo|navidad|mi cumpleanos|otro ano|proximo ano|ano que viene|primavera|verano)\b(?! (?:despiert|en la fiesta))",
            r"^(?=(?s:.*)\b(?:si (?:me|lo) (?:estampo|estrello|aviento|impacto|echo)|estamparme|estrellarme|aventarme|(?:if i|i could|thought about|thinking about|wanted to|want to) "
            r"(?:just )?(?:drove|drive|driving|swerve\w*|steer\w*|crash\w*|ram\w*))\b(?:\s+\S+){0,3}?\s+(?:contra|into|in front of) (?:un|una|el|la|a|an|the|that|oncoming)\b)"
            r"(?=(?s:.*)\b(?:por fin descans\w*|al fin descans\w*|(?:le )?di el volantazo|volantear|a proposito|ya no sufr\w*|me arrepenti|se acaba(?:ria)? todo|"
            r"on purpose|finally (?:rest|be over|stop)|jerked the wheel|yanked the wheel|at the last (?:second|moment)|it would all (?:stop|be over)))",
            r"^(?=(?s:.*)\b(?:lo tengo decidido|ya (?:lo )?decidi|ya esta decidido|ya tome la decision|tengo decidido|my mind is made up|i'?ve made up my mind|"
            r"i have made up my mind|(?:i'?ve|ive|i have) decided|it'?s decided|its decided)\b(?! (?:to|on|that|what|which|where|about|against|que|ir|comprar|cambiar|por)\b))"
            r"(?=(?s:.*)\b(?:no me (?:mand\w*|pas\w*|des|deis|den|envi\w*) (?:un |el |ningun |otro |el numero de |un numero de )?(?:telefono|numero|linea|link|enlace) de (?:ayuda|crisis|prevencion|emergencia|apoyo)|"
            r"(?:please )?(?:don'?t|do not|dont) (?:send|give) me (?:a |the |another |any )?(?:hotline|helpline|crisis line|crisis number|suicide (?:line|hotline)|988|number to call|help ?line)|"
            r"solo (?:queria|quiero) (?:decirlo|contarlo|que alguien (?:lo )?sepa)|(?:i'?m|im) (?:only )?(?:writing|telling you) (?:only )?so (?:that )?someone knows|just wanted someone to know))",
            r"\b(?:(?:ya )?decid\w+|voy a|quiero|pienso|planeo) acabar con (?:esto|todo esto|todo|mi vida)(?: (?:yo mism[oa]|por mi (?:cuenta|propia mano)|de una vez))?\b",
            r"\bacabar con (?:esto|todo esto|todo) (?:yo mism[oa]|por mi (?:cuenta|propia mano))\b",
            r"\b(?:decided|going|plan(?:ning)?|want) to end (?:it|this|things|it all|my life) (?:myself|on my own|for good)\b",
            r"\b(?:donar mi cuerpo|donate my body|body to science|cuerpo a la ciencia|donar mis organos|donating my body|mi cremacion|my cremation|my obituary|mi esquela)\b(?s:.*)"
            r"\b(?:ya (?:escogi|elegi|tengo|puse) (?:la )?fecha|(?:i'?ve |i )?(?:picked|chose|chosen|set) (?:the|a|my) date|(?:i )?(?:already )?have (?:the|a) date)\b",
            r"\b(?:i'?ve|ive|i have) known how (?:for|since)\b|\bhace (?:semanas|meses|dias|tiempo) que (?:ya )?se como\b|\b(?:ya )?se como (?:lo )?(?:voy a hacer|haria|hacerlo) desde hace\b",
            r"^(?=(?s:.*)\b(?:wasn'?t|wasnt|was not|i'?m not|im not|not|no (?:estaba|estoy|era)) (?:joking|kidding|bromeando|broma)\b)"
            r"(?=(?s:.*)\b(?:(?:won'?t|wont|will not) be (?:here|around)|ya no (?:voy a |va a )?estar(?:e)?)\b)",
        ),
    ),
    UrgentSign(
        "self_harm", CRISIS,
        "Thoughts of hurting oneself",
        "Pensamientos de hacerse daño",
        (
            rf"\b(?:hurt|harm|cut|cutting|hurting|harming|injure) {_SELF}\b{_NOT_ACCIDENT}", r"\bself[- ]?harm(?:ing)?\b",
            rf"\bhacer{_ES_REFL} (?:dano|algo)\b", rf"\blastimar{_ES_REFL}\b", rf"\bcortar{_ES_REFL}\b{_NO_ACCIDENTE}",
            r"\bautolesion(?:es|arme|arse)?\b", r"\b(?:me|se) corta\b" + _NO_ACCIDENTE,
            r"\bcutting (?:again|myself|herself|himself|themselves)\b" + _NOT_ACCIDENT,
            r"\bcutting (?:my|his|her|their) (?:arms?|wrists?|legs?|thighs?|skin|stomach|belly|body)\b",
            r"\b(?:started|been|is|was|am) cutting\b(?! (?:back|down|out|off|up|coupons|hair|his|her|my|the|costs|corners|carbs|sugar|onions|food|meat|vegetables)\b)",
            r"\bcut (?:myself|herself|himself) again\b", r"\b(?:burn|burning|hit|hitting) (?:myself|herself|himself)\b",
            r"\b(?:me|se|te) (?:volvi|volvio|volviste) a cortar\b", r"\bvolv(?:i|io) a cortar(?:me|se)\b", r"\bcortandom?(?:e|se)\b",
            r"\b(?:me|se) hace dano\b", r"\b(?:me|se) (?:esta|estoy|estaba|ha|he) (?:haciendo|hecho) dano\b",
            r"\b(?:dano|lastim\w*|cort\w*|golpe\w*) a proposito\b", r"\bquemar(?:me|se)\b", r"\bgolpear(?:me|se)\b",
            # Cuts and burns told as marks, again, or in the present (2nd round).
            r"\b(?:fresh|new|deep) (?:cuts|cut marks|scratches|burns|scars)\b(?! (?:from|on (?:the|his|her|my) (?:hand|finger)))",
            r"\bcuts (?:all )?(?:on|up and down) (?:her|his|my|their) (?:arms?|wrists?|legs?|thighs?|stomach|body|belly)\b",
            r"\b(?:scratch|scratching|scratches|scratched|pick|picking|dig|digging)\b(?:\s+\S+){0,5}?\s+(?:till|until|untill) (?:it|they|i|he|she) (?:bleed|bleeds|bled|bleeding)\b",
            r"\b(?:razor|razors|blade|blades)\b(?! (?:burn|bumps|rash|nick))(?:\s+\S+){0,5}?\s+(?:on|to|into|across) (?:my|his|her|their) (?:arms?|wrists?|legs?|thighs?|skin)\b",
            r"\bcortadas? (?:nuevas? |frescas? )?(?:en )?(?:los|las|sus|mis|el|la) (?:brazos?|piernas?|munecas?|muslos?|panza|estomago)\b",
            r"\b(?:me|se) (?:quemo|quema|queme|corto|corta|corte|cortaba|golpeo|golpea|lastimo|lastima|lastime|rasguno|rasguna)\b"
            r"(?:\s+\S+){0,4}?\s+(?:otra vez|de nuevo|a proposito|cuando (?:me siento|se siente|siento|siente|estoy|esta)|con (?:el |un |una |la |mi |su )?(?:cigarros?|navaja|cuchillas?|encendedor|cerillos?|sacapuntas|vidrio|plancha))\b",
            r"\b(?:bite|biting|bit|hit|hitting|punch|punching|pinch|pinching|burn|burning)\s+(?:my|his|her|their) (?:own )?(?:arms?|legs?|thighs?|hands?|wrists?|skin)\b(?:\s+\S+){0,2}?\s+(?:till|until|so hard|to feel|when)\b",
            r"\b(?:pressed|press|pressing|held|dragged|dragging)\b(?:\s+\S+){0,2}?\s+(?:against|across|into|along) (?:my|his|her) (?:wrists?|arms?|legs?|thighs?|skin)\b(?:\s+\S+){0,4}?\s+(?:till|until|broke|bled|bleed)\b",
            r"\b(?:me|se) (?:volvi|volvio|volvieron) a (?:cortar|quemar|lastimar|golpear)\b",
            # Cuts "made" rather than "cut" ("volví a hacerme los cortes", "se hace cortadas") (4th round).
            r"\b(?:volv\w+ a hacer(?:me|se|te)|(?:me|se|te) (?:volvi|volvio|volviste) a hacer)\s+(?:los |unos |mas |las |unas )?"
            r"(?:cortes|cortadas|cortaditas|rayas|heridas|quemaduras)\b",
            r"\b(?:me|se|te) (?:hago|hace|haces|hice|hizo|hiciste|esta haciendo|estoy haciendo|ha hecho|he hecho) (?:\w+ )?"
            r"(?:cortes|cortadas|cortaditas)\b(?:\s+\S+){0,2}?\s+(?:en )?(?:los|las|mis|sus|el|la) (?:brazos?|piernas?|munecas?|muslos?|panza|estomago)\b",
            # The blade as the only relief; "did it" on the body with a blade or a burn named (5th round).
            r"\b(?:the |my |a )?(?:blade|blades|razor|razors|cutting|burning myself|la navaja|las navajas|cortarme|quemarme)\b(?:\s+\S+){0,2}?\s+"
            r"(?:is|are|was|were|es|son|era)\s+(?:the |lo )?(?:only|unic[oa]) (?:thing|way|que)\s+(?:that\s+)?(?:\w+\s+)?"
            r"(?:helps? me|calms?|quiets?|shuts?|stops? the|numbs?|makes? me feel|lets? me feel|gets? me through|works for me|me (?:calma|ayuda|tranquiliza|quita))\b",
            r"\b(?:blade|blades|razor|razors|cutting|cuts|burns?|navaja|cuchilla|cortes|cortadas)\b(?!.*\b(?:shav|rasur|afeit|depil|wax)\w*)(?:\s+\S+){0,12}?\s+"
            r"(?:did it|done it|do it|doing it|lo hice|lo volvi a hacer)\s+"
            r"(?:again\s+|otra vez\s+)?(?:on|to|en)\s+(?:my|his|her|their|mis|sus|los|las)\s+(?:legs?|arms?|thighs?|wrists?|stomach|belly|hips?|piernas?|brazos?|muslos?|munecas?|panza)\b",
            # Half F: hitting a wall until it splits or bleeds; a carer afraid of hurting the one they
            # look after (a crisis for both: the crisis line answers it).
            r"\b(?:punch\w*|hit\w*|bang\w*|slam\w*|smash\w*)\b(?:\s+\S+){0,3}?\s+(?:the |a )?(?:walls?|doors?|mirrors?)\b(?:\s+\S+){0,3}?\s+(?:till|until|so hard|hasta)\b",
            r"\b(?:scared|afraid|terrified|worried|frightened) (?:that )?(?:i'?m going to|i'?ll|ill|i will|i might|i could|of what i might do to|i'?d) "
            r"(?:hurt|harm|hit|smother|shake|strangle|choke|suffocate|slap|beat|do something to|lose it (?:with|on)) (?:him|her|them|my \w+)\b",
            r"\b(?:pillow over (?:his|her|their) face|(?:almohada|cojin) (?:en|sobre) (?:la|su) cara)\b",
            r"\b(?:miedo|temo|me da miedo|tengo miedo) (?:de |a )?(?:hacerle dano|hacerles dano|lastimarl[oa]s?|pegarle|hacerle algo)\b",
            r"\b(?:miedo|temo|me da miedo|tengo miedo) (?:de |a )?que (?:un dia )?(?:le|les) (?:haga|hiciera) (?:algo|dano)\b",
            # Half I (9th round): pulling one's hair out, scratching or pinching until it bleeds or is raw
            # (not an itch), a band snapped on the wrist over and over.
            r"\b(?:me|se|te) (?:arranco|arranca|arrancas|arrancaba|jalo|jala) (?:el pelo|el cabello|los pelos|las pestanas|las cejas|mechones)\b(?s:.*)"
            r"\b(?:no (?:puedo|puede|podia) parar|hasta (?:que )?(?:me |le |se )?sangr\w*|a mechones|hasta dejar\w*)\b",
            r"\b(?:pull\w*|yank\w*|rip\w*) (?:out )?(?:my|her|his|their) (?:own )?(?:hair|eyelashes|eyebrows) (?:out )?(?:in clumps|till|until|and (?:i |she |he )?can'?t stop)\b",
            r"^(?!(?s:.*)\b(?:comezon|pica|picazon|ronchas|sarpullido|urticaria|piquetes?|eczema|itch\w*|rash|hives|bites?|varicela)\b)(?s:.*)"
            r"\b(?:me|se|te) (?:rasco|rasca|rascas|rasguno|rasguna|arano|arana|pellizco|pellizca|muerdo|muerde|tallo|talla|pico|pica)\b(?:\s+\S+){0,5}?\s+"
            r"hasta (?:que )?(?:me |le |se )?(?:sangr\w+|sacarme sangre|sacarse sangre|dejar\w* en carne viva|quedar en carne viva)",
            r"\b(?:liga|ligas|rubber ?bands?|hair ?ties?|elastic|elastico|goma|gomita)\b(?s:.*)\b(?:muneca|munecas|wrists?)\b(?s:.*)"
            r"\b(?:cien veces|mil veces|hasta (?:dejar\w*|quedar)|carne viva|(?:until|till) (?:it'?s |its |the skin is )?(?:raw|bleed\w*|welts?)|over and over|"
            r"mejor que llorar|better than crying|sangr\w+|bled|bleed\w*)\b",
            r"\b(?:snap\w*|flick\w*) (?:a |the |my |her |his )?(?:rubber ?band|hair ?tie|elastic)\b(?:\s+\S+){0,4}?\s+(?:on|against) (?:my|her|his|their) wrists?\b",
        ),
    ),
    UrgentSign(
        "neurologic_changes", CAR_T_EMERGENCY,
        "Changes in handwriting, shaking hands, losing balance or falling",
        "Cambios en la letra, temblor en las manos, pérdida del equilibrio o caídas",
        (
            r"\bhandwriting\b(?:\s+\w+){0,4}?\s+(?:smaller|tiny|shrinking|weird|messy|changed|different|shaky|worse|off|strange|sloppy|illegible|wobbly|funny|odd|bad|unreadable)\b",
            r"\b(?:change|changes|changed|changing) in (?:his|her|my|their) handwriting\b",
            r"\b(?:weird|messy|shaky|strange|sloppy|illegible|wobbly) handwriting\b", r"\b(?:can ?not|cant|can't|couldn'?t|unable to) (?:write|sign) (?:his|her|my|their) (?:own )?name\b",
            r"\b(?:can ?not|cant|can't|couldn'?t|unable to) (?:write|sign) (?:his|her|my|their) (?:own )?name\b",
            r"\b(?:can ?not|cant|can't|couldn'?t|unable to) write\b", r"\b(?:moving|moves|walking|walks) (?:really |very |so |super )?slow(?:ly)?\b",
            r"\btremors?\b", r"\b(?:hands?|arms?) (?:are |is |keep |keeps )?(?:shaking|trembling|shaky)\b", r"\bshaky hands\b",
            r"\b(?:los(?:e|es|ing|t)) (?:his |her |my |their )?balance\b", r"\boff balance\b", r"\bunsteady\b",
            r"\b(?:stumbl|wobbl)(?:ing|es|ed|y)\b", r"\b(?:can ?not|cant|can't|couldn'?t|unable to) walk (?:straight|properly|right)\b",
            r"\b(?:fell|falls|falling|has fallen|have fallen|keeps falling|fall down|fallen)\b(?! (?:in love|asleep|behind|apart|for|through|short|out(?! of)|into place|in line|ill|sick|off (?:a |the |his |her |my )?(?:bike|bicycle|skateboard|scooter|swing|trampoline)))",
            r"\b(?:letra|escritura) (?:esta |se ve |le salio |le sale )?(?:rara|distinta|diferente|fea|cambiad[oa]|temblorosa)\b",
            r"\bcambi(?:o|ado) (?:la|su|mi) (?:letra|escritura)\b", r"\bno (?:puede|puedo) escribir\b",
            r"\btemblor(?:es)?\b", r"\b(?:le|me) tiemblan (?:las )?manos\b",
            r"\b(?:empez[oa]|comenz[oa]|empezaron|comenzaron) a tembl(?:ar|arle|arme)(?:le|me)? (?:la|las) manos?\b",
            r"\b(?:le|me) tiembla (?:la|una) mano\b",
            r"\bpierde el equilibrio\b", r"\bperdi(?:o)? el equilibrio\b", r"\bsin equilibrio\b", r"\bse tambalea\b",
            r"\bse (?:cae|cayo|ha caido|callo|sigue cayendo)\b", r"\bme (?:caigo|cai|he caido)\b", r"\bno (?:puede|puedo) caminar (?:bien|derecho)\b",
            # Writing, walking, bumping, tumbling, body parts that shake on their own (2nd round).
            r"\b(?:hand ?writing|writing|signature)\b(?:\s+\w+){0,5}?\s+(?:smaller|tiny|shrinking|shaky|scribbl\w*|messy|illegible|unreadable|wobbly|sloppy|squiggl\w*)\b",
            r"\b(?:couldn'?t|can'?t|cannot|unable to|could not) (?:write|finish|copy) (?:the|his|her|my|their|a) (?:sentence|name|words?|note)\b",
            r"\b(?:letra|escritura|firma)\b(?:\s+\w+){0,4}?\s+(?:chiquita|pequena|pequenita|temblorosa|rara|fea|ilegible|distinta|cambiad[oa]|chueca|garabatos)\b",
            r"\b(?:escrib\w+|letra|frase)\b(?:\s+\S+){0,6}?\s+no se (?:le )?entiende\b",
            # Half I (9th round): letters huge or climbing off the line; circles and sticks instead of writing.
            r"\b(?:letters|handwriting|writing|letra|letras)\b(?:\s+\S+){0,6}?\s+(?:uphill|downhill|off the (?:line|lines|page)|fuera (?:del|de la) (?:renglon|linea|raya)|se (?:suben|salen) del renglon)\b",
            r"\b(?:letters|handwriting|letra|letras) (?:are|is|were|was|son|estan|salen|le salen|le sale|came out|come out) (?:\w+ )?(?:huge|giant|enormous|tiny|enormes|gigantes|chiquititas|diminutas)\b",
            r"\b(?:anot\w+|escrib\w+|firm\w+|puso|wrote|signed|writes)\b(?:\s+\S+){0,6}?\s+(?:puras? |solo |nada mas |puros |just |only )?"
            r"(?:bolitas|palitos|garabatos|rayitas|rayones|scribbles?|squiggles?|circles and (?:lines|sticks))\b",
            r"\b(?:bump|bumping|bumps|bumped|walking|walks|running) into (?:the |things|stuff|walls?|doors?|door ?frames|furniture|everything)\b",
            r"\b(?:walking|walks|walk) (?:funny|weird|strange|crooked|sideways|like (?:he'?s|she'?s|hes|shes|he is|she is|i'?m|im) drunk)\b",
            # Half H (8th round): unsteady as on a boat, grabbing furniture on the way down.
            r"\b(?:walking|walks|walk) like (?:he'?s|she'?s|hes|shes|he is|she is|i'?m|im|i am) (?:on (?:a |the )?(?:boat|ship)(?: deck)?|on ice)\b",
            r"\b(?:camina|caminando|anda) como (?:si (?:estuviera|anduviera) )?(?:en (?:un )?(?:barco|lancha)|borrach[oa])\b",
            r"\b(?:took|takes|taking|had) a (?:tumble|spill|fall)\b", r"\b(?:legs|knees?) (?:gave|give|giving|keep giving) (?:out|way)\b",
            r"\b(?:ended up|end up|is|was|am|i'?m|he'?s|she'?s) on the (?:floor|ground)\b", r"\bhit the (?:floor|ground)\b",
            r"\b(?:dropped|crumpled|collapsed|went down) (?:to|on|onto) the (?:floor|ground)\b",
            r"\b(?:hands?|arms?|legs?|body|fingers|head)\b(?:\s+\w+){0,2}?\s+(?:shaking|trembling|shaky|twitching|jerking|jumping)\b(?! (?:from|with) (?:the )?(?:cold|nerves|excitement))",
            r"\b(?:seeing double|double vision|vision (?:is |went |got )?(?:blurry|blurred|dim|double|weird))\b",
            r"\b(?:vista|vision) (?:\w+ )?(?:borrosa|doble|nublada)\b", r"\b(?:veo|ve|veia) doble\b",
            r"\b(?:camina|caminando|anda) (?:como borrach[oa]|chueco|chueca|torcid[oa]|de lado|raro)\b", r"\bse (?:va|iba|van) de lado\b",
            r"\b(?:me|se|le) (?:voy|va|iba) (?:para|pa) los lados\b", r"\b(?:tropie\w+|tropez\w+)\b(?:\s+\S+){0,2}?\s+con todo\b",
            r"\b(?:le|me|se) (?:tiembla|tiemblan|temblaba|temblaban)\b(?:\s+\w+){0,3}?\s+(?:la|las|el|los|su|sus|mis?) (?:manos?|brazos?|cuerpo|dedos)\b",
            r"\btembl\w+ (?:en )?(?:las|los|sus|mis) (?:manos|brazos)\b",
            # Slowed, stiff, shuffling movement, a face that does not move, writing like a child's (3rd round;
            # the late movement problems after cilta-cel).
            r"\bshuffl(?:e|es|ing|ed)\b(?:\s+\S+){0,2}?\s+(?:feet|foot|walk|walking|gait|along|steps)\b", r"\bshuffling (?:walk|gait)\b",
            r"\b(?:taking|takes|took|walks? with|walking with|walking in|walks in) (?:really |very |super |these |such )?(?:tiny|small|little|short|teeny) (?:shuffling )?steps\b",
            r"\bwalk(?:s|ing|ed)? like (?:a |an )?(?:robot|zombie|penguin|toy soldier)\b",
            r"\bwrit(?:es|ing)\b(?:\s+\S+){0,2}?\s+(?:really |very |so |super |all )?(?:tiny|small|smaller|teeny|scribbl\w*|shaky|crooked)\b"
            r"(?=\s*(?:$|[,.;!?]|now\b|today\b|lately\b|since\b|and\b|than\b|all of a sudden\b))",
            r"\blike (?:a |an )?(?:little |small |young |\d+ ?(?:yr|year) ?old'?s? )?(?:kid|kids|kid'?s|child|child'?s|childs|children'?s|toddler|toddler'?s|toddlers)\s+"
            r"(?:writing|handwriting|wrote|scribbles?|scribbling|signature)\b",
            r"\b(?:writing|handwriting|signature|letters|name)\b(?:\s+\S+){0,4}?\s+(?:looks?|looked|is|was) like (?:chicken scratch|scribbl\w*)\b",
            r"\bface\b(?:\s+\S+){0,3}?\s+(?:doesn'?t|does not|won'?t|don'?t|didn'?t) (?:move|show (?:any )?(?:expression|emotion))\b",
            r"\b(?:mask[- ]?like|expressionless|frozen) (?:face|expression)\b",
            r"\b(?:camina\w*|anda|andando) (?:con |a )?(?:puros )?(?:pasitos|pasos) (?:muy )?(?:cortitos|cortos|chiquitos|chiquititos|pequenos|pequenitos)\b",
            r"\bpasitos (?:muy )?(?:cortitos|chiquititos)\b", r"\barrastra(?:ndo)? los pies\b",
            r"\bcamina (?:como )?(?:un )?(?:robot|tieso|tiesa|muy lento|lentisimo|muy despacio)\b",
            r"\b(?:letra|escritura|firma)\b(?:\s+\w+){0,4}?\s+(?:chiquit\w*|pequen\w*|diminuta|muy chica|de nin[oa]|como de nin[oa])\b",
            r"\bescrib\w+ (?:muy |bien |super )?(?:chiquit\w*|pequen\w*|chueco|tembloros[oa]|como (?:un )?nin[oa])\b",
            r"\b(?:la cara|su cara) (?:no (?:se )?(?:le )?mueve|sin expresion|como (?:de )?mascara)\b", r"\bno mueve la cara\b",
            # Unable to sign, veering to one side when walking, holding on to the walls (4th round).
            r"\bno (?:puede|pudo|podia|puedo|pude|logro|logra) (?:ni )?(?:firmar|escribir)\b", r"\b(?:firm\w+|nombre|letra|frase|escrib\w+)\b(?:\s+\S+){0,6}?\s+(?:un |puros |unos )?garabatos?\b",
            r"\b(?:veer\w*|drift\w*|lean\w*|list(?:s|ing))\s+(?:off\s+)?(?:to\s+)?(?:the\s+)?(?:left|right|one side|sideways|to the side)\b"
            r"(?:\s+\S+){0,3}?\s+(?:when|while|as) (?:he|she|i|they) (?:walks?|walking|stands?|standing|sits?|sitting|tries to walk)\b",
            # What was written comes out as loops or squiggles; the test sentence not finished (5th round).
            r"\b(?:write|wrote|writes|writing|written|sign|signed|signing|signature|escrib\w+|firm\w+)\b(?:\s+\S+){0,10}?\s+(?:just |only |all |puros |puras |solo |nomas )?"
            r"(?:loops|squiggl\w*|scribbl\w*|chicken scratch|illegible|unreadable|rayas|rayones|ilegible)\b",
            r"\bno (?:puede|pudo|podia|logro|logra|alcanzo) (?:ni )?(?:terminar|acabar|completar|copiar) (?:la|su|una|el) (?:oracion|frase|enunciado|nombre)\b"
            r"(?! sin (?:pararse|parar|detenerse|tomar aire|respirar))",
            r"\b(?:walk\w*)\b(?:\s+\S+){0,3}?\s+(?:veer\w*|drift\w*|lean\w*) (?:off )?(?:to )?(?:the )?(?:left|right|one side|sideways|to the side)\b",
            r"\b(?:grab\w*|hold\w* (?:on ?to|onto)|clutch\w*|hang\w* on ?to)\s+(?:the |onto the )?(?:walls?|door ?frames?|doorways?|furniture|counters?|railings?)\b"
            r"(?:\s+\S+){0,3}?\s*(?:to (?:walk|stay up|keep (?:his|her|my) balance|get around|stand|not fall)|twice|again|\d+ times|every time|when (?:he|she|i) walk\w*)\b",
        ),
    ),
    UrgentSign(
        "stroke_signs", CAR_T_EMERGENCY,
        "One side of the face drooping, sudden weakness on one side, or the worst headache of one's life",
        "Un lado de la cara caído, debilidad repentina de un lado, o el peor dolor de cabeza de su vida",
        (
            r"\b(?:face|mouth|smile|eye|eyelid) (?:is |looks )?(?:droop\w*|crooked|uneven|lopsided|sagging)\b", r"\bdroop(?:s|ed|ing|y)\b",
            r"\b(?:weak|numb|can'?t move) (?:on )?(?:one|the left|the right) side\b", r"\bone side of (?:his|her|my|the) (?:face|body)\b",
            r"\bse le cayo (?:un lado de )?la cara\b", r"\bcara (?:caida|torcida|chueca)\b", r"\bun lado de la cara\b",
            r"\bboca (?:torcida|chueca|caida)\b", r"\bno (?:puede|puedo) mover (?:el|la|un|su) (?:brazo|pierna|lado)\b",
            r"\bnumb(?:ness)?\b(?:\s+\w+){0,5}?\s+(?:face|arm|arms|leg|legs|hand|hands|side|lip|lips|tongue)\b",
            r"\b(?:tingling|pins and needles)\b(?:\s+\w+){0,4}?\s+(?:face|lips?|one side)\b",
            r"\b(?:sudden(?:ly)?|all of a sudden|out of nowhere)\b(?:\s+\S+){0,4}?\s+(?:weak|no strength|can'?t (?:lift|move|hold))\b",
            r"\b(?:weak|weakness)\b(?:\s+\S+){0,3}?\s+(?:all of a sudden|suddenly|out of nowhere)\b",
            r"\b(?:can'?t|cannot|couldn'?t) hold (?:his|her|my|their) head up\b",
            r"\b(?:se le|se me) (?:chueco|torcio|cayo|durmio|adormecio|entumio) (?:la boca|la cara|el brazo|la mano|un lado)\b",
            r"\bhormigueo en (?:la cara|los labios|un lado)\b", r"\bde repente (?:\w+ ){0,3}?(?:sin fuerza|muy debil|no (?:puede|pudo) (?:mover|levantar))\b",
            # The worst headache of one's life, or a headache with a stiff neck or eyes that cannot bear the light (3rd round).
            r"\bworst(?<!\bis the worst)(?<!\bwas the worst)(?<!'s the worst)(?<!\bbeen the worst)(?<!\bare the worst) (?:\w+ )?head ?aches?\b", r"\b(?:thunderclap|explosive|exploding) head ?ache\b",
            r"\bhead ?ache\b(?:\s+\S+){0,4}?\s+(?:worst|worse than) (?:ever|of (?:my|his|her|their) li(?:fe|ves)|i'?ve ever|he'?s ever|she'?s ever)\b",
            r"\b(?:head ?ache|head)\b(?:\s+\S+){0,8}?\s+(?:stiff neck|neck (?:is |feels )?stiff|(?:the )?light (?:hurts|bothers)|can'?t (?:look at|stand) (?:the )?light)\b",
            r"\b(?:el )?peor dolor de cabeza\b", r"\bdolor de cabeza\b(?:\s+\S+){0,4}?\s+(?:el )?peor de (?:mi|su|toda (?:mi|su)) vida\b",
            r"\b(?:dolor de cabeza|cabeza)\b(?:\s+\S+){0,8}?\s+(?:(?:le|me) (?:molesta|lastima|duele) (?:mucho )?la luz|no (?:aguanta|aguanto|soporta|soporto) la luz|"
            r"cuello (?:tieso|rigido|duro))\b",
        ),
    ),
    UrgentSign(
        "bleeding", CAR_T_EMERGENCY,
        "Bleeding that does not stop, or blood in vomit, urine or stool",
        "Sangrado que no para, o sangre en el vómito, la orina o las heces",
        (
            r"\b(?:vomit\w*|throw\w* up|threw up|cough\w*(?: up)?|spit\w*(?: up)?) blood\b", r"\bblood in (?:his|her|my|the|their) (?:stool|urine|vomit|poop|pee|spit)\b",
            r"\bbleeding (?:that |and it )?(?:won'?t|will not|doesn'?t|does not) stop\b", r"\b(?:bloody|black|tarry) (?:stool|poop|vomit|urine|diarrhea)\b",
            # Half H: blood still running down long after a small cut.
            r"\b(?:still|keeps?) (?:running|dripping|trickling|oozing) down (?:his|her|my|their) (?:neck|face|chin|arm|leg|hand|shin|forehead)\b",
            r"\b(?:le |me )?sigue (?:escurriendo|chorreando) (?:la sangre )?(?:por|en) (?:el|la) (?:cuello|cara|barbilla|brazo|pierna|mano|frente)\b",
            r"\bnosebleed (?:that |and it )?(?:won'?t|will not|doesn'?t) stop\b",
            r"\b(?:vomita\w*|tose\w*|escupe\w*) sangre\b", r"\bsangre en (?:la|el|las|los) (?:orina|heces|popo|vomito|excremento)\b",
            r"\bsangrado que no (?:para|se detiene)\b", r"\bno (?:le |me )?para de sangrar\b",
            # Bleeding that goes on, coffee grounds, black stool, gums, spots, bruises everywhere (2nd round).
            r"\bbleed\w*\b(?:\s+\S+){0,6}?\s+(?:won'?t|will not|doesn'?t|does not|didn'?t|can'?t|cannot|wont) stop\b",
            r"\b(?:won'?t|doesn'?t|wont|can'?t) stop bleeding\b", r"\bbleeding for (?:\d+|an|half an|over an|more than an?) (?:minutes?|hours?|hrs?|mins?)\b",
            r"\b(?:coffee grounds?|cafe molido|posos de cafe)\b",
            r"\b(?:poop|pooping|pooped|stool|stools|poo|bowel movements?|popo|heces|excremento)\b(?:\s+\w+){0,3}?\s+(?:black|tarry|bloody|negr[oa]s?|con sangre)\b",
            r"\b(?:black|tarry|bloody|negr[oa]s?)\b(?:\s+\w+){0,2}?\s+(?:poop|stool|stools|poo|popo|heces)\b",
            r"\b(?:gums?|encias)\b(?:\s+\w+){0,3}?\s+(?:bleed\w*|sangr\w*)\b", r"\bsangr\w* (?:las|sus|mis) encias\b",
            r"\b(?:purple|red|tiny|little|small) (?:\w+ )?(?:spots|dots)\b(?:\s+\S+){0,3}?\s+(?:all over|everywhere)\b", r"\bpetechiae\b",
            r"\bbruis\w*\b(?:\s+\S+){0,5}?\s+(?:everywhere|all over)\b", r"\bmoretones\b(?:\s+\S+){0,3}?\s+(?:por todo|en todo|por todos)\b",
            r"\bblood in (?:his|her|my|the|their) (?:pee|poo|stool|stools|diaper|urine|vomit|throw up|mucus|phlegm)\b",
            r"\b(?:vomit\w*|throw\w* up|threw up|cough\w*|spit\w*|pee\w*|urinat\w*)(?:\s+\w+){0,3}? (?:blood|bloody)\b",
            r"\b(?:vomit\w*|tos\w*|escup\w*|orin\w*|pipi|popo|heces|evacu\w*)\b(?:\s+\w+){0,2}?\s+(?:con )?sangre\b",
            r"\bsangr\w+\b(?:\s+\S+){0,8}?\s+no (?:para|se detiene|se le quita|deja de|se quita)\b",
            r"\bnosebleed\b(?:\s+\S+){0,5}?\s+(?:keeps coming back|won'?t stop|again and again)\b",
            # Bleeding told by how long it has gone on or how much it soaked (3rd round).
            r"\b(?:lleva|llevo|llevamos|van|ya van|tiene|tengo)\s+(?:como\s+|casi\s+|mas de\s+)?(?:media hora|una hora|\w+ horas|\d+ (?:minutos|mins?|horas)|\w+ minutos|un rato)\s+"
            r"(?:con sangre|sangrando|que (?:le |me )?sangra|con el sangrado)\b",
            r"\bsangr\w+\b(?:\s+\S+){0,6}?\s+(?:ya )?(?:van|lleva|desde hace|por) (?:como |casi |mas de )?(?:media hora|una hora|\d+ (?:minutos|mins?|horas)|\w+ (?:minutos|horas))\b",
            r"\b(?:sangre|sangr\w+|bleed\w*|blood\w*|nosebleed)\b(?:\s+\S+){0,8}?\s+(?:soaked|went through|gone through|going through|used|changed|filled|cambi\w+|empap\w+|llen\w+|use|uso)\s+"
            r"(?:\w+\s+){0,2}?(?:\d+|varias|muchas|cinco|seis|diez|several|many|so many|a bunch of|a whole box of)\s+"
            r"(?:tissues|towels|paper towels|napkins|gauze|pads|toallitas|toallas|gasas|panuelos|servilletas|kleenex)\b",
        ),
    ),
    UrgentSign(
        "low_blood_pressure", CAR_T_EMERGENCY,
        "Very low blood pressure, or not passing urine",
        "Presión muy baja, o no orinar",
        (
            r"\b(?:blood pressure|bp|presion|pressure|tensiometro|baumanometro|tension|tension arterial|cuff|bp monitor|aparato de la presion)\b"
            r"(?:\s+\S+){0,4}?\s+(?:[4-8]\d\s?/\s?\d{2}|very low|so low|really low|dropping|dropped|crashing|muy baja|bajisima|bajando|por los suelos)\b",
            r"\b(?:hasn'?t|has not|haven'?t|have not|didn'?t|did not|can'?t|cannot) (?:peed|pee|urinated|urinate|passed urine)\b",
            r"\bnot (?:peeing|urinating)\b", r"\bno (?:ha|he|han) (?:orinado|hecho pipi)\b", r"\bno (?:orina|puede orinar)\b",
            r"\b(?:blood pressure|bp|presion|pressure|tensiometro|baumanometro|tension|cuff)\b(?:\s+\S+){0,4}?\s+[4-8]\d (?:over|sobre) \d{2}\b",
            # "82 de alta y 48 de baja": the two numbers named as the upper and lower one (7th round)
            r"\b[4-8]\d (?:de )?(?:la )?(?:alta|arriba|sistolica)\b(?:\s+\S+){0,2}?\s+\d{2} (?:de )?(?:la )?(?:baja|abajo|diastolica)\b",
        ),
    ),
    UrgentSign(
        "fast_heartbeat", CAR_T_EMERGENCY,
        "A fast or irregular heartbeat",
        "Latidos del corazón rápidos o irregulares",
        (
            r"\bheart(?:beat)? (?:is |keeps )?(?:racing|pounding|fluttering|skipping|beating (?:so |really |very |super )?(?:fast|hard))\b",
            r"\bracing heart\b", r"\bpalpitations\b", r"\birregular (?:heartbeat|heart beat|pulse)\b",
            r"\b(?:heart rate|pulse|hr)\b(?:\s+\S+){0,3}?\s+(?:1[3-9]\d|[2-9]\d\d)\b",
            r"\bcorazon (?:le |me )?(?:late|palpita|va) (?:muy |bien |super )?(?:rapido|fuerte|rapidisimo|acelerado|a mil)\b",
            r"\bcorazon acelerado\b", r"\btaquicardia\b", r"\bpalpitaciones\b",
            r"\b(?:le|me) (?:late|palpita) (?:el corazon )?(?:muy |bien |super )?(?:rapido|rapidisimo|fuerte|a mil)\b",
        ),
    ),
    UrgentSign(
        "severe_vomiting_diarrhea", CAR_T_EMERGENCY,
        "Severe nausea, vomiting or diarrhea",
        "Náuseas, vómitos o diarrea fuertes",
        (
            r"\b(?:can ?not|cant|can't|couldn'?t|won'?t) stop (?:vomiting|throwing up|puking)\b",
            r"\bkeeps? (?:vomiting|throwing up|puking)\b", r"\b(?:vomiting|throwing up|puking) (?:all (?:day|night)|nonstop|non-stop|every hour|again and again)\b",
            r"\bsevere (?:nausea|vomiting|diarrh?ea)\b", r"\bdiarrh?ea (?:all (?:day|night)|won'?t stop|nonstop|non-stop|\d+ times)\b",
            r"\bcan'?t keep (?:anything|any food|water|fluids) down\b",
            r"\bno (?:para|paro|puede parar) de vomitar\b", r"\bvomit(?:a|ando) (?:todo|mucho|sin parar|todo el dia)\b",
            r"\bdiarrea (?:muy fuerte|todo el dia|sin parar|que no para)\b", r"\bno (?:retiene|aguanta) (?:nada|el agua|los liquidos)\b",
            r"\b(?:puked|vomited|threw up|thrown up|throwing up|vomiting|pooped|diarrh?ea)\b(?:\s+\S+){0,2}?\s+(?:\d+|five|six|seven|eight|nine|ten|many|so many) times\b",
            r"\bdiarrh?ea (?:every (?:\d+ )?(?:hour|hours|hr|30 minutes)|since (?:last night|yesterday|this morning) (?:and|nonstop))\b",
            r"\b(?:vomit\w*|diarrea)\b(?:\s+\S+){0,2}?\s+(?:\d+|muchas|cinco|seis|siete|ocho|diez) veces\b", r"\bdiarrea cada (?:hora|rato|media hora)\b",
        ),
    ),
    UrgentSign(
        "severe_dizziness", CAR_T_EMERGENCY,
        "Dizziness so bad you cannot stand",
        "Mareo tan fuerte que no puede ponerse de pie",
        (
            r"\b(?:so|too|very|really|extremely|super|badly) dizzy\b", r"\bdizzy\b.*\b(?:can ?not|cant|can't|couldn'?t|unable to) (?:stand|walk|get up)\b",
            r"\b(?:can ?not|cant|can't|couldn'?t|unable to) (?:stand|get up)\b.*\bdizz", r"\b(?:room|everything|world|the whole room|things) (?:is |was |keeps |keep |started |starts |won'?t stop )?spin(?:s|ning)\b",
            r"\b(?:can ?not|cant|can't|couldn'?t|unable to) (?:stand|get) up\b", r"\bno (?:me |se )?(?:puede|puedo) (?:poner|mantener) de pie\b",
            r"\blight ?headed\b",
            r"\b(?:tan|muy|bien|demasiado) maread[oa]\b", r"\bmarea(?:d[oa]|os?)\b.*\bno (?:me |se )?(?:puede|puedo|podia) (?:parar|levantar|mantener|caminar)",
            r"\bno (?:me |se )?(?:puede|puedo) (?:parar|poner de pie|mantener en pie|levantar)\b.*\bmare", r"\btodo (?:me |le )?da vueltas\b",
            # "dizzy as hell, can't even walk", "se marea tanto" (2nd round).
            r"\b(?:dizzy|woozy|light ?headed)\b(?:\s+\S+){0,6}?\s+(?:can ?not|cant|can't|couldn'?t|unable to) (?:even |barely |hardly )?(?:stand|walk|get up|sit up|get off|get out)\b",
            r"\b(?:so|too|very|really|extremely|super|badly|bien|muy|tan) (?:dizzy|woozy)\b", r"\bdizzy as\b",
            r"\b(?:se|me) marea(?:ba)? (?:tanto|mucho|muchisimo|demasiado|bien feo|horrible|todo el tiempo)\b",
            r"\bno (?:puede|puedo|podia) ni (?:sentarse|sentarme|pararse|pararme|levantarse|levantarme|caminar|ponerse de pie)\b",
            r"\btodo (?:me |le |se )?(?:da|daba) vueltas\b",
        ),
    ),
    UrgentSign(
        "infection", CAR_T_EMERGENCY,
        "Signs of infection: a red, swollen or oozing line site, pain when passing urine, mouth sores",
        "Signos de infección: la zona del catéter roja, hinchada o con pus, dolor al orinar, llagas en la boca",
        (
            r"\bpus\b", r"\b(?:oozing|leaking|draining|weeping|seeping)\b(?:\s+\S+){0,3}?\s+(?:pus|yellow|green|fluid|stuff|gunk)\b",
            r"\b(?:line|port|picc|catheter|central line|site|incision|wound|where (?:the|his|her|my) line was)\b(?:\s+\S+){0,6}?\s+"
            r"(?:red|swollen|puffy|hot|warm|tender|oozing|leaking|draining|infected|streak\w*)\b",
            r"\b(?:red|swollen|puffy|oozing|infected)\b(?:\s+\S+){0,4}?\s+(?:around|at|near) (?:the|his|her|my) (?:line|port|picc|catheter|site|incision)\b",
            r"\bred (?:streak|streaks|line|lines) (?:going |running )?(?:up|down|along|from)\b", r"\b(?:looks|is|seems|got) infected\b",
            r"\b(?:burns?|burning|hurts?|stings?|stinging|pain) (?:when|while|to) (?:i |he |she |they )?(?:pee|pees|peeing|urinate|urinates|urinating)\b",
            r"\b(?:mouth|throat) (?:is )?(?:full of|covered in|has) (?:\w+ )?(?:sores|ulcers|white patches|blisters)\b",
            r"\b(?:mouth|throat) (?:sores|ulcers)\b", r"\bsore throat\b", r"\b(?:cough|coughing)\b(?:\s+\S+){0,4}?\s+(?:green|yellow|brown) (?:phlegm|mucus|stuff|gunk|spit)\b",
            r"\b(?:supura|supurando|le sale (?:pus|liquido)|sale pus)\b",
            r"\b(?:cateter|via|puerto|port|picc|herida|sitio|donde (?:tenia|le pusieron|estaba) (?:el|la) \w+)\b(?:\s+\S+){0,6}?\s+"
            r"(?:roj[oa]|hinchad[oa]|calient[e]|inflamad[oa]|infectad[oa]|raya roja)\b",
            r"\braya(?:s)? roja(?:s)?\b", r"\b(?:me|le) (?:arde|duele|ardia) (?:al|para) orinar\b", r"\bardor al orinar\b",
            r"\bllagas (?:en la|en) (?:boca|garganta)\b", r"\b(?:flema|flemas|gargajo) (?:verde|amarill[oa])\b", r"\bse (?:ve|le ve) infectad[oa]\b",
        ),
    ),
    UrgentSign(
        "swelling", CAR_T_EMERGENCY,
        "Swelling of the face, lips, tongue or throat",
        "Hinchazón de la cara, los labios, la lengua o la garganta",
        (
            r"\b(?:face|lips?|tongue|throat|eyes|eyelids)\b(?:\s+\w+){0,3}?\s+(?:swelling|swollen|swell(?:s|ed)? up|puffing up|puffed up|closing)\b",
            r"\bswell(?:ing|s|ed)? (?:up )?(?:of|in) (?:the |his |her |my )?(?:face|lips|tongue|throat)\b", r"\bthroat (?:is |feels )?(?:closing|tight)\b",
            r"\bhives (?:all over|everywhere)\b",
            r"\b(?:se le|se me) (?:esta |estan )?hinch\w+ (?:la cara|los labios|la lengua|la garganta|los ojos)\b",
            r"\b(?:cara|labios|lengua|garganta|ojos|parpados)\b(?:\s+\w+){0,2}?\s+hinchad[oa]s?\b", r"\bse (?:le |me )?cierra la garganta\b",
            r"\bronchas (?:por todo|en todo)\b",
            # Fluid kept: weight put on within a day or two (half F).
            r"\b(?:gain\w*|put on|sub(?:io|i|ido)|aument\w*)\b(?:\s+\S+){0,2}?\s+\d+(?:[.,]\d)?\s*(?:lbs?|pounds|kg|kilos?|libras)\b(?:\s+\S+){0,2}?\s+"
            r"(?:since yesterday|overnight|in (?:a|one|1|two|2) days?|desde ayer|de ayer a hoy|en (?:un|1|dos|2) dias?)\b",
            r"\bgarganta\b(?:\s+\S+){0,2}?\s+(?:apretad[oa]|cerrad[oa]|cerrandose)\b", r"\btongue\b(?:\s+\S+){0,3}?\s+(?:too big|too thick|thick|huge|fat|swollen)\b",
        ),
    ),
]

_SIGNS_BY_CODE = {sign.code: sign for sign in URGENT_SIGNS}
# The signs a list of symptoms is made of (crisis wording is not listed that way).
_LIST_SIGNS = tuple(sign.code for sign in URGENT_SIGNS if sign.category != CRISIS)
_COMPILED = [(sign, [re.compile(p) for p in sign.patterns]) for sign in URGENT_SIGNS]
_CRISIS_COMPILED = [(sign, patterns) for sign, patterns in _COMPILED if sign.category == CRISIS]
# A sign's patterns as one alternation: it matches a text exactly when one of them does.
# A sign's patterns are tried one by one (to know which matched) only when one of them
# matches at all. A message usually has no sign, or one: this keeps every chat line at a
# few dozen searches instead of one per pattern (several hundred).
_SIGN_ANY = {sign.code: re.compile("|".join(f"(?:{p})" for p in sign.patterns)) for sign in URGENT_SIGNS}

# --- normalisation and typo repair -----------------------------------------

# Words whose misspellings we repair (edit distance 1, or 2 for long words,
# same first letter). Protected real words are never "corrected".
_KEYWORDS = frozenset(
    """
    fever fevers feverish chills shivering seizure seizures seizing convulsion convulsions convulsing
    confused confusion disoriented breathe breathing breath fainted fainting unconscious suicide
    suicidal speaking talking temperature chest unresponsive slurred slurring
    fiebre calentura escalofrios escalofrio convulsiones convulsion confundido confundida
    desorientado desorientada respirar desmayo desmayado desmayada inconsciente suicidio suicidarme
    suicidarse hablar temperatura pecho despertar
    handwriting balance dizzy tremor tremors unsteady mareado mareada equilibrio
    escribir
    """.split()
)
_PROTECTED = frozenset(
    """
    never fewer lever fiber fibre sever seven clever cheat chess chiles chilly chili chile chilis
    breadth bread breast breasts treated create speaker speakers sneaking stalking walking
    fevered pecha pecho techo pechos habla hablan hablas hablara hablaba respiro
    suicidas temperatures convert concert conversion confuse refused confined
    balanced balances ballast tumor tumors trauma mareas marea dizzied
    confundio confundi
    """.split()
)


def _osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (adjacent transpositions count 1), early exit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] | None = None
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


_KEYWORDS_BY_INITIAL: dict[str, list[str]] = {}
for _kw in _KEYWORDS:
    _KEYWORDS_BY_INITIAL.setdefault(_kw[0], []).append(_kw)


@functools.lru_cache(maxsize=8192)
def _repair(token: str) -> str:
    if len(token) < 4 or token in _KEYWORDS or token in _PROTECTED or not token.isalpha():
        return token
    if any(token.startswith(kw) for kw in _KEYWORDS_BY_INITIAL.get(token[0], ())):
        return token  # an inflection of a keyword, e.g. "despertarlo"

    limit = 1 if len(token) < 8 else 2
    best, best_d = token, limit + 1
    for kw in _KEYWORDS_BY_INITIAL.get(token[0], ()):
        d = _osa_distance(token, kw, limit)
        if d < best_d:
            best, best_d = kw, d
    return best if best_d <= limit else token


_TOKEN_RE = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:[.,]\d+)?|[^\sa-z\d]")


def normalize(text: str) -> str:
    """Lower-case, strip accents, unify apostrophes/degree signs, repair keyword typos.

    ``assess`` reads a message several ways (signs, mentions, readings); the last few
    messages' normal forms are kept so each is computed once."""
    return _normalize(text or "")


@functools.lru_cache(maxsize=256)
def _normalize(text: str) -> str:
    text = strip_accents((text or "").lower())
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = re.sub(r"\bwanna\b", "want to", re.sub(r"\bgonna\b", "going to", text))
    text = text.replace("º", "°").replace("car-t", "car t").replace("cart-t", "car t")
    text = re.sub(r"(\d)\s*°\s*([cf])\b", r"\1 °\2", text)
    # "38 y medio", "39 y algo", "38 and a half": a reading with decimals
    text = re.sub(r"\b(3[4-9]|4[0-2]) (?:y (?:medio|media)|and a half)\b", r"\1.5", text)
    text = re.sub(r"\b(3[4-9]|4[0-2]) (?:y (?:pico|algo|tantos)|point something|and something|something)\b", r"\1.3", text)
    # a trend of readings ("93... 91... now 89", "37.8 -> 38.4") is one sentence, not several
    text = re.sub(r"(\d)\s*(?:\.{2,}|\u2026|-+>|\u2192)\s*(?=(?:now |then |ahora |luego |y |and )?\d)", r"\1 ", text)
    # Spell the contractions the patterns rely on with an apostrophe.
    text = re.sub(r"\b(can|don|doesn|didn|won|isn|wasn|couldn)t\b", r"\1't", text)
    words = re.split(r"(\s+|[^\w'°.,]+)", text)
    return "".join(_repair(w) if w and w.isalpha() else (w or "") for w in words)


# --- context: clauses, negation, time, general questions --------------------

_CLAUSE_SPLIT = re.compile(
    r"(?:[.!?;:\n]+(?:\s|$)|[?!¿¡;\n]|,(?!\d)\s*|,\s+|\s+(?:but|and|y|e|pero|aunque|although|though|however|sino|because|porque|then|now|ahora)\s+"
    r"(?!(?:pico|medio|media|tantos|a half|half)\b)"
    # A run-on question after a statement is its own clause: "my husband has a fever what does that mean".
    r"|(?<!\bwho)(?<!\bwhat)(?<!\bwhen)(?<!\bwhere)(?<!\bhow)(?<!\bwhy)(?<!\bque)(?<!\bcomo)(?<!\bcuando)(?<!\bdonde)"
    r"\s+(?=(?:is (?:that|this|it)|are (?:those|these|they)|what does (?:that|this|it)|what do (?:i|we)|what should (?:i|we)|"
    r"(?:is|es) (?:that |this |it |eso |esto )?normal|que (?:significa|hago|debo|hacemos)|"
    r"es (?:eso|esto)|eso es|sera (?:que|eso)|es (?:un|una) (?:efecto|sintoma|senal))\b))"
)
_NEGATION_BEFORE = re.compile(
    r"(?:\b(?:no|not|never|without|denies|denied|nor|sin|nunca|ni|ningun|ninguna|tampoco|free of|absence of)\b"
    r"|\b(?:don't|doesn't|didn't|hasn't|haven't|hadn't|isn't|aren't|wasn't|weren't) (?:\w+ ){0,2}"
    r"|\bno (?:longer|more|signs? of|sign)\b|\bya no\b)"
    r"(?:\s+\S+){0,3}\s*$"
)
_RESOLVED_AFTER = re.compile(
    r"^\W*(?:\w+\W+){0,6}?(?:back to normal|went away|has gone|is gone|was gone|gone now|resolved|is over|was over|broke|"
    r"came down|has come down|went down|has gone down|subsided|cleared up|stopped|is better|hasn'?t come back|has not come back|"
    r"se (?:fue|le fue|me fue|quito|le quito|me quito|paso|le paso|me paso)|ya (?:paso|se fue|no)|desaparecio|"
    r"(?:le |me |ya )?bajo|se (?:le |me )?bajo|termino|se resolvio)\b"
)
_PAST_CUES = re.compile(
    r"\b(?:last (?:week|month|year|spring|summer|fall|autumn|winter)|(?:weeks|months|years) ago|a (?:week|month|year) ago|"
    r"(?:\d+|two|three|four|five|six|several|few) (?:weeks|months|years) ago|back in|years back|as a child|in the past|"
    r"previously|used to|had (?:one|it) before|once (?:during|before|after|when|while|at|in)|"
    r"in (?:january|february|march|april|may|june|july|august|september|october|november|december)|"
    r"en (?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)|"
    r"(?:la )?semana pasada|mes pasado|ano pasado|(?:back )?in (?:like |about |around |maybe |roughly )?(?:19|20)\d\d|"
    r"en (?:el )?(?:como |por ahi de |alla por )?(?:19|20)\d\d|"
    r"hace (?:\w+ )?(?:semanas?|mes|meses|anos?)|hace (?:ya )?(?:mucho )?tiempo|hace mucho|a while (?:ago|back)|some time ago|ages ago|long ago|"
    r"de nino|de nina|en el pasado|antes del tratamiento|"
    r"before (?:the |his |her |my )?(?:treatment|infusion|car t))\b"
)
_HYPOTHETICAL = re.compile(
    # "who do I call for a fever": where to turn, asked in general
    r"\b(?:who|where|what number|which number|when) (?:do|should|can|would) (?:i|we|you) (?:call|phone|contact|go|ring)\b"
    r"(?:\s+\w+){0,3}?\s+(?:for|about|with) (?:a|an|any)\s+|"
    r"\b(?:(?<!as )(?<!even )if(?! (?:a |my |his |her |the |this |that |our )?(?:(?:temp|temperature|reading|fever) (?:of |is |reading |at )?)?"
    r"\d{2,3}(?:[.,]\d{1,2})?\s*(?:°\s*[cf]?|f|c)?\s*(?:counts\b|is (?:a fever|high|too high|bad|ok|okay|normal|enough|serious|dangerous)\b|means\b))|in case|whether|should (?:i|we|he|she|they) (?:get|develop|have)|what happens when|"
    r"(?<!como )si|en caso de|por si|cuando (?:alguien|uno|una persona|el paciente|la paciente)|"
    r"when (?:someone|you|a patient|patients|people)|suppose|supposing|let'?s say|say (?:he|she|i|we|my \w+) (?:starts|gets|has|develops|spikes)|"
    r"imagine (?:if|that|he|she)|hypothetically|in theory|supongamos|suponiendo|digamos que|pongamos que|imaginemos|hipoteticamente|en teoria)\b|"
    # "the nurse said to watch for ...", "vigile si ...": what to look out for, not what is happening
    r"\b(?:watch(?:ing)? (?:out )?for|look(?:ing)? out for|keep an eye (?:out )?for|on the lookout for|be alert for|"
    r"vigil\w+ (?:si|que|por si)|estar pendiente de|fijarse si|estar atent[oa] a)\b|"
    # a worry about what might come: "worried he'll get a fever tonight", "me preocupa que le dé fiebre"
    r"\b(?:worried|worry|worries|worrying|afraid|scared|nervous|anxious|fear|fears|terrified|panicking)\b"
    r"(?:\s+\S+){0,4}?\s+(?:will|'ll|ll|might|may|could|would|going to|gets?|getting|develops?|happen|happens|comes? back)\b|"
    r"\b(?:me preocupa|preocupad[oa]|tengo miedo|me da miedo|miedo de|miedo a|temo|y si)\b"
    r"(?:\s+\S+){0,3}?\s+(?:de|den|vaya a|va a|pueda|pase|vuelva|llegue|tenga|le de|me de)\b"
)
_GENERAL_Q_START = re.compile(
    # "can't breathe" opens a statement, not a question.
    r"^\W*(?:what|which|how|when|why|where|who|is|are|can(?!'t| not)|could(?!n't| not)|does|do|will|should|would|may|might|"
    r"que|cual|cuales|como|cuando|por que|donde|quien|es|son|puede|pueden|hay|se puede|debe|deben)\b"
)
_DEFINITIONAL = re.compile(
    # "what does it mean", not "he can't explain what he means"
    # "what should i do for fever, chills or confusion?": asked in general, with no figure and no "now"
    r"\bwhat (?:should|do|can|could|would) (?:i|we|you) do (?:for|about|in case of) (?:a |an )?(?!(?:my|his|her|their|our|this|that|these|the|him|her)\b)"
    r"(?![^,.;?!]*(?:\d|\b(?:now|tonight|today|right now|ahora|hoy)\b))|"
    r"\b(?:counts? as|considered|is considered|m(?<!what i m)(?<!what he m)(?<!what she m)(?<!what they m)(?<!what we m)ean[st]?|definition|defined|what temperature|how high|"
    r"se considera|cuenta como|significa|que temperatura|a partir de (?:que|cuantos)|signs? of|symptoms? of|"
    r"side effects?|senales de|sintomas de|efectos? secundarios?|how common|how often|how long|risk of|riesgo de|"
    r"que tan comun|cada cuanto|warning signs|check for|how (?:do|can|should) (?:i|we|you) (?:check|take|measure|tell|know)|"
    r"how to (?:check|take|measure)|take (?:my|his|her|your|a) temperature|"
    r"como (?:se )?(?:toma|mide|revisa)|tomar(?:le)? la temperatura)\b"
)
_PERSONAL = re.compile(
    r"\b(?:i|i'm|im|i've|ive|i'd|me|my|mine|we|we're|our|us|he|he's|hes|she|she's|shes|his|her|him|they're|"
    r"husband|wife|son|daughter|mom|mum|mother|dad|father|partner|brother|sister|grandma|grandpa|friend|baby|"
    r"child|patient is|right now|now|tonight|today|this morning|since|"
    r"tengo|tiene|tienes|tenemos|tienen|tuvo|tuve|estoy|esta|estamos|mi|mis|nuestro|nuestra|esposo|esposa|marido|"
    r"mujer|hijo|hija|mama|papa|madre|padre|hermano|hermana|abuelo|abuela|amigo|amiga|pareja|ahora|hoy|"
    r"esta noche|esta manana|desde)\b"
)
_TEMP_CONTEXT = re.compile(
    r"\b(?:temp|temps|temperature|fever|fevers|febrile|thermometer|degrees?|deg|temperatura|fiebre|calentura|"
    r"termometro|grados?|running|spik\w+|reads?|reading|marca|marcaba|marco|hit|hits|soaked|sweats?|sweating)\b|°"
    # "mi papa tiene 38,2", "she's at 38.6": a value with decimals in the fever range said of someone
    r"|\b(?:tiene|tengo|tenia|anda en|ando en|esta en|amanecio con|sigue con|sigue en|is at|was at|has|have)\s+(?=(?:3[6-9]|4[0-2])[.,]\d)"
)
_TEMP_VALUE = re.compile(
    r"(?<![\d.,/])(\d{2,3}(?:[.,]\d{1,2})?)\s*(°\s*[cf]?|degrees?|deg|grados?)?\s*(c|f|celsius|centigrados?|fahrenheit)?\b"
    r"(?!\s*(?:/|over\b|sobre\b|%|percent|por ?ciento|bpm|lpm|mg|ml|kg|lbs?|pounds|(?:days?|dias?)(?!\s*\+?\s*\d)|hours?|horas|hrs|min\w*|years?|anos|weeks?|semanas))"
)
_OTHER_VITAL = re.compile(
    r"\b(?:pulse|hr|heart ?rate|heart|bpm|bp|blood pressure|pressure|presion|pulso|oxygen|o2|sats?|saturation|saturacion|spo2|"
    r"oximeter|oximetro|weight|peso|sugar|glucose|azucar|glucosa|day|dia|room|cuarto|habitacion|age|edad)\W*$"
)


# A message about the treatment ("got my cells 5 days ago, now 38.5"): a reading
# with decimals (or a unit) counts as a temperature even without the word.
_TREATMENT_CONTEXT = re.compile(
    r"\b(?:car ?t|cells|infusion|infused|celulas|infusion|tratamiento|treatment|kymriah|yescarta|tecartus|"
    r"breyanzi|abecma|carvykti|aucatzyl)\b|\b(?:day|dia|d) ?\+ ?\d{1,2}\b|\bpost[- ]?(?:infusion|car ?t|cells)\b"
)


_THRESHOLD_BEFORE = re.compile(
    r"\b(?:call|llamar|llamen|llamarles|avisar|avisen|avisarles)(?:\s+(?:us|them|the team|the clinic|the doctor|the nurse|in|right away|al equipo|a la clinica))?"
    r"\s+(?:for|at|if|when|above|over|once|si|con|cuando|a partir de|arriba de|desde)"
    r"(?:\s+(?:a|an|the|it'?s|its|it|is|temp|temperature|fever|of|over|above|reaches|hits|gets to|goes over|es|de|tiene|la|el|fiebre|"
    r"temperatura|mas de|pasa de|llega a|le sube a|sube a|he'?s|she'?s|hes|shes))*\s*$"
)


# Half H (8th round): the air's temperature, not a person's.
_ROOM_OR_WEATHER = re.compile(
    r"\b(?:in the (?:hotel )?room|(?:hotel |living |bed)room (?:is|was|says|reads)|the (?:ac|a/c|air conditioning|air conditioner|heater|heat) "
    r"(?:died|broke|is broken|went out|stopped)|outside|outdoors|out there|heat wave|the weather|the forecast|in the car|"
    r"afuera|allá afuera|alla afuera|(?:un|de) calor de|ola de calor|el clima|el pronostico|en el cuarto|en la habitacion|"
    r"(?:el|la) (?:aire|clima|minisplit) (?:se descompuso|no sirve|se apago))\b"
)


def _temperature_readings(clause: str, message_context: bool = False, strict: bool = False) -> list[float]:
    """Temperatures in °C found in a clause that talks about temperature.

    With ``message_context`` (the message is about the treatment), a value with
    decimals or a unit counts even when the clause has no temperature word.
    With ``strict`` (the clause before talks about temperature), any value counts.
    """
    loose = False
    if not strict and not _TEMP_CONTEXT.search(clause):
        if not message_context:
            return []
        loose = True
    readings = []
    for match in _TEMP_VALUE.finditer(clause):
        if loose and not (re.search(r"[.,]\d", match.group(1)) or match.group(2) or match.group(3)):
            continue
        if _OTHER_VITAL.search(clause[max(0, match.start() - 25):match.start()]):
            continue  # "hr 120", "pulse 101", "day 38": another figure, not a temperature
        if _THRESHOLD_BEFORE.search(clause[max(0, match.start() - 60):match.start()]):
            continue  # "the card says call for 100.4": when to call, not a reading
        if _ROOM_OR_WEATHER.search(clause[max(0, match.start() - 40):match.end() + 40]):
            continue  # "38 on the thermometer in the hotel room", "un calor de 40 grados afuera"
        value = float(match.group(1).replace(",", "."))
        unit = (match.group(3) or match.group(2) or "").replace("°", "").strip()
        if unit.startswith("f") or (not unit.startswith("c") and 93 <= value <= 110):
            if 93 <= value <= 110:
                readings.append((value - 32) * 5 / 9)
        elif 34 <= value <= 43:
            readings.append(value)
    return readings


def _clause_at(sentence: str, position: int) -> str:
    """The clause of ``sentence`` that holds ``position``."""
    start = 0
    for cut in _CLAUSE_SPLIT.finditer(sentence):
        if cut.start() > position:
            break
        start = cut.end()
    end = next((c.start() for c in _CLAUSE_SPLIT.finditer(sentence, start) if c.start() > position), len(sentence))
    return sentence[start:end]


def _sentences(text: str) -> list[tuple[str, bool]]:
    """Split into sentences; each carries whether it is a question."""
    return [(sentence.strip(), "?" in sentence or "¿" in sentence)
            for sentence in re.split(r"(?<=[.!?\n])\s+|(?=¿)", text) if sentence.strip()]


def _clauses(text: str) -> list[tuple[str, bool, bool, bool]]:
    """Split into clauses; each carries whether its sentence is a question, whether
    that sentence tells something before it asks ("temp 37.9 then 38.2, is that a fever?")
    rather than opening as a question ("what counts as a fever, 38 or 38.3?"), and whether
    the clause opens its sentence."""
    out: list[tuple[str, bool, bool, bool]] = []
    for sentence in re.split(r"(?<=[.!?\n])\s+|(?=¿)", text):
        if not sentence.strip():
            continue
        is_question = "?" in sentence or "¿" in sentence
        parts = [c.strip() for c in _CLAUSE_SPLIT.split(sentence) if c and c.strip()]
        tells_first = not (is_question and parts and (_GENERAL_Q_START.search(parts[0]) or _DEFINITIONAL.search(parts[0])))
        out.extend((clause, is_question, tells_first, k == 0) for k, clause in enumerate(parts))
    return out


# "38 or 38.3?": figures offered as alternatives are a question about thresholds, not a reading.
_ALTERNATIVES = re.compile(
    r"\d\s*(?:°\s*[cf]?)?\s*(?:or|o|u)\s+\d"
    r"|\d[^\d?]{0,40}?\s(?:or|o|u)\s+(?:(?:only|just|hasta|until|at|from|desde|a partir de|mas de|more than|above|over|arriba de)\s+){1,2}\d"
)


def _is_general(clause: str, sentence_is_question: bool, start: int, measured: bool = False) -> bool:
    """A general question, a hypothetical or what to watch for, rather than someone's sign.

    With ``measured`` (the sign is a figure read off a thermometer or a cuff: "38.2 an hour
    later, is that a fever?") a question sentence does not make the clause general: the
    figure is somebody's reading, unless the clause itself opens as a question."""
    # read over the whole clause, so that "tell me if 100.9 counts" sees the figure after "if"
    if any(h.end() <= start for h in _HYPOTHETICAL.finditer(clause)):
        return True
    if _DEFINITIONAL.search(clause):
        return True
    opens_as_question = bool(_GENERAL_Q_START.search(clause))
    if measured and not opens_as_question and not _ALTERNATIVES.search(clause):
        return False
    if sentence_is_question or opens_as_question:
        return not _PERSONAL.search(clause)
    return False


# A time phrase attached to the treatment dates the treatment, not the symptom:
# "a fever of 39 after my infusion last week" is a fever now.
_TREATMENT_TIME = re.compile(
    r"\b(?:infusion|infused|car[ -]?t(?: cells?| therapy| treatment)?|treatment|therapy|transplant|"
    r"cells|chemo(?:therapy)?|infusion|tratamiento|terapia|celulas|quimio(?:terapia)?|trasplante|"
    r"kymriah|yescarta|tecartus|breyanzi|abecma|carvykti|aucatzyl)"
    r"(?:\s+\w+){0,3}?\s+"
)
_PRESENT_NOW = re.compile(
    r"\b(?:i have|i've got|ive got|i've had|ive had|i am|i'm|im|he has|she has|he's got|she's got|"
    r"he is|she is|hes|shes|they have|we have|has had|have had|is running|running a|right now|now|today|"
    r"tonight|this morning|this evening|since|still|tengo|tiene|tienen|tenemos|estoy|esta con|sigue|"
    r"todavia|ahora|hoy|esta noche|esta manana|desde)\b"
)


def _past_applies_to_sign(clause: str) -> bool:
    """A past or resolved time cue that dates the symptom (not the treatment)."""
    for cue in _PAST_CUES.finditer(clause):
        head = clause[: cue.start()]
        if re.search(_TREATMENT_TIME.pattern + r"$", head):
            continue  # "... my infusion last week": dates the treatment
        return True
    return False


# A negated "stop" says the sign goes on: "no para de tiritar", "he doesn't stop shivering".
_GOES_ON = re.compile(
    r"\b(?:no|not|never|can'?t|cannot|won'?t|doesn'?t|didn'?t|don'?t|couldn'?t|wouldn'?t|isn'?t|ya no se)\s+(?:\w+\s+)?"
    r"(?:stop|stops|stopped|stopping|quit|quits|para|paro|paraba|pare|deja|dejo|dejaba|parar|dejar)(?:\s+de)?(?:\s+\w+){0,2}\s*$"
)


# "fever free for 3 weeks", "seizure-free": the sign's absence.
_FREE_OF = re.compile(r"[\s-]*free\b")


def _negated(before: str) -> bool:
    return bool(_NEGATION_BEFORE.search(before)) and not _GOES_ON.search(before)


# A sign named as a topic: "the one with the fever", "the confusion stuff", "la de la fiebre y la confusión".
_TOPIC_BEFORE = re.compile(
    r"\b(?:the (?:one|ones|part|section|page|sheet|handout|list|bit)|info|information|(?<!lo )la|(?<!lo )el|las|los|la (?:parte|seccion|hoja|lista)|"
    r"el (?:papel|folleto))\s+(?:w|with|about|on|for|de|del|sobre)\s+(?:the |la |el |los |las )?"
    r"(?:\w+(?:,|\s+and|\s+y|\s+e|\s+or|\s+o)\s+(?:the |la |el |los |las )?){0,3}$"
)
_TOPIC_AFTER = re.compile(r"^\s*(?:stuff|part|parts|section|sections|page|pages|sheet|handout|info|bit|one|ones)\b")
_TOPIC_DET = re.compile(r"\b(?:the|that|this|those)\s+$")
# What the care team said is fine: "the nurse said a little tremor when he's cold is fine".
_TEAM_SAID = re.compile(
    r"\b(?:nurse|nurses|doctor|doctors|doc|team|oncologist|on call|enfermer[oa]|doctor[a]?|medic[oa]|equipo)\b(?:\s+\S+){0,2}?\s+"
    r"(?:said|says|told (?:us|me|him|her)|explained|dijo|dice|nos dijo|me dijo|le dijo|explico)\b(?:\s+(?:that|que))?(?:\s+\S+){0,3}?\s*$"
)
_SAID_FINE = re.compile(
    r"^(?:\s+\S+){0,6}?\s+(?:is|was|are|were|es|era|esta) (?:fine|ok|okay|normal|expected|common|harmless|nothing to worry about|"
    r"bien|esperado|esperable|comun|normalito|nada de que preocuparse)\b"
)


def _sign_current(clause: str, is_question: bool, match: re.Match, measured: bool = False, over_counts: bool = True) -> bool:
    before, after = clause[: match.start()], clause[match.end():]
    if _negated(before):
        return False
    if _TOPIC_BEFORE.search(before) or (_TOPIC_DET.search(before) and _TOPIC_AFTER.match(after)):
        return False  # the sign is the name of a topic or a section
    if _TEAM_SAID.search(before) and _SAID_FINE.match(after):
        return False  # the care team said it is fine
    if over_counts and (_RESOLVED_AFTER.search(after) or _FREE_OF.match(after)):
        return False
    if _past_applies_to_sign(clause) and not _PRESENT_NOW.search(before):
        return False
    return not _is_general(clause, is_question, match.start(), measured)


# A sign that belongs to an animal is not a person's emergency ("my dog has a fever").
_ANIMAL = re.compile(
    # not a simile: "breathing like a tired dog", "respira como perrito cansado" (9th round)
    r"(?<!\blike )(?<!\blike a )(?<!\blike a tired )(?<!\bcomo )(?<!\bcomo un )(?<!\bcomo una )"
    r"\b(?:dog|dogs|puppy|doggy|doggo|cat|cats|kitten|kitty|pet|pets|horse|pony|bird|parrot|parakeet|budgie|cockatiel|"
    r"canary|rabbit|bunny|hamster|guinea pig|ferret|cow|goat|pig|chicken|hen|lizard|snake|turtle|tortoise|fish|"
    r"labrador|retriever|poodle|chihuahua|beagle|terrier|husky|pitbull|dachshund|bulldog|bearded dragon|dragon|gecko|reptile|"
    r"gerbil|chinchilla|hedgehog|axolotl|cockatoo|macaw|tarantula|alpaca|donkey|veterinari\w+|"
    r"vet (?:says|said|thinks|told|clinic|er|office|visit|bill|appointment)|"
    r"perro|perra|perrito|perrita|cachorro|gato|gata|gatito|minino|mascota|caballo|pajaro|loro|perico|periquito|canario|"
    r"vaca|vacas|toro|becerr[oa]|ternera|borreg[oa]|oveja|cabra|chivo|puerco|cerdo|marrano|gallina|burro|yegua|mula|"
    r"conejo|conejito|huron|cuyo|cobayo|chiva|gallina|tortuga|lagartija|iguana|culebra|serpiente|lagarto|erizo|cotorra|"
    r"guacamaya|cacatua|borrego|oveja|burro|dragon barbudo)\b"
)
# A story, not a person's emergency ("on the TV show the patient had a seizure").
_FICTION = re.compile(
    r"\b(?:tv(?! (?:stand|remote|table|cabinet|tray|room|dinner))|show|movie|film|series|episode|novel|book|character|song|lyrics|poem|serie|novela|telenovela|pelicula|"
    r"personaje|capitulo|cancion|poema|news|newspaper|article|headline|documentary|podcast|periodico|noticias?|reportaje|"
    r"documental|articulo|ted talk|youtube|tiktok|reddit|webinar|forum|foro|grupo de facebook|facebook group|"
    r"school play|the play|obra de (?:teatro|la escuela)|la obra|rehears\w*|ensayar|ensayo de la obra|"
    r"science fair|feria de ciencias|school project|proyecto (?:escolar|de la escuela)|video ?games?|videojuegos?|(?:his|her|their|su) (?:game|juego)|"
    r"video(?! ?(?:call|chat|llamada))|videos)\b"
)
_RELATIVE = re.compile(
    r"\b(?:i|i'm|im|me|my|we|our|yo|mi|mis)\b"
    r"|(?<!\bthe )(?<!\ba )(?<!\ban )(?<!\bthis )(?<!\bthat )(?<!\bel )(?<!\bla )(?<!\bun )(?<!\buna )(?<!\bese )(?<!\besa )"
    r"(?<!\bher )(?<!\bhis )(?<!\btheir )(?<!\bsu )"
    r"\b(?:husband|wife|son|daughter|mom|mum|mother|dad|father|partner|brother|sister|"
    r"esposo|esposa|marido|hijo|hija|mama|papa|madre|padre|hermano|hermana)\b"
)
# A sign told in the past tense, and a later clause saying it was treated or is over.
_PAST_TENSE_BEFORE = re.compile(r"\b(?:had|was|were|got|tuvo|tuve|tenia|estuvo|estuve|le dio|me dio)\b")
# A reading told in the past: "his temp was 38.4", "la temperatura fue 38.4", "it hit 39 on day 3".
_PAST_READING = re.compile(
    r"\b(?:had|was|were|got|tuvo|tuve|tenia|estuvo|estuve|le dio|me dio|fue|hit|reached|peaked|spiked|went up to|llego a|subio a)\b")
_RESOLVED_LATER = re.compile(
    r"\b(?:(?:completely|totally|fully|entirely|all) (?:himself|herself|myself)(?: again)?|stopped right away|"
    # 9th round: "40 days out and totally fine", "they say he's stable now", "10 min later he was fine", "lo revisaron y anda bien"
    r"(?:and|y) (?:is |esta |he'?s |she'?s |hes |shes )?(?:totally|completely|perfectly|totalmente|completamente) (?:fine|ok|okay|normal|bien)|"
    r"(?:is|he'?s|she'?s|hes|shes|esta|sigue) (?:stable|estable) (?:now|ahora|ya)|ya esta estable|"
    r"ya (?:paro|se quito|dejo de sangrar) hace|stopped (?:bleeding )?(?:hours|a while|an hour|long) ago|"
    r"(?:\d+|a few|ten|five|fifteen|twenty|thirty) (?:min|mins|minutes|hours?) later (?:he|she|i|they) (?:was|were|felt) (?:fine|ok|okay|normal|better|good)|"
    r"(?:un rato|unos minutos|a los \d+ minutos) despues (?:ya )?(?:estaba|se sentia|andaba) bien|(?:lo|la|me|nos) revisaron\b[^.?!]{0,60}\b(?:anda|esta|estoy) bien|"
    r"(?:se )?(?:paro|quito) (?:enseguida|de inmediato|solit[oa]|sol[oa])|now (?:he|she) (?:golfs|plays|works|runs|hikes|travels|swims|bikes|dances)|"
    r"back to normal|normal (?:again|now)|(?:has been|been|is|was|he's|she's|hes|shes|i've been|ive been) (?:fine|ok|okay|good|normal|stable|well) (?:since|for|ever since)|fully recovered|recovered|se recupero|"
    r"ya se (?:curo|recupero)|(?:lleva|llevo) (?:un|una|\w+) (?:mes|semana|semanas|meses) normal|ya (?:lo|la) revisaron|"
    r"was treated|were treated|got treated|treated and|resolved|went away|(?:is|was|it's|its) gone|"
    r"(?:is|was|it's|its|he's|she's|hes|shes|i'm|im) (?:fine|ok|okay|better) now|got better|is over|"
    r"(?:ahora|ya) (?:esta|estoy|anda|ando) (?:re |muy |super |bien |de lo mas )?(?:bien|perfect[oa]|normal|como si nada)|esta re bien|"
    r"(?:is|he'?s|she'?s|hes|shes|i'?m|im|been|now) (?:back (?:at|to) (?:work|school|the gym|golf\w*|his routine|her routine|normal life)|"
    r"golfing|playing golf|playing tennis|hiking|traveling|travelling|back to (?:his|her|my) (?:old )?self)(?: again| now)?|"
    r"(?:been|is|he'?s|she'?s|hes|shes|i'?m|im|i'?ve been|ive been) (?:back to )?(?:himself|herself|myself|themselves)(?: again)?\b|"
    r"ya (?:es|esta) (?:el|la) mism[oa]|(?:volvio|vuelve) a ser (?:el|la) mism[oa]|"
    r"se (?:le |me )?(?:quito|paso|resolvio|fue)|(?:se lo|se la|lo|la) trataron|ya (?:esta|estoy|paso)|desaparecio|"
    r"(?:it |and it |then it )?stopped|(?:hasn'?t|has not|didn'?t|did not|never) (?:come|came) back|cleared up|"
    r"(?:is|was|he's|she's|hes|shes|i'm|im|been|they're|theyre|are) (?:doing )?(?:great|well|fine|good|ok|okay|amazing|perfect) (?:now|since|ever since)|"
    r"in remission|cancer[- ]free|en remision|(?:esta|estoy) (?:perfect[oa]|muy bien|super bien) (?:ya|ahora)?|"
    r"treated (?:it|her|him|them|that|me)|(?:that|this|it|eso|esto) (?:was|fue) (?:back )?(?:in (?:19|20)\d\d|en (?:19|20)\d\d|"
    r"(?:\w+ )?(?:years|months) ago|hace (?:\w+ )?(?:anos|meses)|last year|el ano pasado)|"
    r"(?:paro|se detuvo|se le paso|se me paso)|no (?:ha|le ha|me ha) (?:vuelto|regresado)|no volvio|(?:esta|estoy) (?:bien|fine|ok) (?:ya|desde)|ya esta (?:bien|fine|ok|normal))\b"
)


# Dealt with and well since: "tocilizumab fixed it the same night, now home 3 weeks no issues", "se la quitaron
# esa noche". Read only when the message does not say it happened today (a fever brought down at home
# still needs a call).
_TREATED_LATER = re.compile(
    r"\b(?:(?:fixed|took care of|sorted out|got rid of|controlled) (?:it|that|the fever|the temp)|"
    r"(?:no|without) (?:issues|problems|fevers?|symptoms|more episodes) (?:since|after that|ever since)|doing (?:great|well|fine|good|better|amazing)|"
    r"now (?:he'?s|she'?s|hes|shes|i'?m|im) (?:up|awake|alert|chatty|talking|walking|eating|back)|"
    r"(?:se |nos |me )?(?:la|lo|le) (?:quitaron|controlaron)|sin nada desde|"
    r"(?:lleva|llevo|llevan|ya lleva) (?:\w+ )?(?:semanas?|meses) (?:en casa )?(?:sin nada|sin fiebre|bien|normal))\b"
)


def _over_later(later: str, normalized: str) -> bool:
    """A later part of the message says the sign told before is over."""
    return bool(_RESOLVED_LATER.search(later) or (_TREATED_LATER.search(later) and not _RECENT.search(normalized)))


# "..., that was in 2020", "pero eso fue hace años": a later clause that dates the event long past.
_DATED_LATER = re.compile(
    r"\b(?:that|this|it|eso|esto|all that|todo eso) (?:was|were|fue|paso|happened|ocurrio) (?:back )?(?:in (?:19|20)\d\d|en (?:el )?(?:19|20)\d\d|"
    r"(?:\w+ )?(?:years|months) ago|hace (?:\w+ )?(?:anos|meses)|last year|el ano pasado|years back|long ago|a long time ago|hace mucho|"
    r"hace (?:ya )?(?:bastante |mucho )?tiempo|a while (?:ago|back)|some time ago|ages ago)\b"
)
# A past tense inside the sign's own words: "she couldn't sign her name", "fell", "se desmayó", "se confundió"
# (read for the episode signs only, whose "over" needs more; see _EPISODE_SIGNS).
_PAST_IN_SIGN = re.compile(
    r"\b(?:couldn'?t|could not|wasn'?t able|was unable|fell|took a (?:tumble|spill|fall)|went (?:limp|floppy|down)|"
    r"no pudo|no podia|se (?:cayo|desmayo|mareo|confundio|desvanecio|privo)|convulsiono)\b"
)
# An episode (a seizure, a faint, a fall, a spell of confusion or of garbled speech, a drooping face)
# needs a call even when it is over by the time someone writes: "she fainted this morning, she's
# ok now" is urgent. It counts as over only when the message dates it long past ("the first month",
# "in 2021", "last week") or says it was dealt with by the care team ("they gave steroids",
# "en la internación").
_EPISODE_SIGNS = frozenset({"seizure", "fainting", "neurologic_changes", "stroke_signs", "confusion", "trouble_speaking"})
_LONG_PAST = re.compile(
    r"\b(?:the|that|those|his|her|my) first (?:week|weeks|month|months|few days|days)\b|\b(?:la|las) primeras? semanas?\b|"
    r"\bel primer mes\b|\blos primeros (?:dias|meses)\b|"
    # over for weeks: "back to normal for a month", "ya lleva un mes normal"
    r"\b(?:fine|ok|okay|normal|good|well|great|steady|stable|recovered|better|himself|herself|myself|free)(?: \w+)? "
    r"(?:for|since|over) (?:a|one|two|three|four|\d+|several|a few|a couple of|over a|more than a) (?:weeks?|months?|years?)\b|"
    r"\b(?:lleva|llevo|llevan|llevamos) (?:un|una|\w+|\d+) (?:semanas?|mes|meses|anos?) (?:bien|normal|perfect[oa]|sin \w+|como si nada)\b"
)
# ... unless the message says it happened just now.
_RECENT = re.compile(
    r"\b(?:today|tonight|this (?:morning|afternoon|evening)|just now|earlier today|last night|(?:an|one|two|three|\d+|a few|a couple of?) "
    r"(?:hours?|hrs?|minutes?|mins?) ago|hoy|esta (?:manana|tarde|noche)|anoche|hace (?:un )?rato|hace (?:una|un par de|dos|tres|\d+|unas?|unos) "
    r"(?:horas?|minutos?)|ahorita|ahora mismo)\b"
)
_CARED_FOR = re.compile(
    r"\b(?:treated|treatment for (?:it|that)|they gave|(?:the )?(?:nurse|nurses|doctor|doctors|team|er|icu|hospital|clinic)"
    r"(?: \w+)? (?:checked|saw|looked at|gave|treated|watched)|in the hospital|at the (?:clinic|hospital|er)|hospital stay|"
    r"(?:at|during) (?:the |his |her |my )?(?:infusion|apheresis|collection|leukapheresis|clinic visit)|(?:en|durante) la (?:infusion|aferesis)|"
    r"(?:while|when) (?:he|she|i) was (?:in the hospital|inpatient|admitted)|inpatient|admitted|in the (?:icu|er|ward)|"
    r"during (?:(?:the|his|her|my) )?(?:icans|crs|stay|hospital stay|admission)|en la (?:uci|terapia intensiva|sala)|por el (?:icans|crs)|keppra|steroids?|dexamethasone|decadron|"
    r"tocilizumab|actemra|le (?:dieron|pusieron)|(?:lo|la|me) (?:revisaron|vieron|trataron|atendieron)|la enfermera|el (?:doctor|medico)|"
    r"en el hospital|en la clinica|internacion|internad[oa]|hospitalizad[oa]|esteroides?)\b"
)


def _over_counts(code: str, normalized: str) -> bool:
    """Whether a sign told as over is over (see _EPISODE_SIGNS)."""
    return code not in _EPISODE_SIGNS or _episode_dated_or_cared_for(normalized)


# Years back date the whole story, the treatment included ("after his car t in 2021", "hace años").
_YEARS_BACK = re.compile(
    r"\b(?:(?:\d+|two|three|four|five|several|many|a few) years ago|years ago|last year|years back|hace (?:\w+ )?anos|el ano pasado)\b"
    r"|\b(?:in|en|en el|back in)\s+(?:like |about |around |maybe |roughly |como |por ahi de |alla por )?((?:19|20)\d\d)\b"
)


def _years_back(normalized: str) -> bool:
    this_year = datetime.date.today().year
    return any(not m.group(1) or int(m.group(1)) < this_year for m in _YEARS_BACK.finditer(normalized))


@functools.lru_cache(maxsize=64)
def _episode_dated_or_cared_for(normalized: str) -> bool:
    if _CARED_FOR.search(normalized):
        return True
    # a past cue that dates the treatment ("got his cells last week") does not date the episode, unless it is years back
    dated = (_past_applies_to_sign(normalized) or _years_back(normalized) or _LONG_PAST.search(normalized)
             or _DATED_LATER.search(normalized))
    return bool(dated) and not _RECENT.search(normalized)


# A bare item of a list of signs ("3 weeks ago he had fever, chills and the shakes", "si le da fiebre
# con escalofríos y temblores") is read with the clause that opens the list: its time, its "if", its
# topic. Negation is not carried over ("no fever, chills" may well mean chills).
_LIST_LEAD = re.compile(
    r"^(?:(?:and|or|y|e|o|u|also|plus|tambien|the|a|an|some|el|la|los|las|un|una|unos|unas|mucho|mucha|muchos|muchas|"
    r"bad|high|severe|fuertes?|little|poco|un poco de|then|luego|con|with)\s+){0,3}$"
)
_LIST_BREAK = re.compile(
    r"\b(?:i|i'm|im|he|she|hes|shes|he's|she's|they|we|it|is|are|am|was|were|has|have|had|now|today|tonight|still|again|since|"
    r"this (?:morning|afternoon|evening)|right now|ahora|hoy|todavia|sigue|otra vez|desde|tiene|tengo|esta|estoy|anda|ando|le|me|se)\b"
)


def _lists(clauses: list[tuple[str, bool, bool, bool]], names) -> list[tuple[str, int, bool]]:
    """For each clause: the text of the list it belongs to (the clause itself when none), where the
    clause starts in it, and whether the clause is an item after the list's first clause.

    A list is a clause that names a sign followed by short clauses that name a sign and have no
    subject or time of their own. ``names(n, code)`` says whether clause n has the sign's words."""
    items = [False] * len(clauses)
    for n in range(1, len(clauses)):
        clause, _, _, opens_sentence = clauses[n]
        if (not opens_sentence and len(clause.split()) <= 6 and not _LIST_BREAK.search(clause)
                and any(names(n, c) for c in _LIST_SIGNS)
                and (items[n - 1] or any(names(n - 1, c) for c in _LIST_SIGNS))):
            items[n] = True
    out: list[tuple[str, int, bool]] = [(c, 0, False) for c, *_ in clauses]
    n = 0
    while n < len(clauses):
        end = n + 1
        while end < len(clauses) and items[end]:
            end += 1
        if end - n > 1:
            text, starts = "", []
            for k in range(n, end):
                text = f"{text}, {clauses[k][0]}" if text else clauses[k][0]
                starts.append(len(text) - len(clauses[k][0]))
            for k in range(n, end):
                out[k] = (text, starts[k - n], k > n)
        n = end
    return out


def _list_item_discounted(context: str, at: int, is_question: bool) -> bool:
    """Whether the list the sign belongs to is told in the past, asked in general or named as a topic."""
    before = context[:at]
    if _past_applies_to_sign(context) and not _PRESENT_NOW.search(before):
        return True
    return _is_general(context, is_question, at) or bool(_TOPIC_BEFORE.search(before))


# Laughter right after a sign: a figure of speech ("drowning in paperwork, can't breathe lol").
_LAUGH_AFTER = re.compile(r"^\s*\W{0,3}\s*(?:lol|lmao|rofl|haha\w*|jaja\w*|jeje\w*|xd)\b|^\s*(?:😂|🤣)")


def _message(category: str, lang: str) -> str:
    from django.conf import settings

    conf = getattr(settings, "HELPLINE", {})
    emergency = conf.get("EMERGENCY_NUMBER", "911")
    crisis = conf.get("CRISIS_NUMBER", "988")
    if category == CRISIS:
        if lang == "es":
            return (
                f"No está solo. Si piensa en suicidarse o en hacerse daño, llame o envíe un mensaje de texto "
                f"al {crisis} ahora mismo (Línea de Prevención del Suicidio y Crisis, las 24 horas; "
                f"oprima 2 para español). Si corre peligro inmediato, llame al {emergency}."
            )
        return (
            f"You are not alone. If you are thinking about suicide or hurting yourself, call or text "
            f"{crisis} now (Suicide & Crisis Lifeline, 24 hours a day). If you are in immediate danger, "
            f"call {emergency}."
        )
    if lang == "es":
        return (
            "Esto puede ser una urgencia. Después de la terapia de células CAR T, estos signos necesitan "
            "atención de inmediato: llame ahora a su equipo de tratamiento (al número de 24 horas que le "
            f"dieron). Si es una emergencia, llame al {emergency}. No espere a ver si mejora."
        )
    return (
        "This may be an emergency. After CAR T-cell therapy these signs need care right away: call your "
        "treatment team now (the 24-hour number they gave you). For an emergency, call "
        f"{emergency}. Do not wait to see if it gets better."
    )


def urgent_message(category: str, lang: str) -> str:
    """The fixed, reviewed urgent message for a category, in the asker's language."""
    return _message(category, "es" if lang == "es" else "en")


# --- the second detector: similarity to reviewed exemplars --------------------

EXEMPLARS_PATH = Path(__file__).with_name("data") / "urgent_exemplars.yaml"
# The second detector compares a message with the k nearest reviewed exemplars of
# each group (crisis, CAR T emergency, not urgent), on the cosines of the
# multilingual sentence encoder. The mean of k nearest is steadier than the one
# nearest: a single exemplar that happens to share the message's subject ("my dad
# ...") or an idiom ("tired of ...") no longer decides alone.
#
# Urgent (emergency) when the nearest emergency exemplar is at least
# SIMILARITY_FLOOR close and the mean of its k nearest emergency exemplars beats the
# mean of the k nearest not-urgent ones by SIMILARITY_MARGIN; crisis likewise with
# CRISIS_FLOOR and CRISIS_MARGIN (crisis first: a lower floor). Chosen on the
# calibration part of the development set, half A of the triage stress set, the
# messages of the triage tests and leave-one-out on the exemplars, for recall of
# the detector on its own at few false alarms; see docs/notes/issue-12.md.
SIMILARITY_K = 3
SIMILARITY_FLOOR = 0.45
SIMILARITY_MARGIN = 0.02
CRISIS_FLOOR = 0.40
CRISIS_MARGIN = 0.02
# The crisis category is taken when the k nearest crisis exemplars are, on average,
# at most this much further than the k nearest emergency ones.
CRISIS_TOLERANCE = 0.03


def _top_mean(sims, k: int) -> float:
    """Mean of the k largest values (all of them when there are fewer)."""
    import numpy as np

    if sims.size == 0:
        return 0.0
    k = min(k, sims.size)
    return float(np.partition(sims, sims.size - k)[sims.size - k:].mean())


class SimilarityDetector:
    """The k nearest reviewed exemplars per group, on the answer service's sentence encoder."""

    def __init__(self, path: Path = EXEMPLARS_PATH, embedder=None) -> None:
        import yaml

        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.urgent: list[tuple[str, str]] = []  # (sign code, text)
        for code, by_lang in (data.get("urgent") or {}).items():
            if code not in _SIGNS_BY_CODE:
                raise ValueError(f"{path}: unknown sign code {code!r}")
            for texts in (by_lang or {}).values():
                self.urgent.extend((code, str(t)) for t in texts or ())
        self.not_urgent: list[str] = [str(t) for texts in (data.get("not_urgent") or {}).values() for t in texts or ()]
        self._embedder = embedder
        self._vectors = None
        self._lock = threading.Lock()

    @property
    def embedder(self):
        if self._embedder is None:
            from .retrieval import default_embedder

            self._embedder = default_embedder()
        return self._embedder

    def _matrices(self):
        """(crisis vectors, their codes, emergency vectors, their codes, not-urgent vectors)."""
        if self._vectors is None:
            with self._lock:
                if self._vectors is None:
                    import numpy as np

                    texts = [t for _, t in self.urgent] + self.not_urgent
                    vecs = self.embedder.encode(texts)
                    n = len(self.urgent)
                    crisis = np.array([_SIGNS_BY_CODE[c].category == CRISIS for c, _ in self.urgent], dtype=bool)
                    codes = np.array([c for c, _ in self.urgent], dtype=object)
                    urgent = vecs[:n]
                    self._vectors = (
                        np.ascontiguousarray(urgent[crisis]), list(codes[crisis]),
                        np.ascontiguousarray(urgent[~crisis]), list(codes[~crisis]),
                        np.ascontiguousarray(vecs[n:]),
                    )
        return self._vectors

    def encode(self, text: str):
        with self._lock:
            return self.embedder.encode_one(text)

    def scores(self, vector) -> dict:
        """For each group: the nearest exemplar's cosine (and sign) and the mean of the k nearest."""
        import numpy as np

        crisis, crisis_codes, emergency, emergency_codes, calm = self._matrices()
        out: dict = {}
        for name, matrix, codes in (("crisis", crisis, crisis_codes), ("emergency", emergency, emergency_codes),
                                    ("not_urgent", calm, None)):
            sims = matrix @ vector if len(matrix) else np.zeros(0, dtype=np.float32)
            out[name] = float(sims.max()) if sims.size else 0.0
            out[f"{name}_k"] = _top_mean(sims, SIMILARITY_K)
            if codes is not None:
                out[f"{name}_sign"] = codes[int(sims.argmax())] if sims.size else None
        return out

    def signs(self, text: str, vector=None, *, emergency_found: bool = False) -> list[str]:
        """Sign codes this detector finds (the crisis sign first), or [].

        With ``emergency_found`` (the rules already found a CAR T emergency
        sign) this detector adds nothing: sentence similarity is swayed by who
        the message is about ("my wife ..." sits near crisis exemplars about
        wives), and the crisis rules carry the crisis words; the message is
        urgent either way.
        """
        if emergency_found or _story(text):
            return []
        if vector is None:
            vector = self.encode(text)
        s = self.scores(vector)
        found: list[str] = []
        normalized = normalize(text)
        if (s["crisis_sign"] and s["crisis"] >= CRISIS_FLOOR and s["crisis_k"] - s["not_urgent_k"] >= CRISIS_MARGIN
                and s["crisis_k"] >= s["emergency_k"] - CRISIS_TOLERANCE and not _animal_or_over(text)
                and not _DEATH_IDIOM.search(normalized) and not _ROUTINE_WAKE.search(normalized) and not _helping_others(normalized)
                and not (s["crisis_sign"] == "self_harm" and _ACCIDENTAL.search(normalized))):
            found.append(s["crisis_sign"])
        if (s["emergency_sign"] and s["emergency"] >= SIMILARITY_FLOOR
                and s["emergency_k"] - s["not_urgent_k"] >= SIMILARITY_MARGIN
                and not _general_or_animal(text) and not _light(normalized)
                and not _lifelong(normalized, normalized)
                and not (s["emergency_sign"] == "fever" and _below_fever(text))):
            found.append(s["emergency_sign"])
        return found


# What the second detector reads as context (the rules read the signs' own words):
# a cut by accident is not self-harm; "dying to go home", "muerta de cansancio" are
# figures of speech; laughter or nerves as the cause make a sign-free message light.
_ACCIDENTAL = re.compile(
    r"\b(?:shaving|cooking|chopping|slicing|by accident|accidentally|on (?:a|the) (?:can|glass|knife|paper)|"
    r"rasurand\w*|afeitand\w*|cocinando|picando|sin querer|por accidente)\b"
)
_DEATH_IDIOM = re.compile(
    # "says he's dying bc we're out of chips", "i'll be dead before they fix this road" (5th round)
    r"\b(?:(?:i'?m|im|he'?s|hes|she'?s|shes|is|am|are|says|said|literally) (?:literally )?dying (?:bc|because|cause|cuz|coz|of (?:boredom|hunger|thirst|laughter|embarrassment|cringe)|over)|"
    r"(?:i'?ll|ill|i will|we'?ll|he'?ll|she'?ll|you'?ll|they'?ll) (?:all )?be dead (?:before|by the time)|"
    r"dying (?:to|for)|dead (?:tired|on my feet|beat)|(?:be|being) the death of (?:me|us|him|her)|(?:is|are|was|were|its|it's) killing me|"
    r"(?:lo|la|te) mato si\b|si no (?:deja|dejas|para|paras) de \w+ (?:lo|la|te) mato|(?:i'?ll|ill|gonna|i will|i'?m going to|im going to) kill (?:him|her|you) if|"
    r"me (?:cai|caigo) de (?:la )?risa|me quede (?:helad[oa]|fri[oa]|de piedra)|"
    r"me muero (?:de|por)|muriendome de|muert[oa]s? de (?:cansancio|sueno|hambre|risa|frio|calor|miedo|ganas|verguenza)|"
    r"me (?:tiene|tienen|trae|traen) muert[oa]|me (?:esta|estan) matando|me mata(?:n)? (?:de|el|la|los|las))\b"
)
_LIGHT = re.compile(
    r"\b(?:lol|lmao|haha\w*|jaja\w*|jeje\w*|jiji\w*|xd)\b|😂|🤣|"
    r"\b(?:from|with|of) (?:the )?(?:nerves|excitement)\b|\b(?:de|por) (?:los |puros )?nervios\b|\bnerves\W*$|"
    # the message says the person feels fine ("bp 102/60 this morning, feeling ok"), negations aside
    r"\b(?:family joke|running joke|chiste (?:familiar|de la familia)|broma (?:familiar|de la familia))\b|"
    r"(?<!not )(?<!n't )(?<!no )(?<!never )\b(?:feel(?:ing|s)? (?:totally |completely |perfectly )?(?:ok|okay|fine|good|great|better|normal)|"
    r"doing (?:well|fine|ok|okay|great|good)|all good|(?:me|se) siente?o? bien|(?:estoy|esta) bien|todo bien)\b"
    # told as over by the end of the message: "coughed it up and is fine" (7th round)
    r"|\b(?:and|but) (?:is|he'?s|she'?s|hes|shes|i'?m|im|seems?) (?:totally |completely |perfectly )?(?:fine|ok|okay|alright|all right)(?: now)?\W*$"
)


# How to help someone else who says it, asked for a volunteer line, a leaflet or a training (8th round).
_HELPING_OTHERS = re.compile(
    r"\b(?:volunteer\w*|warmline|hotline|crisis line|training|leaflet|brochure|pamphlet|folleto|taller|workshop|charla|curso|voluntari[oa]\w*)\b"
    r"(?s:.*)\b(?:how (?:should|do|can|would) (?:we|i|you) (?:respond|help|answer|talk|reply)|what (?:should|do) (?:we|i) say|if a caller|"
    r"someone who says|a person who says|como ayudar a (?:alguien|una persona)|alguien que (?:dice|diga)|que decirle a (?:alguien|una persona))\b"
)


def _helping_others(normalized: str) -> bool:
    return bool(_HELPING_OTHERS.search(normalized))


# Laughter does not make it light when the person says it is no joke.
_SERIOUS = re.compile(r"\b(?:no es broma|no estoy bromeando|lo digo en serio|hablo en serio|not (?:a )?joke|not joking|(?:i'?m|im|i am) serious)\b")


def _light(normalized: str) -> bool:
    return bool(_LIGHT.search(normalized)) and not _SERIOUS.search(normalized)


# Waking early for something planned is not a wish not to wake: "i don't want to wake up at 5am for the shuttle".
_ROUTINE_WAKE = re.compile(
    r"\b(?:wake|get) up (?:at \d|before \d|(?:at (?:five|six|seven|dawn)|early|so early|too early|for (?:the|my|a|an|work|school|class|church))\b)|"
    r"\b(?:despertar(?:me|se|lo|la)?|levantar(?:me|se|lo|la)?) (?:a las \d|(?:tan temprano|temprano|de madrugada|para (?:el|la|ir))\b)|\bmadrugar\b"
)
# A trait someone has always had is not a new sign: "siempre le ha temblado un poquito la mano, desde hace años".
_LIFELONG = re.compile(
    r"\b(?:always (?:has|had|have|been)|(?:has|have|had) always|for (?:years|decades|as long as (?:i|we) can remember)|all (?:his|her|my|their) li(?:fe|ves)|"
    r"since (?:he|she|i) was (?:a )?(?:kid|child|baby|young|little|teen)|siempre (?:le |me |se )?(?:ha|han|he|habia|tuvo|tiene)|de toda la vida|"
    r"desde (?:hace (?:anos|mucho)|nin[oa]|chiquit[oa]|joven|siempre))\b"
)
_CHANGE_NOW = re.compile(
    r"\b(?:but (?:now|today|this|since)|now (?:it'?s|its|he|she)|worse|suddenly|all of a sudden|pero (?:ahora|hoy|desde)|ahora (?:es|esta|le)|peor|de repente|"
    r"since (?:the|his|her|my) (?:infusion|cells|car t|treatment)|desde (?:la infusion|las celulas|la car t|el tratamiento))\b"
)


def _lifelong(clause: str, normalized: str) -> bool:
    """A trait the clause says someone has always had, with nothing in the message about a change."""
    return bool(_LIFELONG.search(clause)) and not _CHANGE_NOW.search(normalized) and not _RECENT.search(normalized)


def _animal_or_over(text: str) -> bool:
    """About an animal only, or an event told in the past that is over."""
    normalized = normalize(text)
    if _ANIMAL.search(normalized) and not _HUMAN_SUBJECT.search(normalized):
        return True
    return _told_over(normalized)


_PAST_WHEN = re.compile(
    r"\b(?:yesterday|last night|the other day|ayer|anoche|antier|anteayer|el otro dia|"
    # a small thing told in the past while doing something ordinary (8th round): "bled a tiny bit when i flossed"
    r"(?:bled|sangro) (?:a (?:tiny |little )?bit|un poquito|poquito) (?:when|while|cuando|al)|"
    r"la semana pasada|last week|"
    r"(?:bled|sangro) (?:a (?:tiny |little )?bit|un poquito|poquito))\b"
)


def _told_over(normalized: str) -> bool:
    """Told in the past ("had", "tuvo", "yesterday", "hace un mes") and over later ("went away", "ya está bien")."""
    past = _PAST_READING.search(normalized) or _PAST_WHEN.search(normalized) or _PAST_CUES.search(normalized)
    return bool(past and (_over_later(normalized[past.end():], normalized) or _DATED_LATER.search(normalized[past.end():])))


# The one who watches or reads is not in the story: "the show i'm watching", "my favourite series".
_AUDIENCE = re.compile(
    r"\b(?:i|i'm|im|we|we're|yo|mi esposo y yo)\s+(?:was |am |were |are |just |have been |been )?"
    r"(?:watching|watched|watch|reading|read|saw|see|heard|hear|listening to|listened to|listen to|follow|stream|streamed|love|like|"
    r"vi|veo|lei|leo|estoy viendo|escuche|escucho|sigo)\b"
    r"|\b(?:my|our|mi|mis|nuestra|nuestro|nuestros) (?:favorite|favourite|fave|favorita|favorito)\b"
    r"|\b(?:my|our|mi|nuestro) (?:book club|reading group|club de lectura|class|clase) (?:is |was |are |esta |anda )?(?:reading|read|watching|picked|chose|chosen|assigned|lee|leyo|leyendo|eligio|escogio)\b"
    r"|\b(?:my|our|mi|mis|nuestros?|nuestras?) (?:kids|children|son|daughter|teen|husband|wife|family|hijos|hijo|hija|esposo|esposa|familia)\s+"
    r"(?:love|loves|like|likes|watch|watches|watched|are watching|is watching|read|reads|listen to|listens to|ve|ven|vio|vieron|lee|leen)\b"
    r"|\b(?:i|we)\s+(?:\w+\s+)?(?:cried|sobbed|bawled|teared up|laughed|cry|sob)\b|\b(?:me|nos) (?:hizo|hace) llorar\b|\bllore\b"
    r"|\b(?:my|our|mi|mis|nuestr[oa]) \w+ (?:hace de|hara de|plays|is playing|will play|acts as|actua como|sale de)\b"
    r"|\b(?:i'?m|im|i am|soy) (?:the|el|la) (?:patient|caregiver|paciente|cuidador[a]?)\b"
    r"|\b(?:my|our|mi|mis|nuestr[oa]s?) \w+(?:\W+\d+\W+)?\s*(?:is |esta |anda )?(?:doing|working on|hace|haciendo|prepara\w*) (?:her|his|a|their|su|un|una) "
    r"(?:science fair |school |class )?(?:project|report|homework|proyecto|tarea|trabajo)\b"
    r"|\b(?:my|our|mi|mis) \w+?'?s? (?:character|avatar|personaje)\b"
    r"|\b(?:yells?|screams?|shouts?|goes|grita|dice)\W+(?:no+\W+)?(?:i'?m|im|i am|estoy) (?:dead|dying|done|muert[oa])\b"
    r"|\b(?:for|let|letting) (?:my|our) (?:kids?|children|son|daughter|teen|teenager|boy|girl) to (?:read|watch|see|hear|listen to)\b"
    r"|\b(?:para que|dejar que|dejo que) (?:mi|mis|nuestr[oa]s?) (?:hij[oa]s?|nin[oa]s?|adolescente) (?:lo |la )?(?:lea|vea|escuche)\b"
)


def _is_story(normalized: str) -> bool:
    """A show, a book, a song or the news, with nobody close in it."""
    return bool(_FICTION.search(normalized)) and not _RELATIVE.search(_AUDIENCE.sub(" ", normalized))


def _story(text: str) -> bool:
    """A show, a book or a song, with nobody close in it."""
    normalized = normalize(text)
    return _is_story(normalized)


def _below_fever(text: str) -> bool:
    """The message gives a temperature and every reading is below 38 °C / 100.4 °F."""
    readings = [r for clause, *_ in _clauses(normalize(text)) for r in _temperature_readings(clause, True)]
    return bool(readings) and max(readings) < 38.0


def _general_or_animal(text: str) -> bool:
    """A general question with nobody's symptom in it, a message about an animal or a story,
    or an event told in the past that is over."""
    normalized = normalize(text)
    if _ANIMAL.search(normalized) and not _HUMAN_SUBJECT.search(normalized):
        return True
    if _is_story(normalized):
        return True
    if _told_over(normalized):
        return True  # told in the past and over: "she had ICANS in the spring and recovered fully"
    is_question = "?" in normalized or "¿" in normalized or bool(_ENDS_AS_QUESTION.search(normalized))
    return _is_general(normalized, is_question, 0)


# "hipogamaglobulinemia que es": a question without its question mark.
_ENDS_AS_QUESTION = re.compile(r"\b(?:que es|que son|what is (?:it|that)|what are they|que significa|what does (?:it|that) mean)\W*$")

_HUMAN_SUBJECT = re.compile(
    r"\b(?:i|i'm|im|i've|me|we|he|she|husband|wife|son|daughter|mom|mum|mother|dad|father|partner|"
    r"brother|sister|grandma|grandpa|yo|el|ella|esposo|esposa|marido|hijo|hija|mama|papa|madre|padre|"
    r"hermano|hermana|abuelo|abuela|tengo|estoy)\b"
)

_DETECTOR: SimilarityDetector | None = None
_DETECTOR_LOCK = threading.Lock()


def similarity_detector() -> SimilarityDetector:
    global _DETECTOR
    if _DETECTOR is None:
        with _DETECTOR_LOCK:
            if _DETECTOR is None:
                _DETECTOR = SimilarityDetector()
    return _DETECTOR


# The classifier (``triage_model``) reads intent from the whole sentence vector. What it
# cannot read, the same context checks as the exemplars settle: animals, stories and
# shows, figures of speech, laughter, events told as over, general or hypothetical
# questions, lifelong traits, readings below a fever, and signs the rules read and
# found negated or over. When the rules already found an emergency, the crisis head
# adds the crisis category only when it is nearly certain: the two messages are then
# shown together, the crisis one first.
_WHAT_IF = re.compile(
    r"\b(?:hypothetically|what if|what happens if|suppose|supposing|let'?s say|in theory|just in case|in case|"
    r"por si|en caso de|supongamos|hipoteticamente|que pasa si|y si)\b"
)
CLASSIFIER_CRISIS_WITH_EMERGENCY = 0.9


# What the person says to calm it, read by the classifier's gate only (the rules read
# their own signs' context): "it's fine", "nada grave", "they said it was normal", "just
# tired"; things given away for a reason ("outgrew", "before the move"); an animal
# named by a compound ("goldfish"); a school project.
_CALM_CONTEXT = re.compile(
    r"\b(?<!not )(?:it'?s|its|that'?s|thats|all|everything'?s?) (?:fine|ok|okay|good|nothing)\b|\bnada grave\b|\bno es nada\b|"
    r"\b(?:they|the nurse|the doctor|the team|dr|doc|la enfermera|el doctor|la doctora|el medico)\s+(?:said|says|checked|dijo|dijeron|reviso)\b"
    r"[^.?!]{0,30}?\b(?:fine|ok|okay|normal|nothing|bien|normal|nada)\b|\bjust (?:tired|sore|bored|achy)\b|"
    r"\b(?:outgrew|outgrown|grew out of|no longer (?:needs?|fits?|uses?)|before (?:the|our|my) move|now that (?:she|he|i|we|they) "
    r"(?:walks?|is|are|am|feels?)|ya no (?:le|me|les|nos) queda|ya crecio|ya no (?:lo|la|los|las) usa|antes de la mudanza)\b|"
    r"\b(?:goldfish|betta|guppy|guppies|koi|clownfish|pez|peces|pececito)\b|\b(?:school|class|college) (?:project|presentation|assignment|report|paper)\b|"
    r"\b(?:para|de) (?:la|una|mi) (?:escuela|clase|tarea)\b|"
    r"\b(?:ojala|hope|hopefully|i hope|espero que)\b(?:\s+\S+){0,3}?\s+(?:no )?(?:llueva|nieve|haga (?:frio|calor|buen tiempo)|rains?|snows?|(?:haya|is) (?:no )?(?:trafico|traffic))\b|"
    r"\bnot because (?:anything|something) is wrong\b|"
    # 9th round: said not to be an emergency; wakes and talks normally; reading statistics at night
    r"\b(?:no es (?:una )?emergencia|not an emergency|(?:it'?s|its|it is|this is) not (?:an )?emergency|(?:it|this) isn'?t (?:an )?emergency|no es urgente|not urgent)\b|"
    r"\b(?:platico|hablo|despierto|platica|habla|despierta) (?:normal|bien)\b|\b(?:i|he|she) (?:talks?|wakes? up|speaks?) (?:normal|normally|fine)\b|"
    r"\b(?:doom ?scroll\w*|reading (?:survival )?(?:stats|statistics)|googling (?:survival|stats|statistics|prognosis)|leyendo estadisticas)\b|\bnothing (?:is )?wrong (?:right )?now\b|\bno (?:es )?porque (?:algo|nada) (?:este|ande) mal\b|"
    # cutting, trimming or taking off things that are not skin: nails, hair, a bandage
    r"\b(?:cut|cuts|cutting|trim|trims|trimming|clip|clipping|remove|removing|take off|taking off|peel|peeling|shave|shaving)\b"
    r"(?:\s+\w+){0,3}?\s+(?:nails?|toenails?|fingernails?|hair|beard|bangs|bandages?|band-?aids?|dressings?|tape|stitches out)\b|"
    r"\b(?:cortar|cortarle|cortando|quitar|quitarle|quitando|rasurar|afeitar)\b(?:\s+\w+){0,3}?\s+(?:unas|pelo|cabello|barba|vendas?|curitas?|gasas?|esparadrapo)\b|"
    # a blood pressure reading is read by the rules (low_blood_pressure), not as a fever
    r"\b\d{2,3}\s*/\s*\d{2,3}\b"
)
CLASSIFIER_CRISIS_WITH_EMERGENCY = 0.9


def _context_rules_out(text: str, normalized: str) -> bool:
    """Context that no sentence vector reads: a story, an animal, an event that is over, a figure of
    speech, an accident, or the person saying it is fine."""
    return bool(_story(text) or _animal_or_over(text) or _DEATH_IDIOM.search(normalized) or _light(normalized)
                or _helping_others(normalized) or _crisis_discounted(normalized) or _LEARNING_NOT_NOW.search(normalized)
                or _ACCIDENTAL.search(normalized) or _CALM_CONTEXT.search(normalized))


def classifier_decision(text: str, p_urgent: float, p_crisis: float, *, emergency_found: bool = False,
                        discounted: bool = False) -> tuple[bool, bool]:
    """(urgent, crisis) as the classifier decides with these probabilities, after the context checks.

    ``emergency_found``: the rules already found an emergency (the crisis head must then be
    nearly certain); ``discounted``: the rules read a sign and found it negated, over or
    hypothetical (the urgent head defers to them)."""
    from .triage_model import CRISIS_THRESHOLD, URGENT_THRESHOLD

    crisis_bar = CLASSIFIER_CRISIS_WITH_EMERGENCY if emergency_found else CRISIS_THRESHOLD
    urgent_possible = not emergency_found and not discounted and p_urgent >= URGENT_THRESHOLD
    if p_crisis < crisis_bar and not urgent_possible:
        return False, False
    normalized = normalize(text)
    if _context_rules_out(text, normalized):
        return False, False
    if p_crisis >= crisis_bar and not _ROUTINE_WAKE.search(normalized) and not _crisis_over(normalized):
        return True, True
    if (urgent_possible and not _general_or_animal(text) and not _WHAT_IF.search(normalized)
            and not _lifelong(normalized, normalized) and not _below_fever(text)):
        return True, False
    return False, False


# Below CLASSIFIER_SURE, the classifier is taken only when the reviewed exemplars do not
# clearly side with calm: the k nearest not-urgent exemplars may be at most
# CLASSIFIER_CALM_MARGIN nearer than the k nearest urgent (crisis) ones. On the stress
# halves, each left out of the fit, this kept 99.5 % of what the classifier adds and
# cut its false alarms on traps by a seventh (docs/notes/issue-12.md).
CLASSIFIER_SURE = 0.9
CLASSIFIER_CALM_MARGIN = 0.05
CLASSIFIER_NEAREST_FLOOR = 0.35


def classifier_supported(probability: float, scores: dict, *, crisis: bool) -> bool:
    # Far from every reviewed exemplar (a name and a phone number, a list of figures) the
    # urgent head extrapolates: no emergency there, however sure it looks. Crisis wording is
    # often far from every exemplar ("bought rat poison and we have no rats"): the crisis
    # head has no such floor.
    if not crisis and max(scores["emergency"], scores["crisis"]) < CLASSIFIER_NEAREST_FLOOR:
        return False
    if probability >= CLASSIFIER_SURE:
        return True
    if crisis:
        return scores["crisis_k"] - scores["not_urgent_k"] >= -CLASSIFIER_CALM_MARGIN
    return max(scores["emergency_k"], scores["crisis_k"]) - scores["not_urgent_k"] >= -CLASSIFIER_CALM_MARGIN


def classifier_signs(text: str, vector, *, emergency_found: bool = False, discounted: bool = False) -> list[str]:
    """Sign codes the classifier finds (crisis first), named after the nearest reviewed exemplar, or []."""
    from .triage_model import triage_model

    model = triage_model()
    if model is None:
        return []
    p_urgent, p_crisis = model.probabilities(vector)
    urgent, crisis = classifier_decision(text, p_urgent, p_crisis, emergency_found=emergency_found,
                                         discounted=discounted)
    if not urgent:
        return []
    scores = similarity_detector().scores(vector)
    if not classifier_supported(p_crisis if crisis else p_urgent, scores, crisis=crisis):
        return []
    if crisis:
        return [scores["crisis_sign"] or "suicidal_thoughts"]
    return [scores["emergency_sign"] or "confusion"]


def assess(text: str, lang: str | None = None, *, vector=None, second_net: bool = True) -> TriageResult:
    """Decide whether ``text`` describes an emergency now. Fixed messages only; nothing generated.

    The rules (``rule_signs``), and the second net on the sentence vector
    (``vector`` when the caller has already encoded the text): the similarity to
    reviewed exemplars (``SimilarityDetector``) and the trained classifier
    (``classifier_signs``). Urgent when any of them says so; crisis outranks
    everything else.
    """
    lang = normalize_lang(lang) or detect_language(text or "")
    result = TriageResult(urgent=False, lang=lang)
    if not text or not text.strip():
        return result
    matched = rule_signs(text)
    detectors = ["rules"] if matched else []
    # When the rules read a sign and found it negated, over, hypothetical or a general
    # question ("she had a fever in March and is fine since"), their reading of the
    # context stands: sentence similarity cannot tell those apart. Crisis words the
    # rules discounted ("he won't be a burden for long") are still weighed by the
    # similarity detector, for crisis only.
    # (Only the second net needs them: the chat path, second_net=False, skips the search.)
    mentioned = set() if matched or not second_net else mentioned_signs(text)
    crisis_only = any(_SIGNS_BY_CODE[c].category == CRISIS for c in mentioned)
    if second_net and not any(_SIGNS_BY_CODE[c].category == CRISIS for c in matched):
        if vector is None:
            vector = similarity_detector().encode(text)
        if not mentioned or crisis_only:
            extra = [c for c in similarity_detector().signs(text, vector, emergency_found=bool(matched))
                     if c not in matched and (not crisis_only or _SIGNS_BY_CODE[c].category == CRISIS)]
            if extra:
                matched += extra
                detectors.append("similarity")
        if not any(_SIGNS_BY_CODE[c].category == CRISIS for c in matched):
            extra = [c for c in classifier_signs(text, vector, emergency_found=bool(matched),
                                                 discounted=bool(mentioned))
                     if c not in matched]
            if extra:
                matched += extra
                detectors.append("classifier")
    if not matched:
        return result
    result.detectors = detectors
    categories = [_SIGNS_BY_CODE[c].category for c in matched]
    category = CRISIS if CRISIS in categories else CAR_T_EMERGENCY
    messages = [urgent_message(category, lang)]
    if CRISIS in categories and CAR_T_EMERGENCY in categories:
        messages.append(urgent_message(CAR_T_EMERGENCY, lang))
    result.urgent = True
    result.category = category
    result.matched = matched
    result.message = "\n\n".join(messages)
    return result


_DIGIT = re.compile(r"\d")


# Figures of speech that use a sign's words (8th round): laughing so hard one "falls", freezing in surprise.
_FIGURES_OUT = re.compile(
    r"\b(?:me|se|nos) (?:cai|cayo|caimos|caia|caigo) de (?:la )?risa\b|\b(?:fell|falling) (?:off (?:my|his|her|the) chair|over) laughing\b|"
    r"\bme quede (?:helad[oa]|fri[oa]|de piedra)\b|"
    # 9th round: shaking with laughter; a machine "having a seizure"; an earthquake ("temblor" in Mexico);
    # a show's or a book's plot told ("the novel is about a widower who...", "the show had a guy seizing")
    r"\b(?:convulsion\w*|retorci\w*|revolc\w*|seizing|convulsing|shaking|doubled over) (?:de|with|from) (?:la )?(?:risa|laughter|laughing)\b|"
    r"\b(?:printer|computer|laptop|phone|car|engine|wifi|router|fax|copier|washer|dryer|tv|app|website|site|server|modem|"
    r"impresora|computadora|compu|celular|telefono|coche|carro|lavadora|pagina|modem)\b(?:\s+\S+){0,3}?\s+(?:is |was |keeps |se )?"
    r"(?:having|had|has|tuvo|tiene|esta teniendo|le dio|le da)\s+(?:a |an |una |un )?(?:full[- ]?on |total |complete |little )?"
    r"(?:seizure|meltdown|heart attack|stroke|convulsion|ataque|infarto|derrame)\b|"
    r"\b(?:lo del|el|un|del|hubo un|hubo|otro|fuerte|por el) (?:temblor|sismo|terremoto)(?: (?:en|de) (?:mi|el|la|su|nuestro|nuestra|este|esta) \w+)?\b|"
    r"\bthe (?:keeper|goalie|goalkeeper|player|striker|quarterback|pitcher|referee|runner|singer|actor|actress|boxer|fighter|rider|driver)"
    r"(?:\s+\S+){0,4}?\s+(?:on|during|at|in) (?:the )?(?:pitch|field|court|track|stage|ring|match|game|race|concert)\b[^.?!\n]*|"
    r"\bel (?:portero|jugador|delantero|arbitro|cantante|actor|boxeador|piloto|corredor)(?:\s+\S+){0,4}?\s+(?:en|durante) (?:la |el )?(?:cancha|partido|escenario|ring|carrera|concierto)\b[^.?!\n]*|"
    r"\b(?:novel|book|movie|film|show|series|story|play|episode|season|novela|libro|pelicula|serie|historia|obra|episodio|temporada)\b"
    r"(?:\s+\S+){0,5}?\s+(?:is about|was about|es sobre|era sobre|trata de|trata sobre|had (?:a|an)|has (?:a|an)|shows? (?:a|an)|tenia (?:a )?un[oa]?|sale un[oa]?)\b[^.?!\n]*"
)
# A cry of "i want to die" at a moment's pain, laughed off; a death wish followed by a laugh (9th round).
_CRY_LAUGHED = re.compile(
    r"\b(?:yelled|screamed|shouted|groaned|said|grito|grite|dijo|dije)\W+(?:i want to die|i'?m dying|kill me|just kill me|me quiero morir|me muero|matenme)\W+"
    r"(?:when|as|while|cuando|al|mientras)\b[^.?!\n]*"
)
_LAUGHED = re.compile(r"\b(?:laugh\w*|se rio|nos reimos|se reia|se carcajeo|jaja\w*|haha\w*|lol|lmao)\b")
_WISH_LAUGHED = re.compile(
    r"\b(?:me quiero morir|i want to die|kill me now|me muero|i'?m dying|me voy a morir)\W*(?:jaja\w*|jeje\w*|haha\w*|lol|lmao|xd|😂|🤣)"
)


def _figures_out(normalized: str) -> str:
    """The message without figures of speech, plots and machines that use a sign's words."""
    text = _FIGURES_OUT.sub(" ", normalized)
    if not _SERIOUS.search(text):
        if _LAUGHED.search(text):
            text = _CRY_LAUGHED.sub(" ", text)
        text = _WISH_LAUGHED.sub(" ", text)
    return text


def rule_signs(text: str) -> list[str]:
    """The codes of the urgent signs the rules find current in ``text`` (first detector)."""
    normalized = _figures_out(normalize(text))
    if _is_story(normalized):
        return []
    clauses = _clauses(normalized)
    treatment_context = bool(_TREATMENT_CONTEXT.search(normalized))
    matched: list[str] = []
    # "our cat is very sleepy and won't wake up": the later clause is still the cat's.
    # (A clause or a sentence is a part of the message: when the message names no animal, none of them does.)
    any_animal = bool(_ANIMAL.search(normalized))
    animal_only = any_animal and not _HUMAN_SUBJECT.search(normalized)
    has_digit = bool(_DIGIT.search(normalized))
    animal_subject = False
    # whether a clause has a sign's words at all (one search of the sign's alternation, kept)
    found: dict[tuple[int, str], bool] = {}

    def names(n: int, code: str) -> bool:
        key = (n, code)
        if key not in found:
            found[key] = _SIGN_ANY[code].search(clauses[n][0]) is not None
        return found[key]

    lists = _lists(clauses, names)
    for n, (clause, is_question, tells_first, opens_sentence) in enumerate(clauses):
        if opens_sentence:
            animal_subject = False
        context, offset, item = lists[n]
        if animal_only or (any_animal and _ANIMAL.search(clause)):
            animal_subject = True
            continue
        if animal_subject and not _HUMAN_SUBJECT.search(clause):
            continue  # "mi perro no se puede parar, se cae de lado": still the dog
        animal_subject = False
        later = " ".join(c for c, *_ in clauses[n + 1:])
        for sign, patterns in _COMPILED:
            if sign.code in matched or not names(n, sign.code):
                continue
            over_counts = _over_counts(sign.code, normalized)
            for pattern in patterns:
                match = pattern.search(clause)
                if match and _sign_current(clause, is_question, match, tells_first and bool(_DIGIT.search(match.group(0))),
                                           over_counts=over_counts):
                    if context != clause and (not item or _LIST_LEAD.match(clause[: match.start()])) and _list_item_discounted(
                            context, offset + match.start(), is_question):
                        continue  # "3 weeks ago he had fever, chills and the shakes", "fever, chills and the shakes in march"
                    told_past = (_PAST_TENSE_BEFORE.search(context[: offset + match.start()]) or match.group(0).endswith("ed")
                                 or (sign.code in _EPISODE_SIGNS and _PAST_IN_SIGN.search(clause)))
                    if (over_counts and told_past and _over_later(later, normalized)) or _DATED_LATER.search(later):
                        continue  # "he had a fever ... it was treated and resolved", "..., that was in 2020"
                    if (sign.category != CRISIS and not treatment_context and not _DIGIT.search(match.group(0))
                            and _LAUGH_AFTER.search(clause[match.end():])):
                        continue  # "can't breathe lol" about paperwork
                    if sign.category != CRISIS and _lifelong(clause, normalized):
                        continue  # "she has always had a little tremor in her hands"
                    if sign.code == "fever":
                        readings = _temperature_readings(clause)
                        if readings and max(readings) < 38.0:
                            continue
                    matched.append(sign.code)
                    break
        if "fever" not in matched and has_digit:
            # "woke up soaked and 102": the reading's context word sits in the clause before
            before_says_temp = n > 0 and bool(_TEMP_CONTEXT.search(clauses[n - 1][0]))
            readings = _temperature_readings(clause, treatment_context or before_says_temp, strict=before_says_temp)
            if readings and max(readings) >= 38.0:
                fake = re.search(r"\d", clause)
                if fake and _sign_current(clause, is_question, fake, measured=tells_first) and not (
                        # "his temp was 38.4 on day 3 in the hospital, tocilizumab fixed it the same night"
                        (_PAST_READING.search(clause[: fake.start()]) and _over_later(later, normalized) and not _RECENT.search(normalized))
                        or _DATED_LATER.search(later)):
                    matched.append("fever")
    # A sign told across a clause break ("le sangra la nariz y no para", "bleeding for an hour
    # and it won't stop"): each sentence is read whole for wording that spans the break.
    if not animal_only:
        for sentence, is_question in _sentences(normalized):
            if (any_animal and _ANIMAL.search(sentence)) or not _CLAUSE_SPLIT.search(sentence):
                continue  # one clause: read above
            for sign, patterns in _COMPILED:
                if sign.code in matched or sign.category == CRISIS or not _SIGN_ANY[sign.code].search(sentence):
                    continue
                for pattern in patterns:
                    match = pattern.search(sentence)
                    if not match or not _CLAUSE_SPLIT.search(match.group(0)):
                        continue  # within one clause: the clause's reading stands
                    over_counts = _over_counts(sign.code, normalized)
                    if _sign_current(sentence, is_question, match, over_counts=over_counts) and not _is_general(
                            _clause_at(sentence, match.start()), is_question, 0) and not (
                            over_counts and _PAST_TENSE_BEFORE.search(sentence[: match.start()])
                            and _over_later(sentence[match.end():], normalized)):
                        matched.append(sign.code)
                        break
    # Crisis wording may run across the clause breaks ("go to sleep and never wake up"):
    # those patterns are also read over the whole message, negation aside.
    # (A message that is one clause was searched whole above.)
    whole = len(clauses) == 1 and clauses[0][0] == normalized
    for sign, patterns in _CRISIS_COMPILED:
        if sign.code in matched or not (found.get((0, sign.code)) if whole and (0, sign.code) in found
                                        else _SIGN_ANY[sign.code].search(normalized)):
            continue
        for pattern in patterns:
            match = pattern.search(normalized)
            if match and not _negated(normalized[: match.start()]):
                matched.append(sign.code)
                break
    if matched and (_crisis_over(normalized) or _helping_others(normalized) or _crisis_discounted(normalized)):
        # "he wrote goodbye letters before his transplant in 2019, he's doing great now";
        # "i volunteer on a warmline, how should we respond if a caller says ..."
        matched = [c for c in matched if _SIGNS_BY_CODE[c].category != CRISIS]
    if matched and _LEARNING_NOT_NOW.search(normalized):
        # "he's not slurring now, i'm just trying to learn what to look for"
        matched = [c for c in matched if _SIGNS_BY_CODE[c].category == CRISIS]
    if "fever" in matched:
        retaken, said_normal = _RETAKEN.search(normalized), _TEMP_NORMAL.search(normalized)
        if retaken or said_normal:
            readings = [r for clause, *_ in clauses for r in _temperature_readings(clause, True)]
            if ((retaken and readings and readings[-1] < 38.0)  # "38.2 right after a mug of tea, waited 20 min and it's 36.8"
                    or (said_normal and not any(r >= 38.0 for r in readings))):  # "i feel hot ... but my temp is normal"
                matched.remove("fever")
    return matched


# Asking what to watch for, with the sign said not to be there now (9th round).
_LEARNING_NOT_NOW = re.compile(
    r"\b(?:just |only )?trying to (?:learn|know|understand|figure out) what to (?:look|watch) (?:for|out for)\b|"
    r"\bsolo (?:quiero|queremos|queria) (?:saber|aprender) (?:que|a que) (?:vigilar|estar atent\w+|buscar)\b"
)
# A reading taken again (9th round): the last one is the one that counts.
_RETAKEN = re.compile(
    r"\b(?:waited|retook|re-?took|took it again|checked (?:it )?again|rechecked|re-?checked|second (?:reading|time)|"
    r"espere|volvi a (?:tomar|medir|checar)|(?:la|lo) volvi a (?:tomar|medir|checar)|otra vez y|de nuevo y)\b"
)
_TEMP_NORMAL = re.compile(
    r"\b(?:temp|temperature|temperatura|thermometer|termometro)\b (?:is|was|says|reads|es|esta|salio|marca|came back|stayed) "
    r"(?:totally |completely |perfectly )?(?:normal|fine|ok|okay|bien)\b"
)


# A crisis told as years back and over now, with nothing about it being back.
_WELL_NOW = re.compile(
    r"\b(?:(?:is|he'?s|she'?s|i'?m|im|hes|shes|we'?re|we are|i am|he is|she is|doing|been doing|has been|have been) (?:doing )?(?:really |so )?"
    r"(?:great|well|fine|good|ok|okay|better) (?:now|since|ever since|these days)|we (?:laugh|joke) about (?:it|them)|"
    r"(?:ya )?(?:esta|estoy|estamos) (?:muy )?bien (?:ahora|desde)|ya lo superamos|ya lo supere|nos reimos de (?:eso|ellas?|ellos))\b"
)
_CRISIS_BACK = re.compile(
    r"\b(?:again|lately|tonight|this week|today|back now|coming back|otra vez|de nuevo|ultimamente|esta noche|hoy|volvio|volvieron)\b"
)


def _crisis_over(normalized: str) -> bool:
    return bool(_years_back(normalized) and _WELL_NOW.search(normalized) and not _CRISIS_BACK.search(normalized))


# A form's question about such thoughts, answered no (9th round): "the intake form asks if i've ever ... i haven't".
_FORM_ASKS_NO = re.compile(
    r"\b(?:form|questionnaire|survey|screening|intake|cuestionario|formulario|encuesta|la enfermera|the nurse|the doctor|el doctor)\b"
    r"(?:\s+\S+){0,3}?\s+(?:asks?|asked|pregunta|preguntaba|pregunto)\b(?s:.*)"
    r"\b(?:i (?:haven'?t|have not|havent|never have|never did|don'?t|do not)|no (?:los? |las? )?he tenido|nunca (?:los? |las? )?he tenido|no,? nunca)\b"
)
# Worn out, and it passes (9th round): "siento que ya no puedo mas, pero hablo con mi hermana y se me pasa".
_PASSES = re.compile(r"\b(?:y|pero) (?:luego |despues |ya )?se me (?:pasa|quita)\b|\band (?:then )?it (?:passes|goes away)\b")
_DEATH_WORDS = re.compile(r"\b(?:mori\w*|muert\w*|matar\w*|suicid\w*|kill\w*|die|dying|dead|end (?:it|my life)|quitarme la vida|desaparecer)\b")


def _crisis_discounted(normalized: str) -> bool:
    return bool(_FORM_ASKS_NO.search(normalized)
                or (_PASSES.search(normalized) and not _DEATH_WORDS.search(normalized)))


def mentioned_signs(text: str) -> set[str]:
    """Codes of the signs whose words appear in ``text``, current or not."""
    normalized = normalize(text)
    # the alternation of a sign's patterns matches exactly when one of them does
    return {code for code, any_pattern in _SIGN_ANY.items() if any_pattern.search(normalized)}


def signs_for_card(lang: str) -> list[dict]:
    """Labels for a printable warning-signs card, in order."""
    return [
        {"code": s.code, "category": s.category, "label": s.label(lang)} for s in URGENT_SIGNS
    ]
