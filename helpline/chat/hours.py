"""Opening hours per channel: pure functions of (channel, instant, schedule).

The schedule comes from ``settings.HELPLINE_HOURS`` (merged over ``DEFAULT_HOURS``)::

    HELPLINE_HOURS = {
        "chat": {
            "time_zone": "America/New_York",
            "weekly": {"mon": [["08:00", "23:00"]], ..., "sat": [], "sun": []},
            "holidays": ["2026-12-25", ...],   # ISO dates, closed all day
        },
        "phone": {"always_open": True},
    }

Intervals are local wall-clock times, start inclusive, end exclusive; "24:00" is
the end of the day. Daylight-saving changes are handled by converting each local
opening time to an aware datetime in the channel's zone.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

DAY_KEYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + dt.timedelta(days=offset + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: dt.date) -> dt.date:
    if day.weekday() == 5:
        return day - dt.timedelta(days=1)
    if day.weekday() == 6:
        return day + dt.timedelta(days=1)
    return day


def us_federal_holidays(year: int) -> list[dt.date]:
    """The eleven US federal holidays of ``year`` as observed (weekend -> Fri/Mon)."""
    mon, thu = 0, 3
    return sorted(
        [
            _observed(dt.date(year, 1, 1)),
            _nth_weekday(year, 1, mon, 3),  # Martin Luther King Jr. Day
            _nth_weekday(year, 2, mon, 3),  # Washington's Birthday
            _last_weekday(year, 5, mon),  # Memorial Day
            _observed(dt.date(year, 6, 19)),  # Juneteenth
            _observed(dt.date(year, 7, 4)),
            _nth_weekday(year, 9, mon, 1),  # Labor Day
            _nth_weekday(year, 10, mon, 2),  # Columbus Day
            _observed(dt.date(year, 11, 11)),
            _nth_weekday(year, 11, thu, 4),  # Thanksgiving
            _observed(dt.date(year, 12, 25)),
        ]
    )


def default_holidays(first_year: int = 2024, last_year: int = 2032) -> list[str]:
    return [d.isoformat() for y in range(first_year, last_year + 1) for d in us_federal_holidays(y)]


DEFAULT_HOURS: dict = {
    "chat": {
        "time_zone": "America/New_York",
        "weekly": {
            **{day: [["08:00", "23:00"]] for day in DAY_KEYS[:5]},
            "sat": [],
            "sun": [],
        },
        "holidays": default_holidays(),
    },
    "phone": {"always_open": True, "time_zone": "America/New_York"},
}


def schedule(channel: str) -> dict:
    """The effective schedule of ``channel`` (settings override the defaults)."""
    from django.conf import settings

    configured = getattr(settings, "HELPLINE_HOURS", None) or {}
    merged = {**DEFAULT_HOURS.get(channel, {}), **configured.get(channel, {})}
    if not merged:
        raise ValueError(f"Unknown channel {channel!r}")
    return merged


def _parse_time(value: str) -> dt.timedelta:
    hours, minutes = value.split(":")
    return dt.timedelta(hours=int(hours), minutes=int(minutes))


@lru_cache(maxsize=64)
def _holiday_set(holidays: tuple[str, ...]) -> frozenset[dt.date]:
    return frozenset(dt.date.fromisoformat(h) for h in holidays)


def _local_dt(day: dt.date, offset: dt.timedelta, tz: ZoneInfo) -> dt.datetime:
    naive = dt.datetime.combine(day, dt.time()) + offset
    return naive.replace(tzinfo=tz)


def _intervals_on(sched: dict, day: dt.date, tz: ZoneInfo) -> list[tuple[dt.datetime, dt.datetime]]:
    if day in _holiday_set(tuple(sched.get("holidays", ()))):
        return []
    weekly = sched.get("weekly", {})
    spans = weekly.get(DAY_KEYS[day.weekday()], weekly.get(day.weekday(), [])) or []
    result = []
    for start, end in spans:
        result.append((_local_dt(day, _parse_time(start), tz), _local_dt(day, _parse_time(end), tz)))
    return result


def _require_aware(at: dt.datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("`at` must be a timezone-aware datetime")


def is_open_in(sched: dict, at: dt.datetime) -> bool:
    """Pure core of :func:`is_open` for an explicit schedule dict."""
    _require_aware(at)
    if sched.get("always_open"):
        return True
    tz = ZoneInfo(sched.get("time_zone", "America/New_York"))
    local = at.astimezone(tz)
    # An interval ending after midnight ("24:00") belongs to the previous day.
    for day in (local.date() - dt.timedelta(days=1), local.date()):
        for start, end in _intervals_on(sched, day, tz):
            if start <= at < end:
                return True
    return False


def next_opening_in(sched: dict, at: dt.datetime, horizon_days: int = 400) -> dt.datetime | None:
    """Pure core of :func:`next_opening`: ``at`` itself when open, else the next start."""
    _require_aware(at)
    if sched.get("always_open") or is_open_in(sched, at):
        return at
    tz = ZoneInfo(sched.get("time_zone", "America/New_York"))
    day = at.astimezone(tz).date()
    for i in range(horizon_days):
        for start, _end in _intervals_on(sched, day + dt.timedelta(days=i), tz):
            if start > at:
                return start.astimezone(tz)
    return None


def is_open(channel: str, at: dt.datetime) -> bool:
    """Is ``channel`` ("chat" or "phone") staffed at the aware instant ``at``?"""
    return is_open_in(schedule(channel), at)


def next_opening(channel: str, at: dt.datetime) -> dt.datetime | None:
    """When ``channel`` is next open at or after ``at`` (``at`` if open now); None if never."""
    return next_opening_in(schedule(channel), at)


def chat_is_open(now: dt.datetime | None = None, language: str | None = None) -> bool:
    """Can a visitor chat with a specialist now: the hours allow it *and* someone is on
    duty for ``language`` (default: the active language). What the Ask handoff says."""
    from django.utils import timezone, translation

    from .selectors import on_duty

    now = now or timezone.now()
    if not is_open("chat", now):
        return False
    return on_duty((language or translation.get_language() or "en")[:2], now)
