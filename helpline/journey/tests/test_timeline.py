"""Date arithmetic: known dates, ranges for unknown dates, products, time zones and DST."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from helpline.journey import steps as S
from helpline.journey.timeline import (
    Span,
    TimelineInput,
    add_calendar_days,
    add_years,
    build_timeline,
    check_dates,
    describe_entry,
    local_time_exists,
    present,
)

D = dt.date
TODAY = D(2026, 11, 26)


def elapsed(entry):
    """Real time between start and end (aware subtraction in one zone ignores DST)."""
    return entry.end_at.astimezone(dt.UTC) - entry.start_at.astimezone(dt.UTC)


def span(first, last=None):
    return Span(first, last or first)


def test_both_dates_known_give_exact_dates_for_fixed_steps():
    tl = build_timeline(TimelineInput(leukapheresis=D(2026, 12, 1), infusion=D(2027, 1, 5)))
    assert tl.entry("leukapheresis").start == span(D(2026, 12, 1))
    assert tl.entry("infusion").start == span(D(2027, 1, 5))
    assert tl.entry("manufacturing").start == span(D(2026, 12, 2))
    assert tl.entry("manufacturing").end == span(D(2027, 1, 4))
    # Current labeling: 2 weeks near the center and no driving.
    assert tl.entry("stay_near").end == span(D(2027, 1, 19))
    assert tl.entry("no_driving").end == span(D(2027, 1, 19))
    assert tl.entry("monitoring").end == span(D(2027, 1, 19))
    assert tl.entry("recovery").end == span(D(2027, 2, 4))
    assert tl.entry("safety_follow_up").start == span(D(2042, 1, 5))
    assert not tl.entry("infusion").estimated
    # Without a product, chemotherapy days are a range: the team sets them.
    ld = tl.entry("lymphodepletion")
    assert ld.start == Span(D(2026, 12, 27), D(2027, 1, 1))
    assert ld.end == Span(D(2026, 12, 29), D(2027, 1, 3))
    assert ld.estimated
    assert tl.entry("second_dose") is None


def test_product_specific_lymphodepletion():
    infusion = D(2027, 3, 10)
    yescarta = build_timeline(TimelineInput(infusion=infusion, product="yescarta"))
    # Days -5, -4, -3.
    assert yescarta.entry("lymphodepletion").start == span(D(2027, 3, 5))
    assert yescarta.entry("lymphodepletion").end == span(D(2027, 3, 7))
    assert yescarta.entry("bridging").end == span(D(2027, 3, 4))
    kymriah = build_timeline(TimelineInput(infusion=infusion, product="kymriah"))
    # A 4-day course ending 2 to 7 days before the infusion.
    assert kymriah.entry("lymphodepletion").start == Span(D(2027, 2, 28), D(2027, 3, 5))
    assert kymriah.entry("lymphodepletion").end == Span(D(2027, 3, 3), D(2027, 3, 8))


def test_obe_cel_split_dose_and_no_2025_dates():
    tl = build_timeline(TimelineInput(infusion=D(2027, 3, 1), product="aucatzyl"))
    # Day 1 and day 10 +/- 2: the second dose 7 to 11 days after the first.
    assert tl.entry("second_dose").start == Span(D(2027, 3, 8), D(2027, 3, 12))
    for key in ("monitoring", "stay_near", "no_driving"):
        entry = tl.entry(key)
        assert entry.dated is False and entry.start is None
        with translation.override("en"):
            assert "Ask your care team" in describe_entry(entry)
    with translation.override("en"):
        rows = {r["key"]: r for r in present(tl)}
    assert any("split dose" in note for note in rows["infusion"]["notes"])


def test_only_collection_date_gives_ranges_not_guesses():
    tl = build_timeline(TimelineInput(leukapheresis=D(2026, 12, 1)))
    assert tl.infusion == Span(D(2026, 12, 22), D(2027, 1, 26))  # 3 to 8 weeks later
    stay = tl.entry("stay_near")
    assert stay.end == Span(D(2027, 1, 5), D(2027, 2, 9))
    assert stay.estimated and tl.entry("infusion").estimated
    assert not tl.entry("leukapheresis").estimated
    with translation.override("en"):
        text = describe_entry(tl.entry("infusion"))
    assert text == "Between about Dec. 22, 2026 and Jan. 26, 2027"
    assert tl.entry("infusion").start_at is None


def test_only_infusion_date_gives_a_collection_range():
    tl = build_timeline(TimelineInput(infusion=D(2027, 2, 1)))
    assert tl.collection == Span(D(2026, 12, 7), D(2027, 1, 11))
    assert tl.entry("leukapheresis").estimated
    assert tl.entry("infusion").start == span(D(2027, 2, 1))


def test_no_dates_gives_the_typical_order_without_dates():
    tl = build_timeline(TimelineInput())
    assert not tl.has_dates
    assert all(entry.start is None for entry in tl.entries)
    with translation.override("en"):
        rows = present(tl)
    assert [r["key"] for r in rows][:3] == ["evaluation", "leukapheresis", "manufacturing"]
    assert all(r["when"] == "" for r in rows)


def test_timed_periods_keep_the_wall_clock_across_spring_forward():
    ny = ZoneInfo("America/New_York")
    tl = build_timeline(TimelineInput(infusion=D(2026, 3, 1), infusion_time=dt.time(9, 0),
                                      time_zone="America/New_York"))
    stay = tl.entry("stay_near")
    assert stay.start_at == dt.datetime(2026, 3, 1, 9, 0, tzinfo=ny)
    assert stay.end_at.replace(tzinfo=None) == dt.datetime(2026, 3, 15, 9, 0)
    assert stay.start_at.utcoffset() == dt.timedelta(hours=-5)
    assert stay.end_at.utcoffset() == dt.timedelta(hours=-4)
    # Clocks sprang forward on 8 March: two calendar weeks are one hour short of 14 x 24 h.
    assert elapsed(stay) == dt.timedelta(days=14, hours=-1)
    infusion = tl.entry("infusion")
    assert elapsed(infusion) == dt.timedelta(hours=1)
    with translation.override("en"):
        assert describe_entry(stay) == (
            "From March 1, 2026 at 9 a.m. until at least March 15, 2026 at 9 a.m."
        )


def test_fall_back_and_zones_without_dst():
    tl = build_timeline(TimelineInput(infusion=D(2026, 10, 25), infusion_time=dt.time(14, 30),
                                      time_zone="America/Los_Angeles"))
    stay = tl.entry("stay_near")
    assert elapsed(stay) == dt.timedelta(days=14, hours=1)
    assert stay.end_at.hour == 14 and stay.end_at.minute == 30
    phoenix = build_timeline(TimelineInput(infusion=D(2026, 3, 1), infusion_time=dt.time(9, 0),
                                           time_zone="America/Phoenix")).entry("stay_near")
    assert elapsed(phoenix) == dt.timedelta(days=14)


def test_skipped_local_times():
    ny = ZoneInfo("America/New_York")
    assert not local_time_exists(D(2026, 3, 8), dt.time(2, 30), ny)
    assert local_time_exists(D(2026, 3, 8), dt.time(3, 30), ny)
    assert local_time_exists(D(2026, 3, 8), dt.time(2, 30), ZoneInfo("America/Puerto_Rico"))
    # A period ending on a skipped wall-clock time ends at the real instant after the gap.
    start = dt.datetime(2026, 2, 22, 2, 30, tzinfo=ny)
    end = add_calendar_days(start, 14)
    assert (end.hour, end.minute, end.utcoffset()) == (3, 30, dt.timedelta(hours=-4))


def test_add_years_handles_leap_day():
    assert add_years(D(2028, 2, 29), 15) == D(2043, 2, 28)
    assert add_years(D(2027, 1, 5), 15) == D(2042, 1, 5)


@pytest.mark.parametrize(
    ("leuka", "infusion", "field", "english"),
    [
        (D(2026, 12, 10), D(2026, 12, 1), "infusion", "must be after the collection"),
        (D(2026, 12, 10), D(2026, 12, 10), "infusion", "must be after the collection"),
        (D(2026, 12, 1), D(2026, 12, 6), "infusion", "only 5 days after collection"),
        (D(2026, 1, 1), D(2027, 1, 10), "infusion", "more than a year after collection"),
        (D(2056, 1, 1), None, "leukapheresis", "more than a year from now"),
        (None, D(1996, 5, 1), "infusion", "more than 5 years ago"),
    ],
)
def test_impossible_or_inconsistent_dates(leuka, infusion, field, english):
    data = TimelineInput(leukapheresis=leuka, infusion=infusion)
    with translation.override("en"):
        errors = check_dates(data, TODAY)
    assert list(errors) == [field]
    assert english in errors[field][0]
    with translation.override("es"):
        spanish = check_dates(data, TODAY)[field][0]
    assert spanish != errors[field][0]
    assert any(word in spanish for word in ("fecha", "días", "recolección"))


def test_time_without_date_and_skipped_time_are_errors():
    with translation.override("en"):
        errors = check_dates(TimelineInput(infusion_time=dt.time(9)), TODAY)
        assert errors == {"infusion_time": ["Enter the infusion date to add a time."]}
        skipped = check_dates(TimelineInput(infusion=D(2027, 3, 14), infusion_time=dt.time(2, 15),
                                            time_zone="America/Chicago"), TODAY)
    assert "does not exist" in skipped["infusion_time"][0]
    with translation.override("es"):
        skipped_es = check_dates(TimelineInput(infusion=D(2027, 3, 14),
                                               infusion_time=dt.time(2, 15),
                                               time_zone="America/Chicago"), TODAY)
    assert "no existe" in skipped_es["infusion_time"][0]


def test_valid_dates_have_no_errors():
    assert check_dates(TimelineInput(leukapheresis=D(2026, 12, 1), infusion=D(2027, 1, 5),
                                     infusion_time=dt.time(9)), TODAY) == {}


@settings(max_examples=150, deadline=None)
@given(
    leuka=st.dates(min_value=D(2022, 1, 1), max_value=D(2027, 6, 30)),
    gap=st.integers(min_value=S.MIN_COLLECTION_TO_INFUSION_DAYS, max_value=365),
    know=st.sampled_from(["both", "collection", "infusion"]),
    product=st.sampled_from(["", *S.PRODUCTS]),
)
def test_steps_stay_in_order_for_any_dates(leuka, gap, know, product):
    infusion = leuka + dt.timedelta(days=gap)
    data = TimelineInput(
        leukapheresis=leuka if know != "infusion" else None,
        infusion=infusion if know != "collection" else None,
        product=product,
    )
    tl = build_timeline(data)
    for entry in tl.entries:
        for part in (entry.start, entry.end):
            if part is not None:
                assert part.first <= part.last
        if entry.start and entry.end:
            assert entry.start.first <= entry.end.last
    ld, inf = tl.entry("lymphodepletion"), tl.entry("infusion")
    collection, bridging = tl.entry("leukapheresis"), tl.entry("bridging")

    def before(a, b):  # window a lies before window b, end by end
        return a.first < b.first and a.last < b.last

    assert before(collection.start, bridging.start)
    assert before(bridging.end, ld.start)
    assert ld.start.first < ld.end.first and ld.start.last < ld.end.last
    assert before(ld.end, inf.start)
    assert before(collection.start, inf.start)
    assert ld.end.last < inf.start.last
    if know == "both":
        assert not inf.estimated and not tl.entry("leukapheresis").estimated
