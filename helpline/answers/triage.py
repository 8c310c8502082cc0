"""Urgent-symptom triage: the ONE place where the helpline's urgent rules live.

``assess(text, lang)`` runs before any retrieval. It recognises messages that
describe an emergency happening now (especially after CAR T-cell therapy) and
thoughts of suicide or self-harm, in English and Spanish, including third-person
reports ("my husband ..."), common typos and Spanish without accents.

It deliberately does NOT flag:

* negations: "no fever", "he doesn't have chills", "sin fiebre";
* resolved or past events: "the fever went away last week", "hace un mes tuvo fiebre";
* general questions: "what temperature counts as a fever after CAR T?",
  "¿la terapia CAR T puede causar convulsiones?", "what should I do if I get a fever?";
* temperature readings below 38 °C / 100.4 °F.

When in doubt (a bare "fever 39", "confused and shaking") it flags: a false
alarm costs a phone call, a miss can cost a life.

``URGENT_SIGNS`` carries short plain-language labels in both languages for the
printable warning-signs card and other features. The urgent messages are fixed,
reviewed text; nothing here is generated.
"""

from __future__ import annotations

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
        ),
    ),
    UrgentSign(
        "confusion", CAR_T_EMERGENCY,
        "Confusion",
        "Confusión",
        (
            r"\bconfus(?:ed|ion)\b(?! (?:about|by|with|over|as to|on)\b)", r"\bdisoriented\b", r"\bdisorientation\b", r"\bdelirious\b",
            r"\b(?:doesn'?t|does not|don'?t|do not|didn'?t|did not) (?:know|recogni[sz]e) (?:where|who|what day|me|us|his|her)\b",
            r"\b(?:not|isn't|is not|wasn't|was not|aren't) making (?:any )?sense\b",
            r"\bacting (?:strange|weird|odd|confused)\b",
            r"\bconfundid[oa]s?\b(?! (?:con|sobre|por)\b)", r"\bconfusion\b(?! (?:con|sobre)\b)", r"\bdesorientad[oa]s?\b", r"\bdelirando\b",
            r"\bno (?:sabe|se) (?:donde|quien|que dia)\b", r"\bno (?:me|nos|la|lo) reconoce\b",
            r"\bdice cosas sin sentido\b",
            r"\bhallucinat\w*\b", r"\bseeing things\b", r"\bsees (?:things|people) that (?:aren'?t|are not) there\b", r"\bagitated\b",
            r"\bforget(?:s|ting)? what (?:he|she|i|they) (?:just )?(?:said|did|was saying)\b", r"\bout of it\b",
            r"\bnot (?:himself|herself|myself|themselves)\b", r"\b(?:seems|is|acting|looks) (?:off|not right|strange|weird)\b",
            r"\bnot answering (?:questions )?(?:right|properly|correctly)\b", r"\b(?:thinks|said|says) (?:it'?s|it is) (?:19|20)\d\d\b",
            r"\bve (?:cosas|gente|personas) que no (?:estan|existen|hay)\b",
            r"\bseeing (?:\w+ )?(?:bugs|things|people|animals|spiders|insects|shapes)\b",
            r"\b(?:sees|seeing|hears|hearing) (?:\w+ ){0,4}(?:that|who) (?:aren'?t|are not|isn'?t|is not) there\b",
            r"\bno reconoce a (?:nadie|su|sus|la|el|los)\b", r"\b(?:can'?t|cannot|doesn'?t|does not) remember (?:my|his|her|our) (?:name|names)\b", r"\balucina\w*\b", r"\bagitad[oa]\b",
            r"\bno (?:es|esta) (?:el|la) mism[oa]\b", r"\bolvida lo que (?:acaba de|dijo|hizo)\b",
        ),
    ),
    UrgentSign(
        "trouble_speaking", CAR_T_EMERGENCY,
        "Trouble speaking or finding words",
        "Dificultad para hablar o encontrar palabras",
        (
            r"\b(?:trouble|difficulty|problems?|hard time|struggling|struggles) (?:speaking|talking|getting (?:the |his |her |my )?words out|finding (?:the )?words)\b",
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
        ),
    ),
    UrgentSign(
        "seizure", CAR_T_EMERGENCY,
        "Seizure",
        "Convulsión",
        (
            r"\bseiz(?:ure|ures|ing)\b", r"\bconvuls(?:ion|ions|ing|ed)\b", r"\bhad a fit\b", r"\bhaving a fit\b",
            r"\bconvulsion(?:es)?\b", r"\bconvulsiona(?:ndo)?\b", r"\bconvulsiono\b", r"\bataque epileptico\b",
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
            r"\b(?:oxygen|o2|sats?|saturation|saturacion|oxigeno|pulse ox|oximeter|oximetro|spo2)\b(?:\s+\S+){0,5}?\s+(?:[5-8]\d|9[01])\s*%?(?![\d/])", r"\b(?:me|se) ahoga\b", r"\bme ahogo\b", r"\brespira (?:muy )?(?:mal|rapido|con dificultad)\b",
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
        ),
    ),
    UrgentSign(
        "suicidal_thoughts", CRISIS,
        "Thoughts of suicide",
        "Pensamientos de suicidio",
        (
            r"\bsuicid(?:e|al)\b", rf"\bkill(?:ing)? {_SELF}\b", r"\bend(?:ing)? (?:my|his|her|their) (?:own )?life\b",
            r"\btak(?:e|ing) (?:my|his|her|their) (?:own )?life\b", r"\bwant(?:s)? to die\b", r"\bwish (?:i|he|she) (?:was|were) dead\b",
            r"\b(?:don'?t|do not|doesn'?t|does not) want to (?:live|be alive|wake up)\b",
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
            r"\bno (?:quiero|quiere) (?:seguir )?vivir\b", r"\bacabar con (?:mi|su) vida\b", r"\bmejor muert[oa]\b",
            # Without the obvious words: wanting it over, not waking up, being a burden.
            r"\bwant(?:s|ed)? (?:it all|everything|this all|all of this|it) to (?:be over|end|stop)\b",
            r"\b(?:end it|end things|end everything)\b", r"\b(?:can'?t|cannot) go on(?: like this| anymore| any more)?\b",
            r"\b(?:hope|wish|pray)(?:s|ing)? (?:i|he|she|they) (?:don't|doesn't|do not|does not|won't|will not|never|wouldn't) wake up\b",
            r"\b(?:go|went|going) to sleep and (?:never|not) wake up\b", r"\bnot (?:to )?wake up (?:again|tomorrow|ever)\b",
            r"\b(?:i'm|im|i am|he's|hes|he is|she's|shes|she is|being|feel like|feels like) (?:just )?(?:a|such a) burden\b",
            r"\bbetter off without (?:me|him|her|them)\b", r"\bbetter without (?:me|him|her)\b",
            r"\b(?:no|any) (?:point|reason) (?:in )?(?:living|going on|to go on|to keep going|to live)\b",
            r"\bwant(?:s)? to disappear\b", r"\b(?:take|took|taking|swallow\w*) all (?:my|his|her|their|the) (?:pills|meds|medicines?|tablets)\b",
            r"\boverdos(?:e|ed|ing)\b",
            r"\bno (?:quiero|quiere|quisiera) (?:volver a )?despertar(?:me|se)?\b", r"\bno despertar(?:me|se)? (?:nunca|mas|manana)\b",
            r"\b(?<!preocupa )(?<!miedo de )(?<!miedo a )(?<!miedo )(?:soy|es|ser|sere|siento que soy) (?:una|un) (?:carga|estorbo)\b", r"\b(?:estarian|estaran|estan) mejor sin (?:mi|el|ella)\b",
            r"\bquiero que (?:todo )?(?:se acabe|termine|acabe) (?:todo|ya)?\b", r"\bacabar con todo\b", r"\bterminar con todo\b",
            r"\b(?:no vale la pena|no tiene sentido|sin sentido) (?:seguir )?viv(?:ir|iendo)\b", r"\bquiero desaparecer\b",
            r"\bquiere desaparecer\b", r"\btomar(?:me|se)? todas las pastillas\b", r"\bsobredosis\b",
            r"\bno (?:puedo|puede) (?:mas|seguir asi)\b",
            r"\b(?:can'?t|cannot) do this anymore\b", r"\b(?:i|he|she) (?:have|has|made|got) a plan\b(?! (?:for|to (?:get|go|visit|travel|see)))",
            r"\b(?:drive|driving|drove|jump|jumping) (?:my|his|her|the)? ?(?:car )?off (?:a|the) (?:bridge|cliff|building|roof)\b",
            r"\bgiving (?:away )?(?:all )?(?:his|her|my) (?:things|stuff|belongings) away\b", r"\bgiving away (?:his|her|my|all) ",
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
            r"\bpara que seguir (?:viviendo|asi|luchando|aqui)\b", r"\bpara que seguir\W*$",
            # After a death: no point anymore, wanting to join the one who died.
            r"\b(?:don'?t|do not|doesn'?t|does not|can'?t|cannot) see (?:the|any) point (?:anymore|any more|in (?:anything|living|life|going on)|of (?:anything|living|life|going on))\b",
            r"\b(?:don'?t|do not|doesn'?t|does not|can'?t|cannot) see (?:the|any) point\W*$",
            r"\b(?:should|want to|wanna|going to|gonna|ready to|could|just) join (?:her|him|them)\b(?! (?:for|at|on|in the|in a|at the))",
            r"\bbe with (?:her|him|them) (?:again|in heaven|soon)\b",
            r"\bya no (?:quiero|quiere|quisiera) seguir(?: (?:asi|viviendo|aqui|adelante))?\W*$",
            r"\bno (?:le )?(?:veo|ve|encuentro|encuentra) (?:el |ningun )?sentido a (?:nada|la vida|vivir|seguir)\b",
            r"\b(?:quiero|quisiera|quiere|quisiera) (?:irme|irse|reunirme|reunirse|estar) con (?:el|ella|ellos|mi \w+|su \w+) (?:en el cielo|otra vez|ya)\b",
            # A rope or a noose kept ready, hanging, going to be with God.
            r"\b(?:got|have|hav|has|had|bought|buy|getting|keep|keeps|tied|tie|tying|made|ready) (?:a |the |my |his |her )?(?:rope|noose)\b",
            r"\bnoose\b", r"\bhang(?:ing)? (?:myself|himself|herself|themselves)\b",
            r"\bahorcar(?:me|se|te)\b", r"\b(?:una |la |mi |su )?(?:soga|horca)\b",
            r"\b(?:quiero|quiere|quisiera|queria) ir(?:me|se)? con dios\b", r"\b(?:me|se) (?:quiero|quiere|quisiera) ir con dios\b",
        ),
    ),
    UrgentSign(
        "self_harm", CRISIS,
        "Thoughts of hurting oneself",
        "Pensamientos de hacerse daño",
        (
            rf"\b(?:hurt|harm|cut|cutting|hurting|harming|injure) {_SELF}\b", r"\bself[- ]?harm(?:ing)?\b",
            rf"\bhacer{_ES_REFL} (?:dano|algo)\b", rf"\blastimar{_ES_REFL}\b", rf"\bcortar{_ES_REFL}\b",
            r"\bautolesion(?:es|arme|arse)?\b", r"\b(?:me|se) corta\b",
            r"\bcutting (?:again|myself|herself|himself|themselves|my|his|her)\b", r"\b(?:started|been|is|was|am) cutting\b",
            r"\bcut (?:myself|herself|himself) again\b", r"\b(?:burn|burning|hit|hitting) (?:myself|herself|himself)\b",
            r"\b(?:me|se|te) (?:volvi|volvio|volviste) a cortar\b", r"\bvolv(?:i|io) a cortar(?:me|se)\b", r"\bcortandom?(?:e|se)\b",
            r"\b(?:me|se) hace dano\b", r"\b(?:me|se) (?:esta|estoy|estaba|ha|he) (?:haciendo|hecho) dano\b",
            r"\b(?:dano|lastim\w*|cort\w*|golpe\w*) a proposito\b", r"\bquemar(?:me|se)\b", r"\bgolpear(?:me|se)\b",
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
            r"\b(?:fell|falls|falling|has fallen|have fallen|keeps falling|fall down|fallen)\b(?! (?:in love|asleep|behind|apart|for|through|short|off (?:a |the |his |her |my )?(?:bike|bicycle|skateboard|scooter|swing|trampoline)))",
            r"\b(?:letra|escritura) (?:esta |se ve |le salio |le sale )?(?:rara|distinta|diferente|fea|cambiad[oa]|temblorosa)\b",
            r"\bcambi(?:o|ado) (?:la|su|mi) (?:letra|escritura)\b", r"\bno (?:puede|puedo) escribir\b",
            r"\btemblor(?:es)?\b", r"\b(?:le|me) tiemblan (?:las )?manos\b",
            r"\b(?:empez[oa]|comenz[oa]|empezaron|comenzaron) a tembl(?:ar|arle|arme)(?:le|me)? (?:la|las) manos?\b",
            r"\b(?:le|me) tiembla (?:la|una) mano\b",
            r"\bpierde el equilibrio\b", r"\bperdi(?:o)? el equilibrio\b", r"\bsin equilibrio\b", r"\bse tambalea\b",
            r"\bse (?:cae|cayo|ha caido|callo|sigue cayendo)\b", r"\bme (?:caigo|cai|he caido)\b", r"\bno (?:puede|puedo) caminar (?:bien|derecho)\b",
        ),
    ),
    UrgentSign(
        "stroke_signs", CAR_T_EMERGENCY,
        "One side of the face drooping, or sudden weakness on one side",
        "Un lado de la cara caído, o debilidad repentina de un lado",
        (
            r"\b(?:face|mouth|smile|eye|eyelid) (?:is |looks )?(?:droop\w*|crooked|uneven|lopsided|sagging)\b", r"\bdroop(?:s|ed|ing|y)\b",
            r"\b(?:weak|numb|can'?t move) (?:on )?(?:one|the left|the right) side\b", r"\bone side of (?:his|her|my|the) (?:face|body)\b",
            r"\bse le cayo (?:un lado de )?la cara\b", r"\bcara (?:caida|torcida|chueca)\b", r"\bun lado de la cara\b",
            r"\bboca (?:torcida|chueca|caida)\b", r"\bno (?:puede|puedo) mover (?:el|la|un|su) (?:brazo|pierna|lado)\b",
        ),
    ),
    UrgentSign(
        "bleeding", CAR_T_EMERGENCY,
        "Bleeding that does not stop, or blood in vomit, urine or stool",
        "Sangrado que no para, o sangre en el vómito, la orina o las heces",
        (
            r"\b(?:vomit\w*|throw\w* up|threw up|cough\w*(?: up)?|spit\w*(?: up)?) blood\b", r"\bblood in (?:his|her|my|the|their) (?:stool|urine|vomit|poop|pee|spit)\b",
            r"\bbleeding (?:that |and it )?(?:won'?t|will not|doesn'?t|does not) stop\b", r"\b(?:bloody|black|tarry) (?:stool|poop|vomit|urine|diarrhea)\b",
            r"\bnosebleed (?:that |and it )?(?:won'?t|will not|doesn'?t) stop\b",
            r"\b(?:vomita\w*|tose\w*|escupe\w*) sangre\b", r"\bsangre en (?:la|el|las|los) (?:orina|heces|popo|vomito|excremento)\b",
            r"\bsangrado que no (?:para|se detiene)\b", r"\bno (?:le |me )?para de sangrar\b",
        ),
    ),
    UrgentSign(
        "low_blood_pressure", CAR_T_EMERGENCY,
        "Very low blood pressure, or not passing urine",
        "Presión muy baja, o no orinar",
        (
            r"\b(?:blood pressure|bp|presion|pressure)\b(?:\s+\S+){0,4}?\s+(?:[4-8]\d\s?/\s?\d{2}|very low|so low|really low|dropping|dropped|crashing|muy baja|bajisima|bajando|por los suelos)\b",
            r"\b(?:hasn'?t|has not|haven'?t|have not|didn'?t|did not|can'?t|cannot) (?:peed|pee|urinated|urinate|passed urine)\b",
            r"\bnot (?:peeing|urinating)\b", r"\bno (?:ha|he|han) (?:orinado|hecho pipi)\b", r"\bno (?:orina|puede orinar)\b",
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
        ),
    ),
    UrgentSign(
        "severe_dizziness", CAR_T_EMERGENCY,
        "Dizziness so bad you cannot stand",
        "Mareo tan fuerte que no puede ponerse de pie",
        (
            r"\b(?:so|too|very|really|extremely|super|badly) dizzy\b", r"\bdizzy\b.*\b(?:can ?not|cant|can't|couldn'?t|unable to) (?:stand|walk|get up)\b",
            r"\b(?:can ?not|cant|can't|couldn'?t|unable to) (?:stand|get up)\b.*\bdizz", r"\b(?:room|everything|world) (?:is |keeps )?spin(?:s|ning)\b",
            r"\b(?:can ?not|cant|can't|couldn'?t|unable to) (?:stand|get) up\b", r"\bno (?:me |se )?(?:puede|puedo) (?:poner|mantener) de pie\b",
            r"\blight ?headed\b",
            r"\b(?:tan|muy|bien|demasiado) maread[oa]\b", r"\bmarea(?:d[oa]|os?)\b.*\bno (?:me |se )?(?:puede|puedo|podia) (?:parar|levantar|mantener|caminar)",
            r"\bno (?:me |se )?(?:puede|puedo) (?:parar|poner de pie|mantener en pie|levantar)\b.*\bmare", r"\btodo (?:me |le )?da vueltas\b",
        ),
    ),
]

_SIGNS_BY_CODE = {sign.code: sign for sign in URGENT_SIGNS}
_COMPILED = [(sign, [re.compile(p) for p in sign.patterns]) for sign in URGENT_SIGNS]
_CRISIS_COMPILED = [(sign, patterns) for sign, patterns in _COMPILED if sign.category == CRISIS]
# All sign patterns as one alternation: it matches a clause exactly when one of them
# does, so most clauses (no sign at all) cost one search instead of one per pattern.
_ANY_SIGN = re.compile("|".join(f"(?:{p})" for sign in URGENT_SIGNS for p in sign.patterns))

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
    """.split()
)
_PROTECTED = frozenset(
    """
    never fewer lever fiber fibre sever seven clever cheat chess chiles chilly chili chile chilis
    breadth bread breast breasts treated create speaker speakers sneaking stalking walking
    fevered pecha pecho techo pechos habla hablan hablas hablara hablaba respiro
    suicidas temperatures convert concert conversion confuse refused confined
    balanced balances ballast tumor tumors trauma mareas marea dizzied
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
    """Lower-case, strip accents, unify apostrophes/degree signs, repair keyword typos."""
    text = strip_accents((text or "").lower())
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = re.sub(r"\bwanna\b", "want to", re.sub(r"\bgonna\b", "going to", text))
    text = text.replace("º", "°").replace("car-t", "car t").replace("cart-t", "car t")
    text = re.sub(r"(\d)\s*°\s*([cf])\b", r"\1 °\2", text)
    # Spell the contractions the patterns rely on with an apostrophe.
    text = re.sub(r"\b(can|don|doesn|didn|won|isn|wasn|couldn)t\b", r"\1't", text)
    words = re.split(r"(\s+|[^\w'°.,]+)", text)
    return "".join(_repair(w) if w and w.isalpha() else (w or "") for w in words)


# --- context: clauses, negation, time, general questions --------------------

_CLAUSE_SPLIT = re.compile(
    r"(?:[.!?;:\n]+(?:\s|$)|[?!¿¡;\n]|,\s*|\s+(?:but|and|y|e|pero|aunque|although|though|however|sino|because|porque|then|now|ahora)\s+)"
)
_NEGATION_BEFORE = re.compile(
    r"(?:\b(?:no|not|never|without|denies|denied|nor|sin|nunca|ni|ningun|ninguna|tampoco|free of|absence of)\b"
    r"|\b(?:don't|doesn't|didn't|hasn't|haven't|hadn't|isn't|aren't|wasn't|weren't) (?:\w+ ){0,2}"
    r"|\bno (?:longer|more|signs? of|sign)\b|\bya no\b)"
    r"(?:\s+\S+){0,3}\s*$"
)
_RESOLVED_AFTER = re.compile(
    r"^\W*(?:\w+\W+){0,6}?(?:back to normal|went away|has gone|is gone|was gone|gone now|resolved|is over|was over|broke|"
    r"came down|has come down|went down|has gone down|subsided|cleared up|stopped|is better|"
    r"se (?:fue|le fue|me fue|quito|le quito|me quito|paso|le paso|me paso)|ya (?:paso|se fue|no)|desaparecio|"
    r"(?:le |me |ya )?bajo|se (?:le |me )?bajo|termino|se resolvio)\b"
)
_PAST_CUES = re.compile(
    r"\b(?:last (?:week|month|year|spring|summer|fall|autumn|winter)|(?:weeks|months|years) ago|a (?:week|month|year) ago|"
    r"(?:\d+|two|three|four|five|six|several|few) (?:weeks|months|years) ago|back in|years back|as a child|in the past|"
    r"previously|used to|had (?:one|it) before|once (?:during|before|after|when|while|at|in)|"
    r"in (?:january|february|march|april|may|june|july|august|september|october|november|december)|"
    r"en (?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)|"
    r"(?:la )?semana pasada|mes pasado|ano pasado|"
    r"hace (?:\w+ )?(?:semanas?|mes|meses|anos?)|de nino|de nina|en el pasado|antes del tratamiento|"
    r"before (?:the |his |her |my )?(?:treatment|infusion|car t))\b"
)
_HYPOTHETICAL = re.compile(
    # "who do I call for a fever": where to turn, asked in general
    r"\b(?:who|where|what number|which number|when) (?:do|should|can|would) (?:i|we|you) (?:call|phone|contact|go|ring)\b"
    r"(?:\s+\w+){0,3}?\s+(?:for|about|with) (?:a|an|any)\s+|"
    r"\b(?:if|in case|whether|should (?:i|we|he|she|they) (?:get|develop|have)|what happens when|"
    r"si|en caso de|por si|cuando (?:alguien|uno|una persona|el paciente|la paciente)|"
    r"when (?:someone|you|a patient|patients|people))\b"
)
_GENERAL_Q_START = re.compile(
    # "can't breathe" opens a statement, not a question.
    r"^\W*(?:what|which|how|when|why|where|who|is|are|can(?!'t| not)|could(?!n't| not)|does|do|will|should|would|may|might|"
    r"que|cual|cuales|como|cuando|por que|donde|quien|es|son|puede|pueden|hay|se puede|debe|deben)\b"
)
_DEFINITIONAL = re.compile(
    r"\b(?:counts? as|considered|is considered|mean[st]?|definition|defined|what temperature|how high|"
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
    r"termometro|grados?)\b|°"
)
_TEMP_VALUE = re.compile(
    r"(?<![\d.,])(\d{2,3}(?:[.,]\d{1,2})?)\s*(°\s*[cf]?|degrees?|deg|grados?)?\s*(c|f|celsius|centigrados?|fahrenheit)?\b"
)


# A message about the treatment ("got my cells 5 days ago, now 38.5"): a reading
# with decimals (or a unit) counts as a temperature even without the word.
_TREATMENT_CONTEXT = re.compile(
    r"\b(?:car ?t|cells|infusion|infused|celulas|infusion|tratamiento|treatment|kymriah|yescarta|tecartus|"
    r"breyanzi|abecma|carvykti|aucatzyl)\b"
)


def _temperature_readings(clause: str, message_context: bool = False) -> list[float]:
    """Temperatures in °C found in a clause that talks about temperature.

    With ``message_context`` (the message is about the treatment), a value with
    decimals or a unit counts even when the clause has no temperature word.
    """
    loose = False
    if not _TEMP_CONTEXT.search(clause):
        if not message_context:
            return []
        loose = True
    readings = []
    for match in _TEMP_VALUE.finditer(clause):
        if loose and not (re.search(r"[.,]\d", match.group(1)) or match.group(2) or match.group(3)):
            continue
        value = float(match.group(1).replace(",", "."))
        unit = (match.group(3) or match.group(2) or "").replace("°", "").strip()
        if unit.startswith("f") or (not unit.startswith("c") and 93 <= value <= 110):
            if 93 <= value <= 110:
                readings.append((value - 32) * 5 / 9)
        elif 34 <= value <= 43:
            readings.append(value)
    return readings


def _clauses(text: str) -> list[tuple[str, bool]]:
    """Split into clauses; each carries whether its sentence is a question."""
    out: list[tuple[str, bool]] = []
    for sentence in re.split(r"(?<=[.!?\n])\s+|(?=¿)", text):
        if not sentence.strip():
            continue
        is_question = "?" in sentence or "¿" in sentence
        for clause in _CLAUSE_SPLIT.split(sentence):
            if clause and clause.strip():
                out.append((clause.strip(), is_question))
    return out


def _is_general(clause: str, sentence_is_question: bool, start: int) -> bool:
    before = clause[:start]
    if _HYPOTHETICAL.search(before):
        return True
    if _DEFINITIONAL.search(clause):
        return True
    if sentence_is_question or _GENERAL_Q_START.search(clause):
        return not _PERSONAL.search(clause)
    return False


# A time phrase attached to the treatment dates the treatment, not the symptom:
# "a fever of 39 after my infusion last week" is a fever now.
_TREATMENT_TIME = re.compile(
    r"\b(?:infusion|infused|car[ -]?t(?: cells?| therapy| treatment)?|treatment|therapy|transplant|"
    r"cells|chemo(?:therapy)?|infusion|tratamiento|terapia|celulas|quimio(?:terapia)?|trasplante)"
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


def _sign_current(clause: str, is_question: bool, match: re.Match) -> bool:
    before, after = clause[: match.start()], clause[match.end():]
    if _NEGATION_BEFORE.search(before):
        return False
    if _RESOLVED_AFTER.search(after):
        return False
    if _past_applies_to_sign(clause) and not _PRESENT_NOW.search(before):
        return False
    return not _is_general(clause, is_question, match.start())


# A sign that belongs to an animal is not a person's emergency ("my dog has a fever").
_ANIMAL = re.compile(
    r"\b(?:dog|dogs|puppy|cat|cats|kitten|pet|pets|horse|bird|parrot|rabbit|hamster|cow|goat|"
    r"perro|perra|perrito|perrita|gato|gata|gatito|mascota|caballo|pajaro|loro|conejo)\b"
)
# A story, not a person's emergency ("on the TV show the patient had a seizure").
_FICTION = re.compile(
    r"\b(?:tv|show|movie|film|series|episode|novel|book|character|song|lyrics|poem|serie|novela|telenovela|pelicula|"
    r"personaje|capitulo|cancion|poema)\b"
)
_RELATIVE = re.compile(
    r"\b(?:i|i'm|im|me|my|we|our|husband|wife|son|daughter|mom|mum|mother|dad|father|partner|brother|sister|"
    r"yo|mi|mis|esposo|esposa|marido|hijo|hija|mama|papa|madre|padre|hermano|hermana)\b"
)
# A sign told in the past tense, and a later clause saying it was treated or is over.
_PAST_TENSE_BEFORE = re.compile(r"\b(?:had|was|were|got|tuvo|tuve|tenia|estuvo|estuve|le dio|me dio)\b")
_RESOLVED_LATER = re.compile(
    r"\b(?:back to normal|normal (?:again|now)|(?:has been|been|is|was) fine since|fully recovered|recovered|se recupero|"
    r"ya se (?:curo|recupero)|(?:lleva|llevo) (?:un|una|\w+) (?:mes|semana|semanas|meses) normal|ya (?:lo|la) revisaron|"
    r"was treated|were treated|got treated|treated and|resolved|went away|(?:is|was|it's|its) gone|"
    r"(?:is|was|it's|its|he's|she's|i'm|im) (?:fine|ok|okay|better) now|got better|is over|"
    r"se (?:le |me )?(?:quito|paso|resolvio|fue)|(?:se lo|se la|lo|la) trataron|ya (?:esta|estoy|paso)|desaparecio)\b"
)


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
# A message is urgent for the second detector when its nearest urgent exemplar
# is at least SIMILARITY_FLOOR close and closer, by SIMILARITY_MARGIN, than its
# nearest not-urgent exemplar (cosines of the multilingual sentence encoder).
# Chosen for recall on the exemplars (leave-one-out) and on the calibration part
# of the development set; see docs/notes/issue-12.md.
SIMILARITY_FLOOR = 0.42
SIMILARITY_MARGIN = 0.0
# Crisis first: a lower floor for the crisis exemplars.
CRISIS_FLOOR = 0.40
# The crisis category is taken when the nearest crisis exemplar is at most this
# much further than the nearest urgent exemplar of any kind.
CRISIS_TOLERANCE = 0.03


class SimilarityDetector:
    """Nearest reviewed exemplars, per sign, on the answer service's sentence encoder."""

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
        if self._vectors is None:
            with self._lock:
                if self._vectors is None:
                    import numpy as np

                    texts = [t for _, t in self.urgent] + self.not_urgent
                    vecs = self.embedder.encode(texts)
                    n = len(self.urgent)
                    self._vectors = (np.ascontiguousarray(vecs[:n]), np.ascontiguousarray(vecs[n:]))
        return self._vectors

    def encode(self, text: str):
        with self._lock:
            return self.embedder.encode_one(text)

    def scores(self, vector) -> dict:
        """Nearest urgent exemplar (sign, cosine), nearest crisis exemplar, nearest not-urgent cosine."""
        urgent, calm = self._matrices()
        sims = urgent @ vector
        best = int(sims.argmax())
        crisis_rows = [i for i, (code, _) in enumerate(self.urgent) if _SIGNS_BY_CODE[code].category == CRISIS]
        crisis_best = max(crisis_rows, key=lambda i: sims[i]) if crisis_rows else None
        other_rows = [i for i in range(len(self.urgent)) if i not in set(crisis_rows)]
        return {
            "emergency": float(max(sims[i] for i in other_rows)) if other_rows else 0.0,
            "emergency_sign": self.urgent[max(other_rows, key=lambda i: sims[i])][0] if other_rows else None,
            "sign": self.urgent[best][0],
            "urgent": float(sims[best]),
            "crisis_sign": self.urgent[crisis_best][0] if crisis_best is not None else None,
            "crisis": float(sims[crisis_best]) if crisis_best is not None else 0.0,
            "not_urgent": float((calm @ vector).max()) if len(calm) else 0.0,
        }

    def signs(self, text: str, vector=None, *, emergency_found: bool = False) -> list[str]:
        """Sign codes this detector finds (the crisis sign first), or [].

        With ``emergency_found`` (the rules already found a CAR T emergency
        sign) this detector adds nothing: sentence similarity is swayed by who
        the message is about ("my wife ..."), and the crisis rules carry the
        crisis words; the message is urgent either way.
        """
        if emergency_found:
            return []
        if _story(text):
            return []
        if vector is None:
            vector = self.encode(text)
        s = self.scores(vector)
        found: list[str] = []
        if (s["crisis_sign"] and s["crisis"] >= CRISIS_FLOOR and s["crisis"] >= s["urgent"] - CRISIS_TOLERANCE
                and s["crisis"] - s["not_urgent"] >= SIMILARITY_MARGIN):
            found.append(s["crisis_sign"])
            if s["emergency"] >= SIMILARITY_FLOOR and s["emergency_sign"] and not _general_or_animal(text):
                # Near an emergency exemplar too: both messages are shown.
                found.append(s["emergency_sign"])
        if (s["urgent"] >= SIMILARITY_FLOOR and s["urgent"] - s["not_urgent"] >= SIMILARITY_MARGIN
                and s["sign"] not in found):
            if _SIGNS_BY_CODE[s["sign"]].category == CRISIS:
                found.append(s["sign"])
            elif not _general_or_animal(text) and not (s["sign"] == "fever" and _below_fever(text)):
                found.append(s["sign"])
        return found


def _story(text: str) -> bool:
    """A show, a book or a song, with nobody close in it."""
    normalized = normalize(text)
    return bool(_FICTION.search(normalized)) and not _RELATIVE.search(normalized)


def _below_fever(text: str) -> bool:
    """The message gives a temperature and every reading is below 38 °C / 100.4 °F."""
    readings = [r for clause, _ in _clauses(normalize(text)) for r in _temperature_readings(clause, True)]
    return bool(readings) and max(readings) < 38.0


def _general_or_animal(text: str) -> bool:
    """A general question with nobody's symptom in it, a message about an animal or a story,
    or an event told in the past that is over."""
    normalized = normalize(text)
    if _ANIMAL.search(normalized) and not _HUMAN_SUBJECT.search(normalized):
        return True
    if _FICTION.search(normalized) and not _RELATIVE.search(normalized):
        return True
    if _PAST_TENSE_BEFORE.search(normalized) and _RESOLVED_LATER.search(normalized):
        return True  # told in the past and over: "she had ICANS in the spring and recovered fully"
    is_question = "?" in normalized or "¿" in normalized
    return _is_general(normalized, is_question, 0)


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


def assess(text: str, lang: str | None = None, *, vector=None, second_net: bool = True) -> TriageResult:
    """Decide whether ``text`` describes an emergency now. Fixed messages only; nothing generated.

    Two detectors: the rules (``rule_signs``) and the similarity to reviewed
    exemplars (``SimilarityDetector``, on ``vector`` when the caller has
    already encoded the text). Urgent when either says so; crisis outranks
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
    mentioned = set() if matched else mentioned_signs(text)
    crisis_only = any(_SIGNS_BY_CODE[c].category == CRISIS for c in mentioned)
    if (second_net and (not mentioned or crisis_only)
            and not any(_SIGNS_BY_CODE[c].category == CRISIS for c in matched)):
        extra = [c for c in similarity_detector().signs(text, vector, emergency_found=bool(matched))
                 if c not in matched and (not crisis_only or _SIGNS_BY_CODE[c].category == CRISIS)]
        if extra:
            matched += extra
            detectors.append("similarity")
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


def rule_signs(text: str) -> list[str]:
    """The codes of the urgent signs the rules find current in ``text`` (first detector)."""
    normalized = normalize(text)
    if _FICTION.search(normalized) and not _RELATIVE.search(normalized):
        return []
    clauses = _clauses(normalized)
    treatment_context = bool(_TREATMENT_CONTEXT.search(normalized))
    matched: list[str] = []
    # "our cat is very sleepy and won't wake up": the later clause is still the cat's.
    animal_only = bool(_ANIMAL.search(normalized)) and not _HUMAN_SUBJECT.search(normalized)
    for n, (clause, is_question) in enumerate(clauses):
        if animal_only or _ANIMAL.search(clause):
            continue
        later = " ".join(c for c, _ in clauses[n + 1:])
        for sign, patterns in _COMPILED if _ANY_SIGN.search(clause) else ():
            if sign.code in matched:
                continue
            for pattern in patterns:
                match = pattern.search(clause)
                if match and _sign_current(clause, is_question, match):
                    told_past = _PAST_TENSE_BEFORE.search(clause[: match.start()]) or match.group(0).endswith("ed")
                    if told_past and _RESOLVED_LATER.search(later):
                        continue  # "he had a fever ... it was treated and resolved"
                    if sign.code == "fever":
                        readings = _temperature_readings(clause)
                        if readings and max(readings) < 38.0:
                            continue
                    matched.append(sign.code)
                    break
        if "fever" not in matched:
            readings = _temperature_readings(clause, treatment_context)
            if readings and max(readings) >= 38.0:
                fake = re.search(r"\d", clause)
                if fake and _sign_current(clause, is_question, fake):
                    matched.append("fever")
    # Crisis wording may run across the clause breaks ("go to sleep and never wake up"):
    # those patterns are also read over the whole message, negation aside.
    for sign, patterns in _CRISIS_COMPILED:
        if sign.code in matched:
            continue
        for pattern in patterns:
            match = pattern.search(normalized)
            if match and not _NEGATION_BEFORE.search(normalized[: match.start()]):
                matched.append(sign.code)
                break
    return matched


def mentioned_signs(text: str) -> set[str]:
    """Codes of the signs whose words appear in ``text``, current or not."""
    normalized = normalize(text)
    if not _ANY_SIGN.search(normalized):
        return set()
    return {sign.code for sign, patterns in _COMPILED if any(p.search(normalized) for p in patterns)}


def signs_for_card(lang: str) -> list[dict]:
    """Labels for a printable warning-signs card, in order."""
    return [
        {"code": s.code, "category": s.category, "label": s.label(lang)} for s in URGENT_SIGNS
    ]
