"""Dates, times, languages and distances written the same way everywhere, in the
visitor's language (formats in ``helpline/formats``).

    {% load helpline_formats %}
    {{ revision.date_reviewed|long_date }}     Nov. 20, 2026 / 20 de noviembre de 2026
    {{ passage.last_reviewed|long_date }}      the same from an ISO string ("2026-11-20")
    {{ opens_at|day_time }}                    Monday, December 7, 8 a.m. / lunes 7 de diciembre, 08:00
    {{ sent_at|date_time_zone }}               Dec. 7, 2026, 8 a.m. EST (times in e-mails)
    {{ sent_at|time_zone }}                    8 a.m. EST
    {{ resource.languages|language_names }}    English, Spanish / inglés, español
"""

from __future__ import annotations

import datetime

from django import template
from django.utils import formats, timezone, translation
from django.utils.dateformat import format as dateformat
from django.utils.translation import get_language_info

register = template.Library()


def _as_date(value):
    if isinstance(value, str):
        try:
            return (datetime.datetime.fromisoformat(value) if "T" in value
                    else datetime.date.fromisoformat(value))
        except ValueError:
            return None
    return value


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def long_date(value) -> str:
    """The date in words (a date, a datetime or an ISO string); empty for nothing."""
    value = _local(_as_date(value))
    if not value:
        return ""
    return formats.date_format(value, "DATE_FORMAT")


@register.filter
def day_time(value) -> str:
    """Weekday, day and month, and the time (in the helpline's time zone)."""
    value = _local(_as_date(value))
    if not value:
        return ""
    return f'{formats.date_format(value, "MONTH_DAY_FORMAT")}, {formats.time_format(value, "TIME_FORMAT")}'


@register.filter
def date_time_zone(value) -> str:
    """Date and time with the time zone named, for text read away from the site."""
    value = _local(_as_date(value))
    if not value:
        return ""
    text = formats.date_format(value, "DATETIME_FORMAT")
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        text = f"{text} {dateformat(value, 'T')}"
    return text


@register.filter
def time_zone(value) -> str:
    """The time of day with the time zone named ("9:05 a.m. EST" / "09:05 EST")."""
    value = _local(_as_date(value))
    if not isinstance(value, datetime.datetime):
        return ""
    text = formats.time_format(value, "TIME_FORMAT")
    return f"{text} {dateformat(value, 'T')}" if timezone.is_aware(value) else text


@register.filter
def language_names(value) -> str:
    """Language codes ("en,es" or a list) as names in the current language."""
    codes = value.split(",") if isinstance(value, str) else list(value or [])
    spanish = (translation.get_language() or "en").startswith("es")
    names = []
    for code in (c.strip().lower() for c in codes):
        if not code:
            continue
        try:
            name = str(get_language_info(code)["name_translated"])
        except KeyError:
            names.append(code.upper())
            continue
        # Spanish writes language names in lower case ("inglés, español").
        names.append(name.lower() if spanish else name)
    return ", ".join(names)
