"""Exports of a personal timeline: an RFC 5545 calendar (.ics) and a PDF.

Both are built from ``timeline.present`` rows, so the words match the page.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from helpline.common import paper
from helpline.common.metrics import PDF_RENDERS

from .timeline import Timeline, estimate_note, present

UID_NAMESPACE = uuid.UUID("5d0f3a56-8f7b-4c1e-9a43-6a2f1f0b7e11")
PRINT_CSS = Path(__file__).parent / "static" / "journey" / "print.css"


def _event_uid(timeline: Timeline, key: str) -> str:
    # Stable for the same dates, so importing again updates events instead of doubling them.
    seed = json.dumps(timeline.input.to_data(), sort_keys=True) + "|" + key
    return f"{uuid.uuid5(UID_NAMESPACE, seed)}@helpline-journey"


def build_ics(timeline: Timeline, *, base_url: str = "", links: dict | None = None) -> bytes:
    """The timeline as an iCalendar file in the active language.

    Dated steps become all-day events (DTEND is the day after the last day, as
    RFC 5545 requires); with an infusion time, the infusion and the 2-week
    periods that start with it are timed events in the center's time zone, with
    its VTIMEZONE. Estimated windows are marked as such and shown as free time.
    """
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Helpline//My CAR T timeline//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _("My CAR T timeline"))
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    rows = {row["key"]: row for row in present(timeline, links)}
    disclaimer = _("Typical timing only: always follow your care team's instructions.")
    for entry in timeline.entries:
        if not entry.dated or entry.start is None or entry.step.kind == "before":
            continue
        row = rows[entry.key]
        event = Event()
        event.add("uid", _event_uid(timeline, entry.key))
        event.add("dtstamp", stamp)
        summary = row["title"]
        if entry.estimated:
            summary = _("%(title)s (estimated dates)") % {"title": summary}
        event.add("summary", summary)
        if entry.start_at is not None:
            event.add("dtstart", entry.start_at)
            event.add("dtend", entry.end_at or entry.start_at + dt.timedelta(hours=1))
        else:
            last = entry.end.last if entry.end is not None else entry.start.last
            event.add("dtstart", entry.start.first)
            event.add("dtend", last + dt.timedelta(days=1))
        lines = [row["when"], "", row["what"], row["typical"], *row["notes"]]
        if row["arrange"]:
            lines += ["", _("To bring or arrange:"), *[f"- {item}" for item in row["arrange"]]]
        lines += ["", disclaimer]
        if row["url"]:
            url = base_url.rstrip("/") + row["url"] if row["url"].startswith("/") else row["url"]
            event.add("url", url)
            lines.append(url)
        event.add("description", "\n".join(lines))
        busy = entry.start_at is not None and not entry.estimated
        event.add("transp", "OPAQUE" if busy else "TRANSPARENT")
        event.add("categories", ["CAR T"])
        cal.add_component(event)
    timed = [e.start_at for e in timeline.entries if e.start_at is not None]
    if timed:
        # A VTIMEZONE covering the timed events (a year either side), not 1970-2038.
        first = min(timed).date().replace(month=1, day=1)
        cal.add_missing_timezones(first_date=first.replace(year=first.year - 1),
                                  last_date=first.replace(year=first.year + 2))
    return cal.to_ical()


def render_pdf_html(timeline: Timeline, *, links: dict | None = None, base_url: str = "") -> str:
    rows = present(timeline, links)
    for row in rows:
        if row["url"].startswith("/"):
            row["url"] = base_url.rstrip("/") + row["url"]
    return render_to_string(
        "journey/pdf.html",
        {
            "rows": rows,
            "timeline": timeline,
            "estimate_note": estimate_note(timeline),
            "HELPLINE": settings.HELPLINE,
            "LANG": get_language(),
            "generated": timezone.localdate(),
        },
    )


def build_pdf(timeline: Timeline, *, links: dict | None = None, base_url: str = "") -> bytes:
    from weasyprint import CSS, HTML

    html = render_pdf_html(timeline, links=links, base_url=base_url)
    PDF_RENDERS.labels("timeline").inc()
    return HTML(string=html, base_url=str(settings.PACKAGE_DIR)).write_pdf(
        stylesheets=[CSS(filename=str(PRINT_CSS)), paper.stylesheet()]
    )
