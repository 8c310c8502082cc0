"""The .ics calendar (RFC 5545, parsed back with icalendar) and the PDF (text read with pypdf)."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

from django.utils import translation
from icalendar import Calendar
from pypdf import PdfReader

from helpline.journey.exports import build_ics, build_pdf
from helpline.journey.timeline import TimelineInput, build_timeline

D = dt.date


def parse(data: bytes) -> Calendar:
    # Strict RFC 5545 framing: CRLF line ends and lines of at most 75 octets.
    assert data.endswith(b"\r\n")
    for line in data.split(b"\r\n"):
        assert len(line) <= 75, line
    assert b"\n" not in data.replace(b"\r\n", b"")
    return Calendar.from_ical(data)


def events(cal: Calendar) -> dict[str, object]:
    return {str(ev.get("summary")): ev for ev in cal.walk("VEVENT")}


def test_all_day_events_for_known_dates():
    timeline = build_timeline(TimelineInput(leukapheresis=D(2026, 12, 1), infusion=D(2027, 1, 5)))
    with translation.override("en"):
        cal = parse(build_ics(timeline))
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    evs = events(cal)
    uids = [str(ev["UID"]) for ev in evs.values()]
    assert len(uids) == len(set(uids))
    for ev in evs.values():
        assert ev.get("DTSTAMP") is not None and ev.get("DTSTART") is not None
    collection = evs["Leukapheresis (collecting your T cells)"]
    assert collection.decoded("DTSTART") == D(2026, 12, 1)
    assert collection.decoded("DTEND") == D(2026, 12, 2)  # DTEND is exclusive
    assert collection["DTSTART"].params.get("VALUE") == "DATE"
    stay = evs["Staying near the treatment center"]
    assert (stay.decoded("DTSTART"), stay.decoded("DTEND")) == (D(2027, 1, 5), D(2027, 1, 20))
    # Chemotherapy days depend on the team: an estimated window, marked and shown as free time.
    ld = evs["Lymphodepleting chemotherapy (estimated dates)"]
    assert str(ld["TRANSP"]) == "TRANSPARENT"
    assert "always follow your care team" in str(ld["DESCRIPTION"])
    assert not cal.walk("VTIMEZONE")  # nothing timed, no time zone needed
    # The same dates give the same UIDs, so importing twice updates instead of doubling.
    with translation.override("en"):
        again = events(parse(build_ics(timeline)))
    assert sorted(uids) == sorted(str(ev["UID"]) for ev in again.values())


def test_timed_events_carry_the_centers_time_zone_across_dst():
    timeline = build_timeline(TimelineInput(
        leukapheresis=D(2027, 1, 20), infusion=D(2027, 3, 2), infusion_time=dt.time(9, 30),
        time_zone="America/Chicago", product="yescarta"))
    with translation.override("en"):
        data = build_ics(timeline)
    cal = parse(data)
    zones = cal.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["America/Chicago"]
    assert b"DTSTART;TZID=America/Chicago:20270302T093000" in data
    evs = events(cal)
    infusion = evs["CAR T-cell infusion"]
    start = infusion.decoded("DTSTART")
    assert start.utcoffset() == dt.timedelta(hours=-6)  # CST
    assert infusion.decoded("DTEND") - start == dt.timedelta(hours=1)
    assert str(infusion["TRANSP"]) == "OPAQUE"  # a real appointment blocks the time
    # Two weeks later is after the 14 March 2027 change: same 9:30, now CDT (-5).
    stay = evs["Staying near the treatment center"]
    end = stay.decoded("DTEND")
    assert end.replace(tzinfo=None) == dt.datetime(2027, 3, 16, 9, 30)
    assert end.utcoffset() == dt.timedelta(hours=-5)
    assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(days=14, hours=-1)
    # The VTIMEZONE itself (not only the TZID name) gives the right offsets on both dates.
    vtz = zones[0].to_tz()
    assert vtz.utcoffset(dt.datetime(2027, 3, 2, 9, 30)) == dt.timedelta(hours=-6)
    assert vtz.utcoffset(dt.datetime(2027, 3, 16, 9, 30)) == dt.timedelta(hours=-5)
    # All-day events stay all-day alongside timed ones.
    assert evs["Lymphodepleting chemotherapy"].decoded("DTSTART") == D(2027, 2, 25)
    assert evs["Lymphodepleting chemotherapy"].decoded("DTEND") == D(2027, 2, 28)


def test_estimated_ranges_when_the_infusion_date_is_unknown():
    timeline = build_timeline(TimelineInput(leukapheresis=D(2026, 12, 1)))
    with translation.override("en"):
        evs = events(parse(build_ics(timeline)))
    infusion = evs["CAR T-cell infusion (estimated dates)"]
    assert infusion.decoded("DTSTART") == D(2026, 12, 22)
    assert infusion.decoded("DTEND") == D(2027, 1, 27)
    assert "Between about" in str(infusion["DESCRIPTION"])
    assert "Leukapheresis (collecting your T cells)" in evs  # the known date is exact


def test_spanish_calendar():
    timeline = build_timeline(TimelineInput(leukapheresis=D(2026, 12, 1), infusion=D(2027, 1, 5),
                                            infusion_time=dt.time(8, 0),
                                            time_zone="America/Puerto_Rico"))
    with translation.override("es"):
        cal = parse(build_ics(timeline))
    evs = events(cal)
    assert str(cal["X-WR-CALNAME"]) == "Mi calendario de CAR T"
    assert "Leucaféresis (recolección de sus células T)" in evs
    infusion = evs["Infusión de las células CAR T"]
    assert infusion.decoded("DTSTART") == dt.datetime(2027, 1, 5, 8, 0,
                                                       tzinfo=ZoneInfo("America/Puerto_Rico"))
    assert "5 de enero de 2027" in str(infusion["DESCRIPTION"])


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_in_english_and_spanish():
    timeline = build_timeline(TimelineInput(leukapheresis=D(2026, 12, 1), infusion=D(2027, 1, 5),
                                            product="aucatzyl"))
    with translation.override("en"):
        english = pdf_text(build_pdf(timeline))
    assert "My CAR T timeline" in english
    assert "Leukapheresis (collecting your T cells)" in english
    assert "Dec. 1, 2026" in english and "Jan. 5, 2027" in english
    assert "Second part of the split dose" in english
    assert "Ask your care team" in english  # no 2025 dates for this product
    with translation.override("es"):
        spanish = pdf_text(build_pdf(timeline))
    assert "Mi calendario de CAR T" in spanish
    assert "Leucaféresis" in spanish and "Quimioterapia linfocitorreductora" in spanish
    assert "1 de diciembre de 2026" in spanish and "5 de enero de 2027" in spanish
    assert "Leukapheresis" not in spanish


def test_pdf_shows_ranges_for_unknown_dates():
    timeline = build_timeline(TimelineInput(infusion=D(2027, 2, 1)))
    with translation.override("en"):
        text = " ".join(pdf_text(build_pdf(timeline)).split())
    assert "You did not enter a collection date" in text
    assert "Between about Dec. 7, 2026 and Jan. 11, 2027" in text
