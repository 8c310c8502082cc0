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
