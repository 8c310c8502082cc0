"""The supervisors' live summary: its numbers, who gets the frame, and what it costs."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.contrib.auth.models import Group
from django.utils import timezone

from helpline.chat import events, selectors, services
from helpline.chat.layers import InMemoryChannelLayer
from helpline.chat.models import Conversation, SpecialistStatus
from helpline.chat.watcher import QueueWatcher

from .conftest import count_queries, make_staff
from .test_consumers import connect, drain, until

adb = sync_to_async


def waiting(language="en", channel="chat", minutes=0, status="waiting", now=None, who=None):
    now = now or timezone.now()
    return Conversation.objects.create(language=language, channel=channel, status=status,
                                       queued_at=now - dt.timedelta(minutes=minutes),
                                       assigned_to=who, accepted_at=who and now)


# --------------------------------------------------------------------------- the selector


@pytest.mark.django_db
def test_the_numbers_per_language_and_in_all(django_assert_num_queries):
    now = timezone.now()
    serving = make_staff(languages=["en"])                    # on duty: en
    make_staff(languages=["en", "es"])                        # on duty: en and es, once in all
    make_staff(languages=["en"], online=False)                # available, console closed
    make_staff(languages=["es"], available=False)             # console open, away
    make_staff("supervisor", languages=["en"], available=False)
    waiting("en", minutes=10, now=now)
    waiting("en", minutes=3, now=now)
    waiting("en", channel="callback", minutes=120, now=now)   # in the queue, not in the wait
    waiting("es", minutes=1, now=now)
    waiting("en", minutes=30, status="active", now=now, who=serving)  # served: not waiting
    waiting("es", minutes=40, status="abandoned", now=now)
    waiting("en", minutes=50, status="closed", now=now, who=serving)
    with django_assert_num_queries(2):
        summary = selectors.live_summary(now)
    en, es = summary["languages"]
    assert en == {"language": "en", "on_duty": 2, "queue": 3, "callbacks": 1,
                  "oldest_chat_since": now - dt.timedelta(minutes=10),
                  "longest_wait_seconds": 600}
    assert es == {"language": "es", "on_duty": 1, "queue": 1, "callbacks": 0,
                  "oldest_chat_since": now - dt.timedelta(minutes=1),
                  "longest_wait_seconds": 60}
    assert summary["total"] == {"on_duty": 2, "queue": 4, "callbacks": 1,
                                "oldest_chat_since": now - dt.timedelta(minutes=10),
                                "longest_wait_seconds": 600}
    assert summary["at"] == now


@pytest.mark.django_db
def test_an_empty_helpline_has_a_row_per_language_and_no_wait():
    summary = selectors.live_summary()
    assert [row["language"] for row in summary["languages"]] == ["en", "es"]
    for row in [*summary["languages"], summary["total"]]:
        assert (row["on_duty"], row["queue"], row["callbacks"]) == (0, 0, 0)
        assert row["oldest_chat_since"] is None and row["longest_wait_seconds"] is None


@pytest.mark.django_db
def test_only_callbacks_waiting_give_a_queue_but_no_chat_wait_and_other_languages_get_a_row(
        django_assert_num_queries):
    waiting("es", channel="callback", minutes=90)
    waiting("fr", minutes=2)  # not a language of the site, yet waiting: shown, not lost
    with django_assert_num_queries(2):
        summary = selectors.live_summary()
    rows = {row["language"]: row for row in summary["languages"]}
    assert list(rows) == ["en", "es", "fr"]
    assert rows["es"]["queue"] == 1 and rows["es"]["longest_wait_seconds"] is None
    assert rows["fr"]["queue"] == 1 and 119 <= rows["fr"]["longest_wait_seconds"] <= 125
    assert summary["total"]["queue"] == 2


@pytest.mark.django_db
def test_the_frame_carries_iso_times_the_page_can_tick_from():
    now = timezone.now()
    waiting("es", minutes=5, now=now)
    frame = events.live_summary_frame(selectors.live_summary(now))
    assert frame["type"] == "live_summary"
    assert dt.datetime.fromisoformat(frame["at"]) == now
    since = dt.datetime.fromisoformat(frame["total"]["oldest_chat_since"])
    assert (now - since).total_seconds() == 300 == frame["total"]["longest_wait_seconds"]
    assert frame["languages"][0] == {"language": "en", "on_duty": 0, "queue": 0, "callbacks": 0,
                                     "oldest_chat_since": None, "longest_wait_seconds": None}


@pytest.mark.django_db
def test_who_gets_the_live_summary():
    supervisor = make_staff("supervisor")
    specialist = make_staff("specialist")
    assert selectors.may_watch_live_summary(supervisor)
    assert selectors.live_panel_socket(supervisor) == "/ws/chat/console/?mode=panel"
    assert not selectors.may_watch_live_summary(specialist)
    assert selectors.live_panel_socket(specialist) is None
    supervisor.is_active = False
    assert not selectors.may_watch_live_summary(supervisor)


# --------------------------------------------------------------------------- the sockets

live = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def fresh_layer():
    layer = get_channel_layer()
    await layer.flush()
    yield
    await layer.flush()


def _row(frame, language):
    return next(row for row in frame["languages"] if row["language"] == language)


async def _until_summary(comm, check, timeout=5.0):
    """live_summary frames until one passes ``check``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        frame = await until(comm, "live_summary", max(0.05, deadline - loop.time()))
        if check(frame):
            return frame


@live
async def test_a_supervisors_console_gets_the_summary_live_and_a_specialists_does_not(
        settings, fresh_layer):
    settings.HELPLINE_CHAT = {"QUEUE_PUSH_DEBOUNCE_SECONDS": 0.05, "TICK_SECONDS": 0.2}
    boss = await adb(make_staff)("supervisor", available=False, online=False)
    spec = await adb(make_staff)(languages=["es"], available=False, online=False)
    supervisor, ok, _ = await connect("/ws/chat/console/", user=boss)
    assert ok
    await until(supervisor, "queue")
    first = await until(supervisor, "live_summary")
    assert first["total"] == {"on_duty": 0, "queue": 0, "callbacks": 0,
                              "oldest_chat_since": None, "longest_wait_seconds": None}
    specialist, ok, _ = await connect("/ws/chat/console/", user=spec)
    assert ok
    spec_frames = [await until(specialist, "queue")]

    # A visitor joins the queue.
    conv = await adb(services.conversation_start)(language="en", visitor_name="Ana")
    frame = await _until_summary(supervisor, lambda f: f["total"]["queue"] == 1)
    assert _row(frame, "en")["queue"] == 1
    assert dt.datetime.fromisoformat(frame["total"]["oldest_chat_since"]) == conv.queued_at

    # A specialist goes on duty (their console sets them available).
    await specialist.send_json_to({"type": "status", "available": True, "languages": ["es"]})
    frame = await _until_summary(supervisor, lambda f: f["total"]["on_duty"] == 1)
    assert (_row(frame, "es")["on_duty"], _row(frame, "en")["on_duty"]) == (1, 0)

    # Another one comes on duty by opening a console (presence, seen by the tick).
    late = await adb(make_staff)(languages=["en"], online=False)
    other, ok, _ = await connect("/ws/chat/console/", user=late)
    frame = await _until_summary(supervisor, lambda f: f["total"]["on_duty"] == 2)
    assert _row(frame, "en")["on_duty"] == 1

    spec_frames += await drain(specialist, 0.5)
    assert spec_frames and not [f for f in spec_frames if f["type"] == "live_summary"]
    assert [f for f in spec_frames if f["type"] == "queue"]  # it did hear the changes
    for comm in (supervisor, specialist, other):
        await comm.disconnect()


@live
async def test_the_dashboard_panel_socket_is_summary_only_and_not_presence(settings, fresh_layer):
    settings.HELPLINE_CHAT = {"QUEUE_PUSH_DEBOUNCE_SECONDS": 0.05, "TICK_SECONDS": 0.1}
    boss = await adb(make_staff)("supervisor", languages=["en"], available=True, online=False)
    panel, ok, _ = await connect("/ws/chat/console/?mode=panel", user=boss)
    assert ok
    first = await until(panel, "live_summary")
    assert first["total"]["on_duty"] == 0  # available, but a dashboard is not a console
    await panel.send_json_to({"type": "ping"})
    assert (await until(panel, "pong"))["type"] == "pong"
    await panel.send_json_to({"type": "status", "available": True})
    error = await until(panel, "error")
    assert error["code"] == "unknown_type"
    await adb(services.conversation_start)(language="es")
    frame = await _until_summary(panel, lambda f: f["total"]["queue"] == 1)
    assert _row(frame, "es")["queue"] == 1
    await asyncio.sleep(0.4)  # a few ticks: none of them vouches for the supervisor
    status = await adb(SpecialistStatus.objects.get)(user=boss)
    assert status.last_seen is None and status.available is True
    frames = await drain(panel, 0.3)
    assert {f["type"] for f in frames} <= {"live_summary"}  # no queue, no presence frames
    await panel.disconnect()


@live
async def test_a_specialist_cannot_open_the_panel_socket(fresh_layer):
    spec = await adb(make_staff)("specialist")
    _, ok, code = await connect("/ws/chat/console/?mode=panel", user=spec)
    assert (ok, code) == (False, 4403)
    # Their ordinary console still works, without the summary.
    console, ok, _ = await connect("/ws/chat/console/", user=spec)
    assert ok
    frames = [await until(console, "queue")] + await drain(console, 0.3)
    assert not [f for f in frames if f["type"] == "live_summary"]
    await console.disconnect()


@live
async def test_losing_the_supervisor_role_stops_the_summary(settings, fresh_layer):
    settings.HELPLINE_CHAT = {"QUEUE_PUSH_DEBOUNCE_SECONDS": 0.05}
    boss = await adb(make_staff)("supervisor", available=False)

    def also_specialist():
        boss.groups.add(Group.objects.get_or_create(name="specialist")[0])

    await adb(also_specialist)()
    panel, ok, _ = await connect("/ws/chat/console/?mode=panel", user=boss)
    console, ok2, _ = await connect("/ws/chat/console/", user=boss)
    assert ok and ok2
    await until(panel, "live_summary")
    await until(console, "live_summary")

    def demote():
        boss.groups.remove(Group.objects.get(name="supervisor"))

    await adb(demote)()
    closed = await panel.receive_output(timeout=3)
    assert closed == {"type": "websocket.close", "code": 4403}
    await drain(console, 0.3)
    await adb(services.conversation_start)(language="en")
    frames = await drain(console, 0.5)
    assert [f for f in frames if f["type"] == "queue"], "the console itself stays open"
    assert not [f for f in frames if f["type"] == "live_summary"]
    await console.disconnect()


# --------------------------------------------------------------------------- the cost



@live
async def test_the_summary_is_read_once_per_change_for_one_panel_or_a_hundred():
    for n in range(20):
        await adb(services.conversation_start)(language="en" if n % 2 else "es")
    staff = [await adb(make_staff)("supervisor") for _ in range(100)]
    watcher = QueueWatcher()
    watcher.layer = InMemoryChannelLayer(capacity=10)
    baseline = await count_queries(watcher.refresh)  # nobody watching: no summary read
    counts = {}
    for panels in (1, 100):
        watcher.summaries = {f"chat.panel{i}": staff[i].pk for i in range(panels)}
        counts[panels] = (await count_queries(watcher.refresh),
                          await count_queries(watcher.heartbeat),
                          await count_queries(watcher.check_on_duty))
        for i in range(panels):
            event = await watcher.layer.receive(f"chat.panel{i}")
            assert event == {"type": "chat.live_summary", "version": watcher.summary_version}
    assert counts[1] == counts[100], counts
    assert counts[1][0] == baseline + 2  # the two queries of selectors.live_summary
    assert counts[1][1] == 0  # panels are not presence: nothing to vouch for
    assert watcher.summary_frame["total"]["queue"] == 20
    # Another panel opening while the summary is kept current reads nothing.
    assert await count_queries(lambda: watcher.add_summary("chat.panel-new", staff[0].pk)) == 0
    # With nobody watching any more, the frame is dropped and read again on the next open.
    watcher.summaries = {"chat.last": staff[0].pk}
    watcher.remove_summary("chat.last")
    assert watcher.summary_frame is None
    assert await count_queries(lambda: watcher.add_summary("chat.again", staff[0].pk)) == 2
