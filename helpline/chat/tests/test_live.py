"""Real uvicorn server processes and real websocket clients (the `websockets` library).

Includes the two-workers-plus-Redis conversation: a visitor connected to server A
and a specialist connected to server B, sharing only the database and Redis.
"""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.test import Client
from websockets.asyncio.client import connect as ws_connect

from helpline.chat import services
from helpline.chat.models import Conversation, Message
from helpline.common.testing import REDIS_URL, running_server, visitor_session_cookie

from .conftest import make_staff

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
adb = sync_to_async

FAST = {
    "HELPLINE_CHAT_TICK_SECONDS": "0.5",
    "HELPLINE_CHAT_QUEUE_PUSH_DEBOUNCE_SECONDS": "0.1",
    # the session cookies made here must verify in the server processes
    "SECRET_KEY": settings.SECRET_KEY,
}


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


async def open_ws(server, path, cookie=None):
    if cookie is None and path.startswith("/ws/chat/visitor/"):
        cookie = await adb(visitor_session_cookie)(path.split("/")[4])
    headers = {"Cookie": cookie} if cookie else None
    return await ws_connect(f"{server.ws_url}{path}", origin=server.url,
                            additional_headers=headers, proxy=None, open_timeout=10)


async def next_of(ws, type_, timeout=5.0, collect=None):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), max(0.01, deadline - loop.time())))
        if frame["type"] == type_:
            return frame
        if collect is not None:
            collect.append(frame)


async def quiet(ws, wait=0.5):
    frames = []
    while True:
        try:
            frames.append(json.loads(await asyncio.wait_for(ws.recv(), wait)))
        except TimeoutError:
            return frames


async def talk_across(visitor_server, staff_server):
    spec = await adb(make_staff)()
    cookie = await adb(session_cookie)(spec)
    conv = await adb(services.conversation_start)(language="en", visitor_name="Ana")
    visitor = await open_ws(visitor_server, f"/ws/chat/visitor/{conv.token}/")
    assert (await next_of(visitor, "state"))["status"] == "waiting"
    assert (await next_of(visitor, "queue_position"))["position"] == 1
    staff = await open_ws(staff_server, f"/ws/chat/staff/{conv.pk}/", cookie)
    await next_of(staff, "state")
    await staff.send(json.dumps({"type": "accept"}))
    await next_of(staff, "accepted")
    joined = await next_of(visitor, "state")
    assert joined["status"] == "active" and joined["assigned"]["name"] == "Maria"
    for i in range(10):
        await visitor.send(json.dumps({"type": "message", "id": f"v{i}", "text": f"visitor {i}"}))
        await staff.send(json.dumps({"type": "message", "id": f"s{i}", "text": f"staff {i}"}))
    frames_staff, frames_visitor = await quiet(staff, 1.0), await quiet(visitor, 0.5)
    got_staff = [f for f in frames_staff if f["type"] == "message"]
    got_visitor = [f for f in frames_visitor if f["type"] == "message"]
    assert [f["text"] for f in got_staff if f["sender"] == "visitor"] == [
        f"visitor {i}" for i in range(10)]
    assert [f["text"] for f in got_visitor if f["sender"] == "specialist"] == [
        f"staff {i}" for i in range(10)]
    for frames in (frames_staff, frames_visitor):
        # what a socket holds = message frames + its own acks: every seq once, none missing
        # (an own message can also come as a message frame after a gap fill)
        held = {f["seq"] for f in frames if f["type"] in ("message", "ack")}
        assert sorted(held) == list(range(min(held), min(held) + len(held)))
        delivered = [f["seq"] for f in frames if f["type"] == "message"]
        assert delivered == sorted(set(delivered)), "in seq order, never twice"
    await visitor.close()
    await staff.close()
    return conv


@pytest.mark.redis
async def test_visitor_on_worker_a_and_specialist_on_worker_b_talk_through_redis():
    prefix = f"t{uuid.uuid4().hex[:10]}"
    env = {"REDIS_URL": REDIS_URL, "HELPLINE_CHANNEL_PREFIX": prefix, **FAST}
    with running_server(**env) as a, running_server(**env) as b:
        conv = await talk_across(a, b)
    assert await adb(Message.objects.filter(conversation=conv, sender="visitor").count)() == 10


async def test_single_server_in_memory_layer():
    with running_server(**FAST) as server:
        await talk_across(server, server)


async def test_reconnect_in_the_middle_of_a_burst_loses_and_duplicates_nothing():
    with running_server(**FAST) as server:
        spec = await adb(make_staff)()
        cookie = await adb(session_cookie)(spec)
        conv = await adb(services.conversation_start)(language="en")
        await adb(services.conversation_accept)(spec, conv.token)
        staff = await open_ws(server, f"/ws/chat/staff/{conv.pk}/", cookie)
        await quiet(staff, 0.3)
        visitor = await open_ws(server, f"/ws/chat/visitor/{conv.token}/")
        await quiet(visitor, 0.3)
        burst = [{"type": "message", "id": f"b{i}", "text": f"burst {i}"} for i in range(40)]
        acked: dict[str, int] = {}
        received: list[dict] = []
        # the visitor sends 15 without waiting; the specialist reads some, then drops
        for frame in burst[:15]:
            await visitor.send(json.dumps(frame))
        while len(received) < 6:
            frame = json.loads(await asyncio.wait_for(staff.recv(), 5))
            if frame["type"] == "message":
                received.append(frame)
        await staff.close()
        # the visitor's network drops too, mid-burst, without reading its acks
        for frame in burst[15:25]:
            await visitor.send(json.dumps(frame))
        visitor.transport.abort() if hasattr(visitor, "transport") else None
        await visitor.close()
        await asyncio.sleep(0.3)
        # the visitor reconnects and re-sends everything not known to be acked (all 25 + rest)
        visitor = await open_ws(server, f"/ws/chat/visitor/{conv.token}/?last_seq=0")
        by_id = {frame["id"]: frame for frame in burst}
        for frame in burst:
            await visitor.send(json.dumps(frame))
        limited = 0
        while len(acked) < len(burst):
            frame = json.loads(await asyncio.wait_for(visitor.recv(), 10))
            if frame["type"] == "ack":
                acked[frame["id"]] = frame["seq"]
            elif frame["type"] == "error" and frame["code"] == "rate_limited":
                # the flood limit refused it unprocessed: re-send the same id a bit later
                limited += 1
                await asyncio.sleep(0.25)
                await visitor.send(json.dumps(by_id[frame["id"]]))
            elif frame["type"] == "error":
                raise AssertionError(frame)
        assert limited > 0, "40 frames at once exceed the burst of 20"
        # the specialist reconnects from the last seq it saw
        last_seen = received[-1]["seq"]
        staff = await open_ws(server, f"/ws/chat/staff/{conv.pk}/?last_seq={last_seen}", cookie)
        rest = [f for f in await quiet(staff, 1.0) if f["type"] == "message"]
        everything = received + rest
        texts = [f["text"] for f in everything if f["sender"] == "visitor"]
        assert texts == [f["text"] for f in burst], "every message once, in order"
        seqs = [f["seq"] for f in everything]
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), "gap-free, no repeats"
        assert len(set(acked.values())) == len(burst)
        stored = await adb(lambda: list(
            Message.objects.filter(conversation=conv, sender="visitor")
            .order_by("seq").values_list("client_id", flat=True)))()
        assert stored == [f["id"] for f in burst]
        await visitor.close()
        await staff.close()


async def test_two_specialists_racing_over_real_connections():
    with running_server(**FAST) as server:
        a, b = await adb(make_staff)(), await adb(make_staff)()
        ca, cb = await adb(session_cookie)(a), await adb(session_cookie)(b)
        for _ in range(3):
            conv = await adb(services.conversation_start)(language="en")
            wa = await open_ws(server, f"/ws/chat/staff/{conv.pk}/", ca)
            wb = await open_ws(server, f"/ws/chat/staff/{conv.pk}/", cb)
            await quiet(wa, 0.2)
            await quiet(wb, 0.2)
            await asyncio.gather(wa.send(json.dumps({"type": "accept"})),
                                 wb.send(json.dumps({"type": "accept"})))

            async def outcome(ws):
                while True:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), 5))
                    if frame["type"] == "accepted":
                        return "accepted"
                    if frame["type"] == "error":
                        return frame["code"]

            results = sorted(await asyncio.gather(outcome(wa), outcome(wb)))
            assert results == ["accepted", "taken"]
            conv = await adb(Conversation.objects.get)(pk=conv.pk)
            assert conv.status == "active" and conv.assigned_to_id in (a.pk, b.pk)
            await wa.close()
            await wb.close()
            # free both for the next round
            await adb(services.conversation_close)(
                a if conv.assigned_to_id == a.pk else b, conv.token)


async def test_bad_frames_never_crash_a_real_worker():
    with running_server(**FAST) as server:
        conv = await adb(services.conversation_start)(language="en")
        ws = await open_ws(server, f"/ws/chat/visitor/{conv.token}/")
        await quiet(ws, 0.3)
        for raw in (b"\xff\xfe", "x" * 100_000, "{", '{"type": 3}', '{"type": "nope"}',
                    json.dumps({"type": "message", "id": "z", "text": "a" * 5000})):
            await ws.send(raw)
            assert (await next_of(ws, "error"))["code"] in (
                "bad_frame", "too_large", "bad_json", "unknown_type")
        await ws.send(json.dumps({"type": "message", "id": "ok", "text": "still here"}))
        assert (await next_of(ws, "ack"))["id"] == "ok"
        await ws.close()
        # a forged origin is refused at the handshake
        with pytest.raises(Exception):
            await ws_connect(f"{server.ws_url}/ws/chat/visitor/{conv.token}/",
                             origin="https://evil.example", proxy=None)
