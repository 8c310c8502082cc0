"""Regression: a specialist's message reaches the visitor's socket on a real server, also
after the visitor has sent messages of its own (the sender gets an ``ack`` with the seq,
not an echo, and the other party gets the ``message`` frame)."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets

from helpline.chat import services
from helpline.chat.models import Message
from helpline.common.testing import running_server, visitor_session_cookie

from .test_ui_live import OPEN_JSON, _recv_until, _staff_cookie


@pytest.mark.django_db(transaction=True)
def test_specialist_message_reaches_the_visitor_after_the_visitor_spoke(staff_factory):
    alice = staff_factory(first_name="Alice", languages=["en"])
    conversation = services.conversation_start(language="en", visitor_name="Ann")
    token = str(conversation.token)
    services.conversation_accept(alice, token)
    joined_seq = Message.objects.filter(conversation=conversation).order_by("-seq").first().seq

    with running_server(HELPLINE_HOURS_JSON=OPEN_JSON) as server:
        cookie = _staff_cookie(server, alice)
        visitor_cookie = visitor_session_cookie(token)

        async def scenario() -> None:
            vws = await websockets.connect(
                f"{server.ws_url}/ws/chat/visitor/{token}/?last_seq={joined_seq}", origin=server.url,
                additional_headers={"Cookie": visitor_cookie})
            sws = await websockets.connect(
                f"{server.ws_url}/ws/chat/staff/{conversation.pk}/?last_seq={joined_seq}", origin=server.url,
                additional_headers={"Cookie": cookie})
            try:
                await _recv_until(vws, lambda f: f.get("type") == "state")
                await _recv_until(sws, lambda f: f.get("type") == "state")
                for round_ in range(3):
                    # The visitor speaks: its own socket gets an ack with the seq, no echo.
                    await vws.send(json.dumps({"type": "message", "id": f"v-{round_}",
                                               "text": f"visitor {round_}"}))
                    ack = (await _recv_until(vws, lambda f: f.get("type") == "ack"))[-1]
                    assert ack["id"] == f"v-{round_}" and ack["duplicate"] is False
                    got = await _recv_until(sws, lambda f: f.get("type") == "message")
                    assert got[-1]["text"] == f"visitor {round_}" and got[-1]["seq"] == ack["seq"]

                    # The specialist answers: the visitor receives it, numbered next.
                    await sws.send(json.dumps({"type": "message", "id": f"s-{round_}",
                                               "text": f"specialist {round_}"}))
                    sack = (await _recv_until(sws, lambda f: f.get("type") == "ack"))[-1]
                    assert sack["seq"] == ack["seq"] + 1
                    frames = await _recv_until(vws, lambda f: f.get("type") == "message")
                    messages = [f for f in frames if f.get("type") == "message"]
                    assert [(m["seq"], m["sender"], m["text"]) for m in messages] == [
                        (sack["seq"], "specialist", f"specialist {round_}")]
                # Nothing was echoed to either sender.
                await vws.send(json.dumps({"type": "ping"}))
                rest = await _recv_until(vws, lambda f: f.get("type") == "pong")
                assert [f for f in rest if f.get("type") == "message"] == []
            finally:
                await vws.close()
                await sws.close()

        asyncio.run(scenario())

    texts = list(Message.objects.filter(conversation=conversation, seq__gt=joined_seq)
                 .order_by("seq").values_list("text", flat=True))
    assert texts == [t for r in range(3) for t in (f"visitor {r}", f"specialist {r}")]
