"""Websocket consumers with channels' WebsocketCommunicator (in-process, real database)."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from channels.testing.websocket import WebsocketCommunicator

from helpline.chat import services
from helpline.chat.models import Conversation, Message
from helpline.chat.routing import websocket_urlpatterns
from helpline.common.testing import same_origin_headers

from .conftest import make_staff

pytestmark = pytest.mark.django_db(transaction=True)

router = URLRouter(websocket_urlpatterns)
adb = sync_to_async


@pytest.fixture(autouse=True)
async def fresh_layer():
    layer = get_channel_layer()
    await layer.flush()
    yield
    await layer.flush()


async def connect(path, user=None, app=router, headers=None):
    headers = list(headers or [])
    visitor = path.startswith("/ws/chat/visitor/")
    if visitor and app is not router:
        # the visitor's browser session cookie, bound to the chat when it started
        from helpline.common.testing import visitor_session_cookie

        headers.append((b"cookie", (await adb(visitor_session_cookie)(path.split("/")[4])).encode()))
    comm = WebsocketCommunicator(app, path, headers=headers)
    if visitor and app is router:
        comm.scope["session"] = {"chat_token": path.split("/")[4]}
    if user is not None:
        comm.scope["user"] = user
    connected, code = await comm.connect(timeout=5)
    return comm, connected, code


async def until(comm, type_, timeout=3.0, collect=None):
    """Receive frames until one of ``type_``; others are appended to ``collect``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        frame = await comm.receive_json_from(timeout=max(0.01, deadline - loop.time()))
        if frame["type"] == type_:
            return frame
        if collect is not None:
            collect.append(frame)


async def drain(comm, wait=0.2):
    """Every frame that arrives until the socket is quiet for ``wait`` seconds.

    (``receive_nothing`` does not cancel the application on a timeout.)"""
    frames = []
    while not await comm.receive_nothing(timeout=wait):
        frames.append(await comm.receive_json_from(timeout=1))
    return frames


async def start_conversation(lang="en", **kw):
    return await adb(services.conversation_start)(language=lang, **kw)


async def test_visitor_connects_with_token_sees_state_and_live_position(settings):
    settings.HELPLINE_CHAT = {"QUEUE_PUSH_DEBOUNCE_SECONDS": 0.05}
    first = await start_conversation()
    second = await start_conversation()
    comm, ok, _ = await connect(f"/ws/chat/visitor/{second.token}/")
    assert ok
    state = await until(comm, "state")
    assert state["status"] == "waiting" and state["token"] == str(second.token)
    pos = await until(comm, "queue_position")
    assert pos["position"] == 2
    assert pos["specialists_online"] == 0 and pos["estimated_wait_seconds"] is None
    # the one ahead is taken: the position drops to 1, pushed live
    spec = await adb(make_staff)()
    await adb(services.conversation_accept)(spec, first.token)
    pos = await until(comm, "queue_position")
    assert pos["position"] == 1
    assert pos["specialists_online"] == 1 and pos["estimated_wait_seconds"] == 3600
    # a specialist joins: the visitor sees who (first name and role)
    await adb(services.conversation_accept)(spec, second.token)
    state = await until(comm, "state")
    assert state["status"] == "active"
    assert state["assigned"] == {"name": "Maria", "role": "Cancer information specialist"}
    await comm.disconnect()


async def test_unknown_or_malformed_token_is_refused():
    await start_conversation()
    for token in ("1", "00000000-0000-4000-8000-000000000000", "not-a-token"):
        comm, ok, code = await connect(f"/ws/chat/visitor/{token}/")
        assert not ok and code in (4403, 4404)


async def test_message_round_trip_ack_seq_and_html_stays_text():
    conv = await start_conversation()
    spec = await adb(make_staff)()
    await adb(services.conversation_accept)(spec, conv.token)
    visitor, ok, _ = await connect(f"/ws/chat/visitor/{conv.token}/")
    staff, ok2, _ = await connect(f"/ws/chat/staff/{conv.pk}/", user=spec)
    assert ok and ok2
    staff_state = await until(staff, "state")
    assert staff_state["assigned_to_me"] is True
    await drain(visitor)
    await drain(staff)
    text = '<script>alert("x")</script> & <b>bold</b>'
    await visitor.send_json_to({"type": "message", "id": "m-1", "text": text})
    ack = await until(visitor, "ack")
    stored = await adb(Message.objects.get)(conversation=conv, client_id="m-1")
    assert ack == {"type": "ack", "id": "m-1", "seq": stored.seq, "duplicate": False}
    got = await until(staff, "message")
    assert got["text"] == text and got["seq"] == stored.seq and got["sender"] == "visitor"
    # the sending socket has it through the ack: it is not echoed back to that socket
    assert [f for f in await drain(visitor) if f["type"] == "message"] == []
    # ... but another socket of the same visitor (a second tab) gets it
    tab2, ok3, _ = await connect(f"/ws/chat/visitor/{conv.token}/?last_seq={stored.seq - 1}")
    assert ok3
    assert (await until(tab2, "message"))["seq"] == stored.seq
    await tab2.disconnect()
    # resending the same id: acknowledged as duplicate, stored once, not re-delivered
    await visitor.send_json_to({"type": "message", "id": "m-1", "text": text})
    ack2 = await until(visitor, "ack")
    assert ack2["duplicate"] is True and ack2["seq"] == stored.seq
    assert await adb(Message.objects.filter(client_id="m-1").count)() == 1
    assert [f for f in await drain(staff) if f["type"] == "message"] == []
    # the specialist answers
    await staff.send_json_to({"type": "message", "id": "s-1", "text": "Hello, I'm Maria"})
    assert (await until(staff, "ack"))["seq"] == stored.seq + 1
    reply = await until(visitor, "message")
    assert reply["sender"] == "specialist" and reply["sender_label"] == "Maria"
    await visitor.disconnect()
    await staff.disconnect()


async def test_bad_input_gets_error_frames_and_changes_nothing(settings):
    settings.HELPLINE_CHAT = {"RATE_BURST": 5, "RATE_PER_SECOND": 1}
    conv = await start_conversation()
    comm, ok, _ = await connect(f"/ws/chat/visitor/{conv.token}/")
    await drain(comm)
    before = await adb(Message.objects.count)()
    cases = [
        (lambda: comm.send_to(bytes_data=b"\x00\x01"), "bad_frame"),
        (lambda: comm.send_to(text_data="x" * 20000), "too_large"),
        (lambda: comm.send_to(text_data="{not json"), "bad_json"),
        (lambda: comm.send_to(text_data="[1, 2]"), "bad_json"),
        (lambda: comm.send_json_to({"type": "launch_missiles"}), "unknown_type"),
    ]
    for send, code in cases:
        await send()
        err = await until(comm, "error")
        assert err["code"] == code, err
    assert await adb(Message.objects.count)() == before
    # long text and empty text: refused by the service, with the frame id echoed
    await asyncio.sleep(2.1)  # refill the bucket
    await comm.send_json_to({"type": "message", "id": "big", "text": "y" * 4001})
    err = await until(comm, "error")
    assert (err["code"], err["id"]) == ("too_large", "big")
    await comm.send_json_to({"type": "message", "id": "empty", "text": "   "})
    assert (await until(comm, "error"))["code"] == "invalid"
    # a flood: the burst passes, the rest is refused with rate_limited and not stored
    await asyncio.sleep(5.5)
    for i in range(12):
        await comm.send_json_to({"type": "message", "id": f"f{i}", "text": f"flood {i}"})
    frames = await drain(comm, 0.5)
    acks = [f for f in frames if f["type"] == "ack"]
    limited = [f for f in frames if f["type"] == "error" and f["code"] == "rate_limited"]
    assert len(acks) == 5 and len(limited) == 7
    assert await adb(Message.objects.filter(conversation=conv).count)() == before + 5
    # the socket still works
    await asyncio.sleep(1.1)
    await comm.send_json_to({"type": "ping"})
    assert (await until(comm, "pong"))["type"] == "pong"
    await comm.disconnect()


async def test_reconnect_with_last_seq_gets_exactly_the_missed_messages():
    conv = await start_conversation()
    spec = await adb(make_staff)()
    await adb(services.conversation_accept)(spec, conv.token)
    for i in range(5):
        await adb(services.visitor_message_post)(conv.token, f"v{i}", f"v{i}")
    last = (await adb(Conversation.objects.get)(pk=conv.pk)).last_seq
    # the specialist had seen up to last-2
    staff, ok, _ = await connect(f"/ws/chat/staff/{conv.pk}/?last_seq={last - 2}", user=spec)
    assert ok
    frames = await drain(staff, 0.3)
    seqs = [f["seq"] for f in frames if f["type"] == "message"]
    assert seqs == [last - 1, last]
    # resume on an open socket from an earlier point
    await staff.send_json_to({"type": "resume", "last_seq": last - 3})
    frames = await drain(staff, 0.3)
    assert [f["seq"] for f in frames if f["type"] == "message"] == [last - 2, last - 1, last]
    assert frames[-1] == {"type": "resumed", "last_seq": last}
    await staff.disconnect()


async def test_out_of_order_events_are_gap_filled_from_the_database():
    conv = await start_conversation()
    comm, ok, _ = await connect(f"/ws/chat/visitor/{conv.token}/")
    await drain(comm)
    # Store three messages while their events are lost (no transaction.on_commit delivery),
    # then deliver only the last event: the socket must send 1, 2, 3 in order.
    from django.db import transaction

    def store_quietly():
        with transaction.atomic():
            results = [services.visitor_message_post(conv.token, f"q{i}", f"q{i}")
                       for i in range(3)]
            transaction.get_connection().run_on_commit.clear()
        return results

    results = await adb(store_quietly)()
    last = results[-1].message
    from helpline.chat.selectors import message_payload

    await get_channel_layer().group_send(
        conv.group_name, {"type": "chat.message", "message": message_payload(last), "origin": None})
    frames = await drain(comm, 0.3)
    assert [f["text"] for f in frames if f["type"] == "message"] == ["q0", "q1", "q2"]
    # a late copy of an earlier event is dropped
    await get_channel_layer().group_send(
        conv.group_name,
        {"type": "chat.message", "message": message_payload(results[0].message), "origin": None})
    assert [f for f in await drain(comm, 0.3) if f["type"] == "message"] == []
    await comm.disconnect()


async def test_staff_visibility_rules():
    en = await start_conversation("en")
    anon, ok, code = await connect(f"/ws/chat/staff/{en.pk}/")
    assert not ok and code == 4403
    from django.contrib.auth.models import AnonymousUser

    anon2, ok, code = await connect(f"/ws/chat/staff/{en.pk}/", user=AnonymousUser())
    assert not ok and code == 4403
    spanish = await adb(make_staff)(languages=["es"])
    comm, ok, code = await connect(f"/ws/chat/staff/{en.pk}/", user=spanish)
    assert not ok and code == 4403
    english = await adb(make_staff)(languages=["en"])
    comm, ok, _ = await connect(f"/ws/chat/staff/{en.pk}/", user=english)
    assert ok
    await comm.disconnect()
    # once assigned to someone else, other specialists can no longer open it
    other = await adb(make_staff)(languages=["en"])
    await adb(services.conversation_accept)(other, en.token)
    comm, ok, code = await connect(f"/ws/chat/staff/{en.pk}/", user=english)
    assert not ok and code == 4403
    supervisor = await adb(make_staff)("supervisor", languages=[])
    comm, ok, _ = await connect(f"/ws/chat/staff/{en.pk}/", user=supervisor)
    assert ok
    # a supervisor who is not assigned cannot post into the conversation
    await drain(comm)
    await comm.send_json_to({"type": "message", "id": "x", "text": "hi"})
    assert (await until(comm, "error"))["code"] == "closed"
    await comm.disconnect()


async def test_two_staff_sockets_racing_to_accept():
    conv = await start_conversation()
    a, b = await adb(make_staff)(), await adb(make_staff)()
    ca, _, _ = await connect(f"/ws/chat/staff/{conv.pk}/", user=a)
    cb, _, _ = await connect(f"/ws/chat/staff/{conv.pk}/", user=b)
    await drain(ca)
    await drain(cb)
    await asyncio.gather(ca.send_json_to({"type": "accept"}), cb.send_json_to({"type": "accept"}))
    outcomes = sorted([await _outcome(ca), await _outcome(cb)])
    # the loser is told "taken", or (its rights gone with the accept) its socket is closed
    assert outcomes[0] == "accepted" and outcomes[1] in ("closed 4403", "taken")
    await ca.disconnect()
    await cb.disconnect()


async def _outcome(comm) -> str:
    """"accepted", an error code, or "closed <code>" if the server closed the socket first."""
    while True:
        output = await comm.receive_output(timeout=1)
        if output["type"] == "websocket.close":
            return f"closed {output.get('code')}"
        frame = json.loads(output["text"])
        if frame["type"] == "accepted":
            return "accepted"
        if frame["type"] == "error":
            return frame["code"]


async def test_console_status_presence_and_live_queue(settings):
    settings.HELPLINE_CHAT = {"QUEUE_PUSH_DEBOUNCE_SECONDS": 0.05, "TICK_SECONDS": 0.2}
    spec = await adb(make_staff)(available=False, online=False, languages=["es"])
    comm, ok, _ = await connect("/ws/chat/console/", user=spec)
    assert ok
    snap = await until(comm, "queue")
    assert snap["status"]["online"] is True and snap["status"]["available"] is False
    await comm.send_json_to({"type": "status", "available": True, "languages": ["en", "es"]})
    snap = await until(comm, "queue")
    assert snap["status"]["available"] and snap["status"]["languages"] == ["en", "es"]
    conv = await start_conversation("es", visitor_name="Ana")
    for _ in range(10):
        snap = await until(comm, "queue")
        if snap["items"]:
            break
    assert [i["id"] for i in snap["items"]] == [conv.pk]
    assert snap["items"][0]["visitor_name"] == "Ana"
    await comm.send_json_to({"type": "accept_next"})
    accepted = await until(comm, "accepted")
    assert accepted["id"] == conv.pk
    await comm.send_json_to({"type": "status", "max_concurrent": 99})
    assert (await until(comm, "error"))["code"] == "invalid"
    await comm.disconnect()


async def test_console_disconnect_makes_specialist_unroutable_after_grace(settings):
    settings.HELPLINE_CHAT = {"PRESENCE_GRACE_SECONDS": 1, "TICK_SECONDS": 0.2}
    spec = await adb(make_staff)(online=False)
    from helpline.chat import selectors

    def routable():
        from helpline.chat.models import SpecialistStatus

        return selectors.is_routable(SpecialistStatus.objects.get(user=spec))

    assert not await adb(routable)()
    comm, ok, _ = await connect("/ws/chat/console/", user=spec)
    await asyncio.sleep(1.5)  # longer than the grace: the ticks keep it fresh
    assert await adb(routable)()
    await comm.disconnect()
    await asyncio.sleep(1.3)
    assert not await adb(routable)()
    conv = await start_conversation()
    with pytest.raises(Exception) as exc:
        await adb(services.conversation_accept)(spec, conv.token)
    assert getattr(exc.value, "code", "") == "unavailable"


async def test_visitor_leaving_while_waiting_is_abandoned_only_after_grace(settings):
    settings.HELPLINE_CHAT = {"ABANDON_GRACE_SECONDS": 1, "TICK_SECONDS": 0.2}
    stays, leaves = await start_conversation(), await start_conversation()
    keep, _, _ = await connect(f"/ws/chat/visitor/{stays.token}/")
    gone, _, _ = await connect(f"/ws/chat/visitor/{leaves.token}/")
    await gone.disconnect()
    # reconnect quickly (a network blip): not abandoned
    again, _, _ = await connect(f"/ws/chat/visitor/{leaves.token}/")
    await asyncio.sleep(1.5)
    statuses = dict(await adb(lambda: list(Conversation.objects.values_list("pk", "status")))())
    assert statuses == {stays.pk: "waiting", leaves.pk: "waiting"}
    await again.disconnect()
    frames = []
    await asyncio.sleep(1.8)
    statuses = dict(await adb(lambda: list(Conversation.objects.values_list("pk", "status")))())
    assert statuses == {stays.pk: "waiting", leaves.pk: "abandoned"}
    await keep.disconnect()
    assert frames == []


async def test_origin_is_checked_on_connect():
    from helpline.asgi import application

    conv = await start_conversation()
    path = f"/ws/chat/visitor/{conv.token}/"
    bad, ok, _ = await connect(path, app=application, headers=[(b"origin", b"https://evil.example")])
    assert not ok
    none, ok, _ = await connect(path, app=application)
    assert not ok
    good, ok, _ = await connect(path, app=application, headers=[*same_origin_headers()])
    assert ok
    await good.disconnect()


async def test_visitor_close_then_rate():
    conv = await start_conversation()
    comm, _, _ = await connect(f"/ws/chat/visitor/{conv.token}/")
    await drain(comm)
    await comm.send_json_to({"type": "rate", "rating": 5})
    assert (await until(comm, "error"))["code"] == "invalid"
    await comm.send_json_to({"type": "close"})
    state = await until(comm, "state")
    assert state["status"] == "abandoned"
    await comm.send_json_to({"type": "rate", "rating": 5, "comment": "helpful"})
    assert (await until(comm, "rated"))["rating"] == 5
    await comm.send_json_to({"type": "message", "id": "late", "text": "hello?"})
    assert (await until(comm, "error"))["code"] == "closed"
    await comm.disconnect()
    conv = await adb(Conversation.objects.get)(pk=conv.pk)
    assert conv.rating == 5 and conv.rating_comment == "helpful"
    assert json.dumps(conv.handoff_context) == "{}"


async def test_a_full_socket_inbox_skips_its_position_update_without_breaking_the_others(caplog):
    """A socket that is not reading (inbox full) must not stop queue updates for the rest."""
    from helpline.chat.consumers import QueueWatcher
    from helpline.chat.layers import InMemoryChannelLayer

    first = await adb(services.conversation_start)(language="en", visitor_name="A")
    second = await adb(services.conversation_start)(language="en", visitor_name="B")
    watcher = QueueWatcher()
    watcher.layer = InMemoryChannelLayer(capacity=1)
    stuck, live = "chat.stuck", "chat.live"
    await watcher.layer.send(stuck, {"type": "chat.ping"})  # its one slot is taken
    watcher.visitors = {first.token.hex: {stuck}, second.token.hex: {live}}
    await watcher.refresh()
    update = await asyncio.wait_for(watcher.layer.receive(live), 1)
    assert update["type"] == "chat.position" and update["position"] == 2
    assert "skipped for a busy socket" in caplog.text
    assert (await watcher.layer.receive(stuck))["type"] == "chat.ping"


async def test_queue_tick_says_once_that_the_channel_layer_is_down(settings, caplog):
    """Redis unreachable: the tick keeps doing its database work and warns once, no tracebacks."""
    from helpline.chat.consumers import QueueWatcher
    from helpline.chat.layers import RedisBroadcastLayer
    from helpline.common.testing import free_port

    settings.HELPLINE_CHAT = {"TICK_SECONDS": 0.05}
    watcher = QueueWatcher()
    watcher.layer = RedisBroadcastLayer(hosts=[f"redis://127.0.0.1:{free_port()}/0"])
    watcher.layer.JOIN_WAIT_SECONDS = 0.1
    watcher.channel = "chat.watcher"
    tick = asyncio.create_task(watcher._tick())
    try:
        await asyncio.sleep(1.0)
    finally:
        tick.cancel()
        await asyncio.gather(tick, return_exceptions=True)
        await watcher.layer.flush()
    warnings = [r for r in caplog.records if "could not reach the channel layer" in r.message]
    assert len(warnings) == 1
    assert "queue tick failed" not in caplog.text
