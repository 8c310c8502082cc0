"""Language detection for the two languages the helpline serves (English, Spanish).

A small, dependency-free detector: function words and Spanish-only characters.
Used for live questions and for evaluation questions that carry no ``lang``.
"""

from __future__ import annotations

import re
import unicodedata

SUPPORTED = ("en", "es")

_ES_WORDS = frozenset(
    """
    el la los las un una unos unas de del al y o que qué en es son por para con sin
    mi mis su sus tu tus me se le les lo nos como cómo cuál cuáles cuando cuándo donde dónde
    porque por qué quien quién hay tengo tiene tienen está están estoy esta este esto eso
    puede puedo pueden muy más mas después despues antes tratamiento cáncer
    fiebre dolor esposo esposa hijo hija madre padre mamá papá también tambien pero ya
    hace cuánto cuanto qué debo hacer sí si síntomas sintomas efectos secundarios
    quiero quiere morir respirar despertar hablar duele ayuda pienso siento necesito
    cuidador cuidadora médico medico enfermera semana días dias
    """.split()
)
_EN_WORDS = frozenset(
    """
    the a an of and or to in is are was were be been what which who whom how when where why
    my his her their our your i he she they we it do does did have has had can could should
    would will with without for from after before about this that these those there not no
    yes treatment side effects symptoms husband wife son daughter mother father mom dad
    want need feel get got any these resources management diagnosis by on at as
    """.split()
)
_WORD_RE = re.compile(r"[a-záéíóúüñ]+", re.IGNORECASE)


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def detect_language(text: str, default: str = "en") -> str:
    """Return "es" or "en" for ``text``; ``default`` when there is no evidence."""
    lowered = (text or "").lower()
    score_es = 0.0
    score_en = 0.0
    if any(ch in lowered for ch in "¿¡ñ"):
        score_es += 2.0
    if any(ch in lowered for ch in "áéíóú"):
        score_es += 1.0
    for word in _WORD_RE.findall(lowered):
        if word in _ES_WORDS:
            score_es += 1.0
        if word in _EN_WORDS:
            score_en += 1.0
        if word.endswith(("ción", "cion", "mente", "ando", "iendo", "arme", "irme", "erme",
                          "arlo", "arla", "erlo", "erla", "irlo", "irla", "arse", "irse")):
            score_es += 0.5
        if word.endswith(("tion", "ing", "ly")) and word not in _ES_WORDS:
            score_en += 0.3
    if score_es == score_en:
        return default
    return "es" if score_es > score_en else "en"


def normalize_lang(value: str | None) -> str | None:
    """"es-MX" -> "es"; unknown or empty -> None."""
    if not value:
        return None
    code = str(value).strip().lower().replace("_", "-").split("-")[0]
    return code if code in SUPPORTED else None
