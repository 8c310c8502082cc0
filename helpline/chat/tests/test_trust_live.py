"""Hostile clients against a real server over real sockets (issue 14 findings).

The visitor socket belongs to the browser session that started the chat; staff
sockets lose their rights the moment the account does.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.test import Client
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from helpline.chat import services
from helpline.chat.models import Message
from helpline.common.testing import running_server, visitor_session_cookie

from .conftest import make_staff

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
adb = sync_to_async

FAST = {"HELPLINE_CHAT_TICK_SECONDS": "0.5", "SECRET_KEY": settings.SECRET_KEY}


def staff_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


async def open_ws(server, path, cookie=None, origin=None):
    headers = {"Cookie": cookie} if cookie else None
    return await ws_connect(f"{server.ws_url}{path}", origin=origin or server.url,
                            additional_headers=headers, proxy=None, open_timeout=10)


async def refused(server, path, cookie=None, origin=None) -> bool:
    try:
        ws = await open_ws(server, path, cookie, origin)
    except InvalidStatus as exc:
        return exc.response.status_code == 403
    await ws.close()
    return False


async def next_of(ws, type_, timeout=5.0):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), max(0.01, deadline - loop.time())))
        if frame["type"] == type_:
            return frame


# --- finding 1: the token is not a bearer key ---------------------------------------------------

async def test_visitor_socket_needs_the_visitors_own_session():
    with running_server(**FAST) as server:
        conv = await adb(services.conversation_start)(language="en", visitor_name="Ana",
                                                     first_message="call me on 612 345 678")
        path = f"/ws/chat/visitor/{conv.token}/"
        other = await adb(services.conversation_start)(language="en")
        # the token alone, with no cookie: refused
        assert await refused(server, path)
        # another visitor's session (bound to another chat): refused
        assert await refused(server, path, await adb(visitor_session_cookie)(other.token))
        # staff, even a specialist who may serve the chat, never connect as the visitor
        spec = await adb(make_staff)()
        assert await refused(server, path, await adb(staff_cookie)(spec))
        admin = await adb(make_staff)("administrator")
        assert await refused(server, path, await adb(staff_cookie)(admin))
        # the visitor's own session: accepted, and the visitor speaks
        ws = await open_ws(server, path, await adb(visitor_session_cookie)(conv.token))
        assert (await next_of(ws, "state"))["status"] == "waiting"
        await ws.send(json.dumps({"type": "message", "id": "m1", "text": "hello"}))
        assert (await next_of(ws, "ack"))["seq"] >= 1
        await ws.close()
    senders = await adb(lambda: list(Message.objects.filter(conversation=conv)
                                     .values_list("sender", flat=True)))()
    assert senders.count("visitor") == 2


# --- finding 2: rights are checked on open sockets, not only at connect ---------------------------

@pytest.fixture
def shared_redis(settings):
    """The server and this test process share one Redis channel layer (own prefix)."""
    import uuid

    from helpline.common.testing import REDIS_URL, redis_available

    if not redis_available():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    prefix = f"t14{uuid.uuid4().hex[:8]}"
    settings.CHANNEL_LAYERS = {"default": {
        "BACKEND": "helpline.chat.layers.RedisBroadcastLayer",
        "CONFIG": {"hosts": [REDIS_URL], "prefix": prefix}}}
    return {"REDIS_URL": REDIS_URL, "HELPLINE_CHANNEL_PREFIX": prefix, **FAST}


def _sync_open(server, path, cookie):
    from websockets.sync.client import connect

    return connect(f"{server.ws_url}{path}", origin=server.url,
                   additional_headers={"Cookie": cookie}, open_timeout=10, proxy=None)


def _closed_within(ws, seconds: float) -> list[dict]:
    """Frames received until the server closes the socket; fails if it stays open."""
    import time

    frames, deadline = [], time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"the socket is still open after {seconds}s: {frames[-3:]}")
        try:
            frames.append(json.loads(ws.recv(timeout=left)))
        except TimeoutError:
            continue
        except ConnectionClosed:
            return frames


def _wait_type(ws, type_, seconds=5.0) -> dict:
    import time

    deadline = time.monotonic() + seconds
    while True:
        frame = json.loads(ws.recv(timeout=max(0.01, deadline - time.monotonic())))
        if frame["type"] == type_:
            return frame


@pytest.mark.redis
@pytest.mark.parametrize("change", ["deactivate", "roles_removed", "logout"])
def test_console_socket_closes_when_the_right_is_gone(shared_redis, change):
    from helpline.accounts import services as accounts
    from helpline.accounts.testing import make_staff as make_account

    spec = make_staff()
    admin = make_account("boss", "administrator")
    client = Client()
    client.force_login(spec)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    with running_server(**shared_redis) as server:
        with _sync_open(server, "/ws/chat/console/", cookie) as ws:
            _wait_type(ws, "queue")
            if change == "deactivate":
                accounts.staff_active_set(admin, spec, False)
            elif change == "roles_removed":
                accounts.staff_roles_set(admin, spec, [])
            else:
                assert client.post("/en/staff/logout/").status_code in (200, 302)
            _closed_within(ws, 1.0)


@pytest.mark.redis
def test_staff_socket_on_a_waiting_chat_is_closed_when_someone_else_accepts(shared_redis):
    first, second = make_staff(), make_staff(first_name="Luis")
    conv = services.conversation_start(language="en", visitor_name="Ana")
    client = Client()
    client.force_login(first)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    with running_server(**shared_redis) as server:
        with _sync_open(server, f"/ws/chat/staff/{conv.pk}/", cookie) as ws:
            _wait_type(ws, "state")
            services.conversation_accept(second, conv.token)
            frames = _closed_within(ws, 1.0)
            services.visitor_message_post(conv, "my secret", "after")
    assert not [f for f in frames if "my secret" in json.dumps(f)]


def test_reading_another_specialists_chat_over_the_socket_is_audited():
    from helpline.common.models import AuditEntry

    owner, supervisor = make_staff(), make_staff("supervisor", first_name="Sol")
    conv = services.conversation_start(language="en", visitor_name="Ana")
    services.conversation_accept(owner, conv.token)
    own, other = Client(), Client()
    own.force_login(owner)
    other.force_login(supervisor)
    with running_server(**FAST) as server:
        for client in (own, other):
            with _sync_open(server, f"/ws/chat/staff/{conv.pk}/",
                            f"sessionid={client.cookies['sessionid'].value}") as ws:
                _wait_type(ws, "state")
    entries = AuditEntry.objects.filter(action="chat.view_other")
    assert [e.actor_id for e in entries] == [supervisor.pk]


# --- finding 6: malformed frames get a clear error frame ----------------------------------------

async def test_lone_surrogate_and_deep_nesting_on_the_socket_are_bad_json():
    with running_server(**FAST) as server:
        conv = await adb(services.conversation_start)(language="en")
        ws = await open_ws(server, f"/ws/chat/visitor/{conv.token}/",
                           await adb(visitor_session_cookie)(conv.token))
        await next_of(ws, "state")
        for raw in ('{"type": "message", "id": "s1", "text": "\\ud800"}',
                    '{"type": "rate", "rating": 5, "comment": "\\udfff"}',
                    '{"type": "message", "id": "d", "text": ' + "[" * 900 + "]" * 900 + "}",
                    '{"type": "resume", "last_seq": ' + "9" * 5000 + "}"):
            await ws.send(raw)
            assert (await next_of(ws, "error"))["code"] == "bad_json"
        await ws.send(json.dumps({"type": "ping"}))
        await next_of(ws, "pong")
        await ws.close()
        assert "Traceback" not in server.log()


# --- finding 8: origin by scheme, host and port; invalid frames are counted ---------------------

async def test_origin_must_match_scheme_host_and_port():
    with running_server(**FAST) as server:
        conv = await adb(services.conversation_start)(language="en")
        cookie = await adb(visitor_session_cookie)(conv.token)
        path = f"/ws/chat/visitor/{conv.token}/"
        port = server.port
        for origin in (f"https://127.0.0.1:{port}", f"http://127.0.0.1:{port + 1}",
                       "http://127.0.0.1", f"http://localhost:{port}", "null"):
            assert await refused(server, path, cookie, origin), origin
        ws = await open_ws(server, path, cookie, origin=f"http://127.0.0.1:{port}")
        assert (await next_of(ws, "state"))["status"] == "waiting"
        await ws.close()


async def test_invalid_frames_count_toward_the_rate_limit():
    with running_server(**FAST) as server:
        conv = await adb(services.conversation_start)(language="en")
        ws = await open_ws(server, f"/ws/chat/visitor/{conv.token}/",
                           await adb(visitor_session_cookie)(conv.token))
        await next_of(ws, "state")
        for raw in ["{"] * 60 + ['{"no": "type"}'] * 40 + [b"\x00"] * 40:
            await ws.send(raw)
        codes = []
        while len(codes) < 140:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 5))
            if frame["type"] == "error":
                codes.append(frame["code"])
        # a burst of 20 (plus what refills meanwhile) is answered; the rest is throttled
        assert codes.count("rate_limited") >= 100, codes
        await ws.close()
