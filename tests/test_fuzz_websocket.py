"""Hypothesis-driven malformed websocket frames against the chat consumers,
over real websocket connections to a real server process.

Every example opens a fresh visitor socket (so the per-connection rate limit
never hides a frame), sends a mix of garbage and plausible frames, then a ping.
The server must answer every frame without a ``server_error``, keep the socket
open (the ping gets its pong), and store exactly the messages it acknowledged.
"""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.sync.client import connect

from helpline.common.testing import running_server

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8),
                                                                      children, max_size=4),
    max_leaves=10,
)
anything = json_values | st.text(max_size=5000) | st.integers(min_value=-(2**70), max_value=2**70)

typed_frames = st.fixed_dictionaries(
    {"type": st.sampled_from(["message", "resume", "ping", "typing", "rate", "accept", "transfer",
                              "suggest", "status", "", "MESSAGE", "__proto__"]) | st.text(max_size=10)},
    optional={"id": anything, "text": anything, "last_seq": anything, "rating": anything,
              "comment": anything, "token": anything, "to_user": anything},
)
valid_messages = st.builds(lambda text: {"type": "message", "id": str(uuid.uuid4()), "text": text},
                           st.text(min_size=1, max_size=300).filter(lambda t: t.strip()))

frames = st.one_of(
    typed_frames.map(json.dumps),
    valid_messages.map(json.dumps),
    json_values.map(json.dumps),
    st.text(max_size=300),                       # not JSON at all
    st.binary(max_size=200),                     # binary frames
    st.just("x" * 20_000),                       # over the frame size limit
    st.just('{"type": "message", "id": "a", "text": "' + "y" * 5000 + '"}'),
    st.just('{"type": "message", "id": "' + "z" * 100 + '", "text": "hi"}'),
)


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with running_server() as srv:
            yield srv


def _start_conversation() -> str:
    from helpline.chat import services

    return str(services.conversation_start(language="en", first_message="hello").token)


def _id_of(token: str) -> int:
    from helpline.chat.models import Conversation

    return Conversation.objects.get(token=token).pk


def _stored(token: str) -> list[tuple[str, str]]:
    from helpline.chat.models import Message

    return list(Message.objects.filter(conversation__token=token, sender="visitor")
                .order_by("seq").values_list("client_id", "text"))


def _is_ping(frame) -> bool:
    try:
        data = json.loads(frame) if isinstance(frame, str) and len(frame) <= 16384 else None
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("type") == "ping"


def _exchange(url: str, to_send: list) -> list[dict]:
    from helpline.common.testing import visitor_session_cookie

    # the visitor's own browser session (bound to the chat when it started)
    cookie = visitor_session_cookie(url.split("/")[-2])
    received = []
    # Generated frames may include pings: wait for the pong of the final one.
    pongs_wanted = 1 + sum(1 for frame in to_send if _is_ping(frame))
    origin = "http://" + url.split("/")[2]
    with connect(url, origin=origin, open_timeout=10, max_size=2**20,
                 additional_headers={"Cookie": cookie}) as ws:
        for frame in to_send:
            ws.send(frame)
        ws.send(json.dumps({"type": "ping"}))
        while True:
            frame = json.loads(ws.recv(timeout=10))
            received.append(frame)
            if frame.get("type") == "pong":
                pongs_wanted -= 1
                if pongs_wanted == 0:
                    return received


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(to_send=st.lists(frames, min_size=1, max_size=12))
def test_visitor_socket_survives_malformed_frames(server, to_send) -> None:
    token = _start_conversation()
    received = _exchange(f"{server.ws_url}/ws/chat/visitor/{token}/", to_send)
    errors = [f for f in received if f.get("type") == "error"]
    assert not [f for f in errors if f.get("code") == "server_error"], errors
    assert all(isinstance(f.get("message"), str) and f["message"] for f in errors)
    acked = [f for f in received if f.get("type") == "ack"]
    new_ids = [f["id"] for f in acked if not f.get("duplicate")]
    stored = _stored(token)
    # The first message came with the start; afterwards exactly the acknowledged ones.
    # An empty id is no id: stored without one (and not de-duplicated).
    assert [cid for cid, _ in stored[1:]] == [mid or None for mid in new_ids]
    given_ids = [mid for mid in new_ids if mid]
    assert len(set(given_ids)) == len(given_ids)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(token=st.text(max_size=60) | st.uuids().map(str),
       query=st.text(max_size=40))
def test_bad_tokens_and_queries_are_refused_cleanly(server, token, query) -> None:
    from urllib.parse import quote

    from websockets.exceptions import InvalidStatus

    path = f"/ws/chat/visitor/{quote(token, safe='')}/?{quote(query, safe='=&')}"
    try:
        with connect(f"{server.ws_url}{path}", origin=server.url, open_timeout=10) as ws:
            ws.send(json.dumps({"type": "ping"}))
            while True:
                frame = json.loads(ws.recv(timeout=10))
                assert frame["type"] != "error" or frame.get("code") != "server_error"
                if frame["type"] == "pong":
                    break
    except InvalidStatus as error:
        assert error.response.status_code in (403, 404)
    assert "No route found" not in server.log()
    assert "Internal Server Error" not in server.log()


def test_staff_socket_refuses_visitors(server) -> None:
    from websockets.exceptions import InvalidStatus

    token = _start_conversation()
    with pytest.raises(InvalidStatus) as info:
        with connect(f"{server.ws_url}/ws/chat/staff/{_id_of(token)}/", origin=server.url,
                     open_timeout=10):
            pass
    assert info.value.response.status_code == 403


def test_foreign_origin_refused(server) -> None:
    from websockets.exceptions import InvalidStatus

    token = _start_conversation()
    with pytest.raises(InvalidStatus):
        with connect(f"{server.ws_url}/ws/chat/visitor/{token}/", origin="https://evil.example",
                     open_timeout=10):
            pass
