"""Masking personal data in free text (transcripts, notes, exports, reports).

``scrub(text)`` replaces personal data with a bracketed tag, keeping the rest of
the sentence readable for supervisors and reports:

=============  ==========================================================
``[email]``    e-mail addresses
``[card]``     payment card numbers (13-19 digits that pass the Luhn check)
``[id]``       US SSN/ITIN, Medicare MBI, Spanish DNI/NIE, Mexican CURP, and
               any number that follows an ID word (SSN, MRN, passport,
               pasaporte, cédula, expediente, member ID, póliza ...)
``[dob]``      a date after a birth word (born, DOB, date of birth, nací,
               fecha de nacimiento, cumpleaños ...), and full dates whose year
               is at least 18 years ago (almost always a birth date in a chat)
``[phone]``    US/Canada, Spain, Mexico and other international numbers
``[address]``  street addresses (English and Spanish forms) and PO boxes
``[name]``     a capitalised name after an introduction ("my name is", "I'm",
               "call me", "my husband", "me llamo", "mi nombre es", "soy",
               "mi esposa", "se llama" ...) or a title (Mr., Mrs., Ms., Sr.,
               Sra., Don, Doña ...)
=============  ==========================================================

Names are found by pattern, not by a list, in English and Spanish. What this
misses: a name with no introduction or title ("Ana here", "thanks, Tom"), a
name typed in lower case ("me llamo ana"), a surname alone, and names after
other phrasings. What it may over-mask: a capitalised word after "I'm" or
"soy" ("I'm Catholic"); the tag keeps the sentence readable either way.

It is deliberately conservative about medical numbers: temperatures (38 °C,
100.4 °F), doses, counts, "day 14", "2 weeks", "grade 3", "CD19" and recent
treatment dates stay as they are. The stored original is never changed by this
module; callers show or export the scrubbed copy.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

__all__ = ["scrub", "luhn_valid", "TAGS"]

TAGS = ("[email]", "[card]", "[id]", "[dob]", "[phone]", "[address]", "[name]")

_I = re.IGNORECASE

# --- e-mail ---------------------------------------------------------------
_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9._%+-]+(?:@|\s*\[at\]\s*|\s+arroba\s+)"
    r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b",
    _I,
)

# --- cards (Luhn) ---------------------------------------------------------
_CARD = re.compile(r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])")


def luhn_valid(digits: str) -> bool:
    digits = re.sub(r"\D", "", digits)
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


# --- identity numbers -----------------------------------------------------
_ID_WORDS = (
    r"ssn|itin|social\s+security(?:\s+(?:number|no\.?|#))?|seguro\s+social|"
    r"n[uú]mero\s+de\s+seguro\s+social|nss|"
    r"mrn|medical\s+record(?:\s+(?:number|no\.?|#))?|patient\s+id|"
    r"expediente(?:\s+m[eé]dico)?|historia\s+cl[ií]nica|"
    r"member\s+id|policy(?:\s+(?:number|no\.?|#))?|p[oó]liza|"
    r"insurance\s+id|medicare(?:\s+(?:number|id|card))?|medicaid(?:\s+(?:number|id))?|"
    r"passport(?:\s+(?:number|no\.?))?|pasaporte|"
    r"driver'?s?\s+licen[cs]e(?:\s+(?:number|no\.?))?|licencia(?:\s+de\s+conducir)?|"
    r"dni|nie|nif|curp|rfc|c[eé]dula|ine|id(?:\s+(?:number|no\.?|#))?|identificaci[oó]n"
)
_ID_AFTER_WORD = re.compile(
    rf"\b(?P<word>{_ID_WORDS})\b(?P<sep>\s*(?:is|es|was|era|:|#|no\.?|n[º°o]\.?|number|n[uú]mero)?"
    r"\s*[:#]?\s*)(?P<value>[A-Z0-9][A-Z0-9 .-]{2,24}[A-Z0-9])",
    _I,
)
_SSN = re.compile(r"(?<![\w-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\w-])")
_MBI = re.compile(
    r"(?<![\w-])[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d-?[AC-HJKMNP-RT-Y]"
    r"[AC-HJKMNP-RT-Y0-9]\d-?[AC-HJKMNP-RT-Y]{2}\d{2}(?![\w-])"
)
_DNI = re.compile(r"(?<![\w-])\d{8}-?[A-HJ-NP-TV-Z](?![\w-])")
_NIE = re.compile(r"(?<![\w-])[XYZ]-?\d{7}-?[A-HJ-NP-TV-Z](?![\w-])")
_CURP = re.compile(r"(?<![\w-])[A-Z][AEIOUX][A-Z]{2}\d{6}[HM][A-Z]{5}[A-Z0-9]\d(?![\w-])")

# --- dates of birth -------------------------------------------------------
_MONTHS_EN = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTHS_ES = (
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|"
    r"noviembre|diciembre|ene|feb|mar|abr|may|jun|jul|ago|sep|sept|oct|nov|dic"
)
_YEAR = r"(?:19|20)\d{2}"
_DATE_FORMS = [
    rf"\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:{_YEAR}|\d{{2}})",  # 03/14/1962, 14-03-62
    rf"{_YEAR}[/.-]\d{{1,2}}[/.-]\d{{1,2}}",  # 1962-03-14
    rf"(?:{_MONTHS_EN})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+{_YEAR}",  # March 14, 1962
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS_EN})\.?,?\s+{_YEAR}",  # 14 March 1962
    rf"\d{{1,2}}\s+de\s+(?:{_MONTHS_ES})\.?\s+(?:de(?:l)?\s+)?{_YEAR}",  # 14 de marzo de 1962
    rf"(?:{_MONTHS_ES})\.?\s+\d{{1,2}},?\s+(?:de(?:l)?\s+)?{_YEAR}",  # marzo 14, 1962
]
_DATE = "(?:" + "|".join(_DATE_FORMS) + ")"
_DOB_WORDS = (
    r"date\s+of\s+birth|d\.?o\.?b\.?|birth\s*date|birthday(?:\s+is)?|"
    r"(?:was\s+|were\s+|i\s+was\s+)?born(?:\s+(?:on|in))?|"
    r"fecha\s+de\s+nacimiento|f\.\s*de\s+nac\.?|nacimiento|"
    r"nac[ií](?:\s+(?:el|en))?|naci[oó](?:\s+(?:el|en))?|nacid[oa](?:\s+(?:el|en))?|"
    r"cumplea[nñ]os(?:\s+es)?"
)
_DOB_AFTER_WORD = re.compile(
    rf"\b(?P<word>{_DOB_WORDS})(?P<sep>\s*(?:is|es|:|-)?\s*(?:the\s+|el\s+)?)"
    rf"(?P<value>{_DATE}|(?:(?:{_MONTHS_EN}|{_MONTHS_ES})\.?\s+(?:de\s+)?)?{_YEAR})(?!\d)",
    _I,
)
_BARE_DATE = re.compile(rf"(?<![\w/.-]){_DATE}(?![\w/-])", _I)
_YEAR_IN = re.compile(rf"{_YEAR}|(?<=[/.-])\d{{2}}$")

# --- phone numbers --------------------------------------------------------
_PHONE_PATTERNS = [
    # +34 612 345 678, +52 55 1234 5678, +44 20 7946 0958: country code then 6-12 digits.
    re.compile(r"(?<![\w+])\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}(?![\w])"),
    # (555) 123-4567, 555-123-4567, 1-800-555-0199, 555.123.4567, 5551234567
    # (also with slashes: 555/123/4567; dates are masked or kept before phones run)
    re.compile(
        r"(?<![\w/-])(?:1[\s./-]?)?(?:\(\d{3}\)\s?|\d{3}[\s./-]?)\d{3}[\s./-]?\d{4}(?![\w/-])"
    ),
    # Spain: 612 345 678, 612 34 56 78, 91 123 45 67, 612/345/678
    re.compile(r"(?<![\w/-])[6789]\d{2}(?:[\s./]\d{3}[\s./]\d{3}|[\s./]\d{2}[\s./]\d{2}[\s./]\d{2})(?![\w/-])"),
    re.compile(r"(?<![\w/-])9\d[\s./]\d{3}[\s./]\d{2}[\s./]\d{2}(?![\w/-])"),
    # Mexico: 55 1234 5678, 55/1234/5678
    re.compile(r"(?<![\w/-])\d{2}[\s./-]\d{4}[\s./-]\d{4}(?![\w/-])"),
    # 7-digit local: 555-0199
    re.compile(r"(?<![\w.,/-])\d{3}-\d{4}(?![\w-])"),
]

# --- street addresses -----------------------------------------------------
_UNIT = (
    r"(?:,?\s+(?:apt\.?|apartment|unit|suite|ste\.?|#|fl\.?|floor|piso|depto\.?|"
    r"departamento|puerta|pta\.?|int\.?|interior)\s*[A-Z0-9-]{1,6})?"
)
_STREET_LONG = (
    r"street|avenue|road|boulevard|lane|drive|court|place|terrace|circle|highway|parkway|"
    r"square|trail|way|alley|crescent"
)
_STREET_ABBR = r"st|ave|rd|blvd|ln|dr|ct|pl|ter|cir|hwy|pkwy|sq|trl"
_ADDRESS_PATTERNS = [
    # 1234 Elm Street, 12 n. oak avenue, apt 4
    re.compile(
        rf"(?<![\w.-])\d{{1,6}}[A-Z]?\s+(?:[NSEW]\.?\s+)?(?:[A-Za-zÀ-ÿ0-9'.-]+\s+){{1,4}}"
        rf"(?:{_STREET_LONG})\b{_UNIT}",
        _I,
    ),
    # 1234 Elm St. (abbreviations: street name must be capitalised)
    re.compile(
        rf"(?<![\w.-])\d{{1,6}}[A-Z]?\s+(?:[NSEW]\.?\s+)?(?:(?:[A-Z][A-Za-zÀ-ÿ'-]*|\d+(?:st|nd|rd|th))\s+){{1,4}}"
        rf"(?:{_STREET_ABBR.upper()}|{'|'.join(w.capitalize() for w in _STREET_ABBR.split('|'))})\b\.?{_UNIT}"
    ),
    # 45 maple st, 12 oak ave apt 3: lower case, only abbreviations that are not
    # also medical shorthand ("ct" scan, "dr", "ln" lymph node stay)
    re.compile(
        r"(?<![\w.-])\d{1,6}[a-z]?\s+(?:[nsew]\.?\s+)?(?:[a-zà-ÿ][a-zà-ÿ'-]*\s+){1,3}"
        r"(?:st|ave|rd|blvd|hwy|pkwy)\b\.?" + _UNIT,
        _I,
    ),
    # Calle Mayor 12, C/ Alcalá, 45, Avenida de la Constitución nº 3, 2º B
    re.compile(
        r"\b(?:calle|c/|avenida|avda\.?|av\.?|paseo|pº|plaza|pza\.?|carrera|cra\.?|camino|"
        r"carretera|ctra\.?|ronda|traves[ií]a|callej[oó]n|calzada|privada|cerrada|bulevar)"
        r"\s*(?:[A-Za-zÀ-ÿ'.-]+,?\s+){1,5}?,?\s*(?:n[º°o]\.?\s*|#\s*|n[uú]mero\s+)?\d{1,5}[A-Z]?"
        r"(?:,?\s*\d{1,2}\s*[º°ª]?\s*[A-Z]?\b)?" + _UNIT,
        _I,
    ),
    re.compile(r"\b(?:p\.?\s?o\.?\s+box|apartado(?:\s+de\s+correos)?|apdo\.?)\s*#?\s*\d{1,7}\b", _I),
]


# --- names ----------------------------------------------------------------
_NAME_WORD = r"[A-ZÁÉÍÓÚÑÜ][a-záéíóúñü'’-]+"
_NAME = rf"(?P<name>{_NAME_WORD}(?:\s+(?:de\s+(?:la\s+)?|del\s+)?{_NAME_WORD}){{0,2}})"
_RELATIVES_EN = (r"wife|husband|partner|son|daughter|mother|mom|mum|father|dad|sister|brother|"
                 r"friend|boyfriend|girlfriend|aunt|uncle|grandmother|grandfather|grandma|grandpa")
_RELATIVES_ES = (r"esposo|esposa|marido|mujer|pareja|novio|novia|hijo|hija|madre|mam[aá]|padre|"
                 r"pap[aá]|hermano|hermana|amigo|amiga|t[ií]o|t[ií]a|abuelo|abuela")
_NAME_AFTER_INTRO = re.compile(
    r"(?P<intro>\b(?i:my\s+name\s+is|my\s+name's|name:|i\s+am|i'm|i’m|this\s+is|call\s+me|"
    rf"my\s+(?:{_RELATIVES_EN})(?:'s\s+name\s+is|\s+is\s+called|\s+is)?|"
    r"me\s+llamo|mi\s+nombre\s+es|soy|ll[aá]mame|se\s+llama|"
    rf"mi\s+(?:{_RELATIVES_ES})(?:\s+se\s+llama|\s+es)?)\s+)" + _NAME
)
_NAME_AFTER_TITLE = re.compile(
    # (not Dr./Dra.: the care team's names are context, not the visitor's data)
    r"(?P<intro>\b(?:Mr|Mrs|Ms|Miss|Mx|Sr|Sra|Srta)\.?\s+|\b(?:Don|Doña|Señor|Señora|Señorita)\s+)"
    + _NAME
)
# Capitalised words after an introduction that are not names.
_NOT_NAMES = {
    "a", "an", "the", "not", "so", "very", "just", "here", "from", "in", "on", "at", "with",
    "worried", "scared", "afraid", "sorry", "fine", "ok", "okay", "sick", "tired", "calling",
    "writing", "asking", "looking", "going", "trying", "caring", "caregiver", "patient",
    "el", "la", "los", "las", "un", "una", "de", "del", "muy", "paciente", "cuidador",
    "cuidadora", "madre", "padre", "hijo", "hija", "yo", "english", "spanish", "español",
    "car", "cart", "car-t",
}


def _name(match: re.Match) -> str:
    name = match.group("name")
    if name.split()[0].casefold() in _NOT_NAMES:
        return match.group(0)
    return f"{match.group('intro')}[name]"


def _keep_word(tag: str) -> Callable[[re.Match], str]:
    def replace(match: re.Match) -> str:
        value = match.group("value")
        if sum(ch.isdigit() for ch in value) < 4 and tag == "[id]":
            return match.group(0)
        # Leave trailing words of a free-form value alone ("SSN is 123-45-6789 and").
        return f"{match.group('word')}{match.group('sep')}{tag}"

    return replace


def _id_value_ok(match: re.Match) -> str:
    value = match.group("value")
    # A value is an identifier only if it is mostly digits (passports have letters).
    parts = re.split(r"(\s+)", value)
    kept = ""
    for index in range(0, len(parts), 2):
        if not any(ch.isdigit() for ch in parts[index]):
            break
        kept += (parts[index - 1] if index else "") + parts[index]
    token = kept.rstrip(" .-")
    if sum(ch.isdigit() for ch in token) < 4:
        return match.group(0)
    rest = value[len(token):]
    return f"{match.group('word')}{match.group('sep')}[id]{rest}"


def _bare_date(match: re.Match) -> str:
    value = match.group(0)
    year_match = re.search(rf"{_YEAR}", value)
    if year_match:
        year = int(year_match.group(0))
    else:
        two = int(re.search(r"(\d{2})$", value).group(1))
        year = 1900 + two if two > datetime.date.today().year % 100 else 2000 + two
    if year <= datetime.date.today().year - 18:
        return "[dob]"
    return value


def _card(match: re.Match) -> str:
    return "[card]" if luhn_valid(match.group(0)) else match.group(0)


def _own_numbers() -> set[str]:
    """The helpline's own numbers are not personal data."""
    try:
        from django.conf import settings

        numbers = settings.HELPLINE
        values = [numbers.get("PHONE", ""), numbers.get("EMERGENCY_NUMBER", ""),
                  numbers.get("CRISIS_NUMBER", "")]
    except Exception:  # noqa: BLE001 - usable without Django settings
        values = []
    return {re.sub(r"\D", "", v) for v in values if v}


def scrub(text: str) -> str:
    """Return ``text`` with personal data replaced by tags such as ``[phone]``."""
    if not text:
        return text or ""
    text = str(text)
    text = _EMAIL.sub("[email]", text)
    text = _CARD.sub(_card, text)
    text = _ID_AFTER_WORD.sub(_id_value_ok, text)
    for pattern in (_SSN, _MBI, _DNI, _NIE, _CURP):
        text = pattern.sub("[id]", text)
    text = _DOB_AFTER_WORD.sub(_keep_word("[dob]"), text)
    text = _BARE_DATE.sub(_bare_date, text)
    own = _own_numbers()

    def phone(match: re.Match) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        if digits in own or (len(digits) == 11 and digits[1:] in own) or len(digits) < 7:
            return match.group(0)
        return "[phone]"

    for pattern in _PHONE_PATTERNS:
        text = pattern.sub(phone, text)
    for pattern in _ADDRESS_PATTERNS:
        text = pattern.sub("[address]", text)
    text = _NAME_AFTER_INTRO.sub(_name, text)
    text = _NAME_AFTER_TITLE.sub(_name, text)
    return text


# --- visitor erasure -------------------------------------------------------
# The public "delete my conversation" page (common.trust_views) knows no feature app:
# the app that owns conversations registers the function that deletes one
# (chat/transcripts.py, imported from ChatConfig.ready).

_visitor_delete = None


def register_visitor_delete(fn) -> None:
    """``fn(token, *, session, request=None) -> bool``: delete the conversation ``token``
    if ``session`` started it."""
    global _visitor_delete
    _visitor_delete = fn


def visitor_delete(token, *, session, request=None) -> bool:
    if _visitor_delete is None:  # fail closed: no owner, no deletion page
        raise LookupError("No app registered the visitor's conversation deletion.")
    return _visitor_delete(token, session=session, request=request)
