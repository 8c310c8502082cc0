"""Opening hours: pure functions, checked at fixed instants across DST and holidays."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings

from helpline.chat import hours

NY = ZoneInfo("America/New_York")
UTC = dt.timezone.utc


def at(y, mo, d, h, mi=0, tz=NY):
    return dt.datetime(y, mo, d, h, mi, tzinfo=tz)


def test_weekday_hours_in_new_york_time():
    # Tuesday 2026-03-03 (EST, UTC-5)
    assert not hours.is_open("chat", at(2026, 3, 3, 7, 59))
    assert hours.is_open("chat", at(2026, 3, 3, 8, 0))
    assert hours.is_open("chat", at(2026, 3, 3, 22, 59))
    assert not hours.is_open("chat", at(2026, 3, 3, 23, 0))
    # Same instant expressed in UTC: 13:00Z = 08:00 EST
    assert hours.is_open("chat", dt.datetime(2026, 3, 3, 13, 0, tzinfo=UTC))
    assert not hours.is_open("chat", dt.datetime(2026, 3, 3, 12, 59, tzinfo=UTC))


def test_weekend_closed_and_next_opening_is_monday_8am():
    saturday = at(2026, 3, 7, 12, 0)
    assert not hours.is_open("chat", saturday)
    assert hours.next_opening("chat", saturday) == at(2026, 3, 9, 8, 0)


def test_spring_forward_dst_change():
    # DST starts Sunday 2026-03-08: 8:00 EDT on Monday is 12:00 UTC, not 13:00.
    assert hours.is_open("chat", dt.datetime(2026, 3, 9, 12, 0, tzinfo=UTC))
    assert not hours.is_open("chat", dt.datetime(2026, 3, 9, 11, 59, tzinfo=UTC))
    # The Friday before (EST) 12:00 UTC was 7:00 local: closed.
    assert not hours.is_open("chat", dt.datetime(2026, 3, 6, 12, 0, tzinfo=UTC))
    nxt = hours.next_opening("chat", dt.datetime(2026, 3, 7, 15, 0, tzinfo=UTC))
    assert nxt == at(2026, 3, 9, 8, 0)
    assert nxt.astimezone(UTC) == dt.datetime(2026, 3, 9, 12, 0, tzinfo=UTC)


def test_fall_back_dst_change():
    # DST ends Sunday 2026-11-01; Monday 8:00 EST is 13:00 UTC.
    assert not hours.is_open("chat", dt.datetime(2026, 11, 2, 12, 30, tzinfo=UTC))
    assert hours.is_open("chat", dt.datetime(2026, 11, 2, 13, 0, tzinfo=UTC))
    # Friday before, still EDT: 8:00 local = 12:00 UTC
    assert hours.is_open("chat", dt.datetime(2026, 10, 30, 12, 0, tzinfo=UTC))
    # 23:00 EST Monday = 04:00 UTC Tuesday: closed; 22:59 open
    assert not hours.is_open("chat", dt.datetime(2026, 11, 3, 4, 0, tzinfo=UTC))
    assert hours.is_open("chat", dt.datetime(2026, 11, 3, 3, 59, tzinfo=UTC))


def test_federal_holiday_closed_and_next_opening_skips_it():
    # Thanksgiving 2026 is Thursday 26 November.
    assert dt.date(2026, 11, 26) in hours.us_federal_holidays(2026)
    assert not hours.is_open("chat", at(2026, 11, 26, 12, 0))
    assert hours.next_opening("chat", at(2026, 11, 26, 12, 0)) == at(2026, 11, 27, 8, 0)
    # Independence Day 2026 falls on Saturday: observed Friday 3 July.
    assert not hours.is_open("chat", at(2026, 7, 3, 12, 0))
    assert hours.next_opening("chat", at(2026, 7, 2, 23, 30)) == at(2026, 7, 6, 8, 0)


def test_phone_is_always_open():
    for instant in (at(2026, 11, 26, 3, 0), at(2026, 3, 8, 2, 30), at(2026, 12, 25, 23, 59)):
        assert hours.is_open("phone", instant)
        assert hours.next_opening("phone", instant) == instant


def test_holidays_and_weekly_schedule_are_configurable():
    custom = {
        "chat": {
            "time_zone": "Europe/Madrid",
            "weekly": {"sat": [["10:00", "14:00"]]},
            "holidays": ["2026-03-14"],
        }
    }
    with override_settings(HELPLINE_HOURS=custom):
        madrid = ZoneInfo("Europe/Madrid")
        assert hours.is_open("chat", dt.datetime(2026, 3, 21, 10, 0, tzinfo=madrid))
        assert not hours.is_open("chat", dt.datetime(2026, 3, 14, 10, 0, tzinfo=madrid))
        assert not hours.is_open("chat", dt.datetime(2026, 3, 23, 10, 0, tzinfo=madrid))
        assert hours.next_opening("chat", dt.datetime(2026, 3, 13, 9, 0, tzinfo=madrid)) == \
            dt.datetime(2026, 3, 21, 10, 0, tzinfo=madrid)


def test_no_opening_at_all_gives_none():
    with override_settings(HELPLINE_HOURS={"chat": {"weekly": {}, "holidays": []}}):
        assert hours.next_opening("chat", at(2026, 3, 3, 12)) is None


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        hours.is_open("chat", dt.datetime(2026, 3, 3, 12, 0))


@pytest.mark.django_db
def test_chat_is_open_uses_the_frozen_clock():
    from .conftest import make_staff

    with time_machine.travel(dt.datetime(2026, 3, 9, 12, 30, tzinfo=UTC), tick=False):
        assert not hours.chat_is_open()  # 8:30 EDT, open hours, but nobody on duty
        make_staff(languages=["en"])
        assert hours.chat_is_open()  # 8:30 EDT, the Monday after the change, someone on duty
    with time_machine.travel(dt.datetime(2026, 3, 9, 11, 30, tzinfo=UTC), tick=False):
        assert not hours.chat_is_open()  # 7:30 EDT
    with time_machine.travel(dt.datetime(2026, 12, 25, 15, 0, tzinfo=UTC), tick=False):
        assert not hours.chat_is_open()  # Christmas Day
