"""Date arithmetic for the personal timeline: plain functions, no database.

``build_timeline(TimelineInput)`` turns the dates a person knows into a list of
entries, each with a ``Span`` (earliest..latest date) for its start and end.
A span with ``first == last`` is one date; anything else is shown as a range
("between about X and Y"), never as a single guessed date.

``check_dates`` returns the problems with the input (impossible or inconsistent
dates) as messages in the active language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import steps as S

# Treatment centers' time zones offered in the form (US states and territories).
TIME_ZONES: tuple[tuple[str, str], ...] = (
    ("America/New_York", gettext_lazy("Eastern time")),
    ("America/Chicago", gettext_lazy("Central time")),
    ("America/Denver", gettext_lazy("Mountain time")),
    ("America/Phoenix", gettext_lazy("Mountain time (Arizona, no daylight saving)")),
    ("America/Los_Angeles", gettext_lazy("Pacific time")),
    ("America/Anchorage", gettext_lazy("Alaska time")),
    ("Pacific/Honolulu", gettext_lazy("Hawaii time")),
    ("America/Puerto_Rico", gettext_lazy("Atlantic time (Puerto Rico)")),
)
# Periods that start at the infusion and are timed when the infusion time is known.
TIMED_PERIODS = {"monitoring", "stay_near", "no_driving"}
MAX_YEARS_BACK = 5
MAX_DAYS_AHEAD = 366
MAX_COLLECTION_TO_INFUSION_DAYS = 365


def default_time_zone() -> str:
    zone = settings.TIME_ZONE
    return zone if zone in dict(TIME_ZONES) else TIME_ZONES[0][0]


@dataclass(frozen=True)
class TimelineInput:
    leukapheresis: dt.date | None = None
    infusion: dt.date | None = None
    infusion_time: dt.time | None = None
    time_zone: str = "America/New_York"
    product: str = ""

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def product_info(self) -> S.Product:
        return S.PRODUCTS.get(self.product, S.GENERIC_PRODUCT)

    def infusion_datetime(self) -> dt.datetime | None:
        if self.infusion is None or self.infusion_time is None:
            return None
        return dt.datetime.combine(self.infusion, self.infusion_time, tzinfo=self.zone)

    def to_data(self) -> dict:
        """JSON-safe form, for the private saved link and hidden form fields."""
        return {
            "leukapheresis": self.leukapheresis.isoformat() if self.leukapheresis else "",
            "infusion": self.infusion.isoformat() if self.infusion else "",
            "infusion_time": self.infusion_time.strftime("%H:%M") if self.infusion_time else "",
            "time_zone": self.time_zone,
            "product": self.product,
        }


@dataclass(frozen=True)
class Span:
    first: dt.date
    last: dt.date

    @property
    def exact(self) -> bool:
        return self.first == self.last

    def shift(self, lo: int, hi: int, years: int = 0) -> "Span":
        return Span(add_years(self.first + dt.timedelta(days=lo), years),
                    add_years(self.last + dt.timedelta(days=hi), years))


@dataclass
class Entry:
    step: S.Step
    start: Span | None
    end: Span | None
    start_at: dt.datetime | None = None  # timed, in the center's time zone
    end_at: dt.datetime | None = None
    notes: list[str] = field(default_factory=list)
    dated: bool = True  # False when the care team's own label must be checked

    @property
    def key(self) -> str:
        return self.step.key

    @property
    def estimated(self) -> bool:
        spans = [s for s in (self.start, self.end) if s is not None]
        return any(not s.exact for s in spans)


@dataclass
class Timeline:
    input: TimelineInput
    entries: list[Entry]
    collection: Span | None
    infusion: Span | None

    @property
    def has_dates(self) -> bool:
        return self.collection is not None or self.infusion is not None

    def entry(self, key: str) -> Entry | None:
        return next((e for e in self.entries if e.key == key), None)


# --- arithmetic -----------------------------------------------------------

def add_years(day: dt.date, years: int) -> dt.date:
    if not years:
        return day
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year + years, day=28)


def normalize(moment: dt.datetime) -> dt.datetime:
    """The real instant for a wall-clock time, moved forward if the clocks skipped it."""
    zone = moment.tzinfo
    return moment.astimezone(dt.UTC).astimezone(zone)


def local_time_exists(day: dt.date, time: dt.time, zone: ZoneInfo) -> bool:
    """False for wall-clock times skipped when the clocks spring forward."""
    moment = dt.datetime.combine(day, time, tzinfo=zone)
    back = normalize(moment)
    return back.replace(tzinfo=None) == moment.replace(tzinfo=None)


def add_calendar_days(moment: dt.datetime, days: int) -> dt.datetime:
    """Same wall-clock time ``days`` calendar days later (not days x 24 hours)."""
    target = dt.datetime.combine(moment.date() + dt.timedelta(days=days), moment.timetz())
    return normalize(target)


def reference_spans(data: TimelineInput) -> tuple[Span | None, Span | None]:
    """(collection span, infusion span): exact when known, else the typical range."""
    lo, hi = S.VEIN_TO_VEIN_TYPICAL_DAYS
    collection = Span(data.leukapheresis, data.leukapheresis) if data.leukapheresis else None
    infusion = Span(data.infusion, data.infusion) if data.infusion else None
    if collection is None and infusion is not None:
        collection = infusion.shift(-hi, -lo)
    if infusion is None and collection is not None:
        infusion = collection.shift(lo, hi)
    return collection, infusion


def _resolve(offset: S.Offset | None, refs: dict[str, Span | None]) -> Span | None:
    if offset is None or refs.get(offset.ref) is None:
        return None
    return refs[offset.ref].shift(offset.lo, offset.hi, offset.years)


def build_timeline(data: TimelineInput) -> Timeline:
    collection, infusion = reference_spans(data)
    refs = {"L": collection, "I": infusion}
    product = data.product_info
    ld_lo, ld_hi = product.ld_start
    infusion_at = data.infusion_datetime()
    entries: list[Entry] = []
    for step in S.STEPS:
        if step.products and data.product not in step.products:
            continue
        start, end = step.start, step.end
        if step.key == "lymphodepletion":
            start = S.Offset("I", ld_lo, ld_hi)
            end = S.Offset("I", ld_lo + product.ld_days - 1, ld_hi + product.ld_days - 1)
        elif step.key == "bridging":
            end = S.Offset("I", ld_lo - 1, ld_hi - 1)
        entry = Entry(step=step, start=_resolve(start, refs), end=_resolve(end, refs))
        if step.needs_current_labeling and not product.current_labeling_2025:
            entry.dated = False
            entry.start = entry.end = None
        if infusion_at is not None and entry.dated and step.start and step.start.ref == "I":
            if step.key == "infusion" or step.key in TIMED_PERIODS:
                entry.start_at = normalize(infusion_at)
                if step.key == "infusion":
                    entry.end_at = entry.start_at + dt.timedelta(hours=1)
                elif step.end is not None and step.end.lo == step.end.hi:
                    entry.end_at = add_calendar_days(infusion_at, step.end.lo)
        entries.append(entry)
    return Timeline(input=data, entries=entries, collection=collection, infusion=infusion)


# --- validation -----------------------------------------------------------

def today_in(zone_name: str) -> dt.date:
    from django.utils import timezone

    return timezone.now().astimezone(ZoneInfo(zone_name)).date()


def check_dates(data: TimelineInput, today: dt.date) -> dict[str, list[str]]:
    """Problems with the dates, by form field ("__all__" for the combination)."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    earliest = add_years(today, -MAX_YEARS_BACK)
    latest = today + dt.timedelta(days=MAX_DAYS_AHEAD)
    for name, value in (("leukapheresis", data.leukapheresis), ("infusion", data.infusion)):
        if value is None:
            continue
        if value < earliest:
            add(name, _(
                "This date is more than %(years)d years ago. This timeline is for treatment in "
                "the past %(years)d years or planned in the coming year: please check the date."
            ) % {"years": MAX_YEARS_BACK})
        elif value > latest:
            add(name, _(
                "This date is more than a year from now. Treatment dates are usually planned "
                "weeks ahead: please check the date."
            ))
    if errors:
        return errors
    if data.leukapheresis and data.infusion:
        gap = (data.infusion - data.leukapheresis).days
        if gap <= 0:
            add("infusion", _(
                "The infusion date must be after the collection (leukapheresis) date: your "
                "cells are collected first, then made into CAR T cells, then given back to you."
            ))
        elif gap < S.MIN_COLLECTION_TO_INFUSION_DAYS:
            add("infusion", _(
                "The infusion date is only %(days)d days after collection. Making CAR T cells "
                "usually takes at least %(min)d days: please check both dates."
            ) % {"days": gap, "min": S.MIN_COLLECTION_TO_INFUSION_DAYS})
        elif gap > MAX_COLLECTION_TO_INFUSION_DAYS:
            add("infusion", _(
                "The infusion date is more than a year after collection: please check both dates."
            ))
    if data.infusion_time is not None:
        if data.infusion is None:
            add("infusion_time", _("Enter the infusion date to add a time."))
        elif not local_time_exists(data.infusion, data.infusion_time, data.zone):
            add("infusion_time", _(
                "%(time)s does not exist on that day in this time zone, because the clocks "
                "change that night. Please check the time with your care team."
            ) % {"time": formats.time_format(data.infusion_time, "TIME_FORMAT")})
    return errors


# --- wording --------------------------------------------------------------

def format_day(day: dt.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def format_moment(moment: dt.datetime) -> str:
    return _("%(date)s at %(time)s") % {
        "date": format_day(moment.date()),
        "time": formats.time_format(moment.timetz(), "TIME_FORMAT"),
    }


def describe_span(span: Span) -> str:
    if span.exact:
        return format_day(span.first)
    return _("between about %(first)s and %(last)s") % {
        "first": format_day(span.first), "last": format_day(span.last)}


def describe_entry(entry: Entry) -> str:
    """One line saying when this step happens, in the active language."""
    if not entry.dated:
        return _(
            "Ask your care team: the 2025 labeling change did not cover this product, so check "
            "its own instructions."
        )
    start, end, kind = entry.start, entry.end, entry.step.kind
    if kind == "before":
        if end is None:
            return ""
        if end.exact:
            return _("Before %(date)s") % {"date": format_day(end.first)}
        return _("Before your collection day, %(when)s") % {"when": describe_span(end)}
    if start is None:
        return ""
    if entry.start_at is not None and entry.end_at is not None and kind == "period":
        return _("From %(start)s until at least %(end)s") % {
            "start": format_moment(entry.start_at), "end": format_moment(entry.end_at)}
    if entry.start_at is not None and kind == "point":
        return format_moment(entry.start_at)
    if entry.key == "follow_up":
        if start.exact:
            return _("From about %(when)s") % {"when": format_day(start.first)}
        return _("Starts %(when)s") % {"when": describe_span(start)}
    if kind in {"point", "milestone"} or end is None:
        text = describe_span(start)
        return text[:1].upper() + text[1:]
    if start.exact and end.exact:
        if entry.key in TIMED_PERIODS:
            return _("From %(start)s until at least %(end)s") % {
                "start": format_day(start.first), "end": format_day(end.first)}
        return _("From %(start)s to %(end)s") % {
            "start": format_day(start.first), "end": format_day(end.first)}
    if entry.key in TIMED_PERIODS:
        return _("Starts: %(start)s. Ends at the earliest: %(end)s.") % {
            "start": describe_span(start), "end": describe_span(end)}
    return _("Starts: %(start)s. Ends: %(end)s.") % {
        "start": describe_span(start), "end": describe_span(end)}


def entry_notes(entry: Entry, data: TimelineInput) -> list[str]:
    """Product-specific or estimate notes shown under a step."""
    notes: list[str] = []
    product = data.product_info
    if entry.key == "manufacturing" and product.vein_to_vein_median_days:
        notes.append(_(
            "In one analysis of studies in lymphoma, the middle (median) time from collection "
            "to infusion for %(brand)s was about %(days)d days. Yours may be shorter or longer."
        ) % {"brand": product.brand, "days": round(product.vein_to_vein_median_days)})
    if entry.key == "manufacturing" and product.key == "abecma":
        notes.append(str(product.note))
    if entry.key == "infusion" and product.split_dose:
        notes.append(str(product.note))
    if entry.key == "monitoring" and entry.dated and entry.start is not None:
        daily = entry.start.shift(S.DAILY_MONITORING_DAYS, S.DAILY_MONITORING_DAYS)
        notes.append(_("Daily checks for at least the first week: through %(when)s.")
                     % {"when": describe_span(daily)})
    return notes


def estimate_note(timeline: Timeline) -> str:
    data = timeline.input
    lo, hi = S.VEIN_TO_VEIN_TYPICAL_DAYS
    if data.leukapheresis and not data.infusion:
        return _(
            "You did not enter an infusion date, so dates after collection are ranges: the "
            "infusion is often %(lo)d to %(hi)d weeks after collection, and can be later. Your "
            "care team will give you the real date."
        ) % {"lo": lo // 7, "hi": hi // 7}
    if data.infusion and not data.leukapheresis:
        return _(
            "You did not enter a collection date, so dates before the infusion are ranges: "
            "collection is often %(lo)d to %(hi)d weeks before the infusion."
        ) % {"lo": lo // 7, "hi": hi // 7}
    if not timeline.has_dates:
        return _(
            "Enter the dates you know to see your own calendar. Without dates, this is the "
            "typical order of the steps."
        )
    return ""


def present(timeline: Timeline, links: dict[str, dict] | None = None) -> list[dict]:
    """Entries as plain dicts of text in the active language (for HTML, PDF and .ics)."""
    links = links or {}
    rows = []
    for entry in timeline.entries:
        step = entry.step
        link = links.get(step.article)
        url = f"{link['url']}#{step.anchor}" if link else ""
        rows.append({
            "key": step.key,
            "title": str(step.title),
            "when": describe_entry(entry) if timeline.has_dates else "",
            "typical": str(step.typical),
            "what": str(step.what),
            "arrange": [str(item) for item in step.arrange],
            "notes": entry_notes(entry, timeline.input),
            "estimated": entry.estimated,
            "dated": entry.dated,
            "url": url,
            "link_language": link["language"] if link else "",
            "refs": step.refs,
        })
    return rows
