"""The chat UI end to end against a real server process, with real websocket clients,
and the transcript e-mail through a real SMTP server on loopback."""

from __future__ import annotations

import asyncio
import json
import re

import httpx
import pytest
import websockets
from django.test import Client, override_settings

from helpline.chat.models import Conversation
from helpline.common.testing import running_server

OPEN_JSON = json.dumps({"chat": {"always_open": True}})


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def _staff_cookie(server, user) -> str:
    """Sign ``user`` in through the real sign-in page; their session cookie header."""
    return _signed_in(server, user)[1]


def _signed_in(server, user) -> tuple[httpx.Client, str]:
    """A client signed in as ``user`` through the real sign-in page, and its cookie header."""
    client = httpx.Client(base_url=server.url, timeout=10)
    form = client.get("/en/staff/login/").text
    signed = client.post("/en/staff/login/", data={
        "csrfmiddlewaretoken": _csrf(form), "username": user.username,
        "password": "correct-horse-battery"},
        headers={"Referer": server.url + "/en/staff/login/"})
    assert signed.status_code == 302, signed.text[:500]
    return client, f"sessionid={client.cookies['sessionid']}"


def _attr(html: str, name: str) -> str:
    return re.search(rf'{name}="([^"]+)"', html).group(1)


async def _recv_until(ws, predicate, timeout: float = 10.0) -> list[dict]:
    """Frames received until one matches ``predicate`` (inclusive)."""
    frames = []
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            frames.append(frame)
            if predicate(frame):
                return frames


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_visitor_and_specialist_chat_through_the_pages_and_sockets(staff_factory):
    alice = staff_factory(first_name="Alice", languages=["en"])

    with running_server(HELPLINE_HOURS_JSON=OPEN_JSON) as server:
        origin = server.url
        # The specialist signs in through the real sign-in page.
        login, staff_cookie = _signed_in(server, alice)
        visitor = httpx.Client(base_url=server.url, timeout=10)
        start = visitor.get("/en/chat/")
        assert start.status_code == 200
        posted = visitor.post("/en/chat/", data={
            "csrfmiddlewaretoken": _csrf(start.text), "first_name": "Ann",
            "message": "<b>Is fever normal?</b>"}, headers={"Referer": server.url + "/en/chat/"})
        assert posted.status_code == 302 and posted.headers["location"] == "/en/chat/room/"
        room = visitor.get("/en/chat/room/").text
        token = _attr(room, "data-token")
        ws_path = _attr(room, "data-ws-url")
        assert ws_path == f"/ws/chat/visitor/{token}/"
        # the visitor's socket goes with the session cookie the start page set
        visitor_cookie = f"sessionid={visitor.cookies['sessionid']}"

        console = login
        page = console.get("/en/chat/console/")
        assert page.status_code == 200 and "Ann" in page.text

        async def scenario() -> None:
            async with websockets.connect(server.ws_url + ws_path + "?last_seq=0",
                                          origin=origin,
                                          additional_headers={"Cookie": visitor_cookie}) as vws, \
                    websockets.connect(server.ws_url + "/ws/chat/console/", origin=origin,
                                       additional_headers={"Cookie": staff_cookie}) as cws:
                first = await _recv_until(vws, lambda f: f.get("type") == "message")
                assert first[0]["type"] == "state" and first[0]["status"] == "waiting"
                assert first[-1]["text"] == "<b>Is fever normal?</b>" and first[-1]["seq"] == 1
                snapshot = await _recv_until(cws, lambda f: f.get("type") == "queue")
                # the console names the chat by id: it never sees the visitor's token
                items = snapshot[-1]["items"]
                assert token not in json.dumps(snapshot[-1])
                conversation_id = next(i["id"] for i in items if i["visitor_name"] == "Ann")

                # The specialist accepts with the console's form; the visitor learns who joined.
                accept = await asyncio.to_thread(
                    console.post, f"/en/chat/console/c/{conversation_id}/accept/",
                    data={"csrfmiddlewaretoken": _csrf(page.text)},
                    headers={"Referer": server.url + "/en/chat/console/"})
                assert accept.status_code == 302
                joined = await _recv_until(
                    vws, lambda f: f.get("type") == "state" and f.get("status") == "active")
                assert joined[-1]["assigned"]["name"] == "Alice"
                assert joined[-1]["assigned"]["role"]

                view = await asyncio.to_thread(console.get,
                                               f"/en/chat/console/c/{conversation_id}/")
                assert "&lt;b&gt;Is fever normal?&lt;/b&gt;" in view.text
                staff_path = _attr(view.text, "data-ws-url")
                last = max(int(s) for s in re.findall(r'data-seq="(\d+)"', view.text))
                async with websockets.connect(f"{server.ws_url}{staff_path}?last_seq={last}",
                                              origin=origin,
                                              additional_headers={"Cookie": staff_cookie}) as sws:
                    await _recv_until(sws, lambda f: f.get("type") == "state")
                    await sws.send(json.dumps({"type": "message", "id": "s-1", "text": "Hello Ann"}))
                    await _recv_until(sws, lambda f: f.get("type") == "ack" and f["id"] == "s-1")
                    got = await _recv_until(vws, lambda f: f.get("type") == "message"
                                            and f["sender"] == "specialist")
                    assert got[-1]["text"] == "Hello Ann"
                    seen = got[-1]["seq"]

                    # The visitor's page drops; two messages arrive meanwhile; on reconnect
                    # with its last seq it gets exactly those, in order, once.
                    await vws.close()
                    for i in (2, 3):
                        await sws.send(json.dumps({"type": "message", "id": f"s-{i}",
                                                   "text": f"Message {i}"}))
                        await _recv_until(sws, lambda f, i=i: f.get("type") == "ack"
                                          and f["id"] == f"s-{i}")
                async with websockets.connect(f"{server.ws_url}{ws_path}?last_seq={seen}",
                                              origin=origin,
                                              additional_headers={"Cookie": visitor_cookie}
                                              ) as again:
                    frames = await _recv_until(again, lambda f: f.get("text") == "Message 3")
                    texts = [f["text"] for f in frames if f.get("type") == "message"]
                    assert texts == ["Message 2", "Message 3"]

            # A socket from a foreign origin is refused.
            with pytest.raises(websockets.exceptions.InvalidStatus):
                async with websockets.connect(server.ws_url + ws_path,
                                              origin="http://evil.example",
                                              additional_headers={"Cookie": visitor_cookie}):
                    pass

        asyncio.run(scenario())

        # The visitor ends the chat from the page and rates it.
        room = visitor.get("/en/chat/room/").text
        ended = visitor.post("/en/chat/end/", data={"csrfmiddlewaretoken": _csrf(room)},
                             headers={"Referer": server.url + "/en/chat/room/"})
        assert ended.status_code == 302 and ended.headers["location"] == "/en/chat/feedback/"
        feedback = visitor.get("/en/chat/feedback/").text
        rated = visitor.post("/en/chat/feedback/", data={
            "csrfmiddlewaretoken": _csrf(feedback), "rating": "5", "comment": "Thanks"},
            headers={"Referer": server.url + "/en/chat/feedback/"})
        assert rated.status_code == 302
    conversation = Conversation.objects.get(token=token)
    assert conversation.status == "closed" and conversation.rating == 5


@pytest.mark.django_db
@override_settings(HELPLINE_HOURS={"chat": {"always_open": True}})
def test_transcript_is_sent_by_smtp_and_the_address_is_not_kept(mailserver):
    from helpline.common.models import AuditEntry

    client = Client()
    client.post("/es/chat/", {"first_name": "Ana", "message": "¿Qué es el SLC?"})
    client.post("/es/chat/end/")
    bad = client.post("/es/chat/transcript/", {"email": "not-an-address"})
    assert bad.status_code == 400 and not mailserver.messages
    ok = client.post("/es/chat/transcript/", {"email": "ana.visitor@example.org"})
    assert ok.status_code == 302
    assert len(mailserver.messages) == 1
    envelope = mailserver.messages[0]
    assert envelope.rcpt_tos == ["ana.visitor@example.org"]
    body = envelope.content.decode("utf-8", "replace")
    assert "Su chat con" in body or "=?utf-8?" in body
    text = envelope.body
    assert "¿Qué es el SLC?" in text and "Ana" not in text.split("\n")[0]
    conversation = Conversation.objects.get()
    stored = json.dumps(list(Conversation.objects.values()), default=str)
    stored += json.dumps(list(AuditEntry.objects.values()), default=str)
    assert "ana.visitor@example.org" not in stored
    assert conversation.status == "abandoned"
