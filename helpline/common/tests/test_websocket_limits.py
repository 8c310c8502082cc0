"""Websocket connection attempts are limited per address and per conversation."""

from __future__ import annotations

import pytest
from channels.testing import WebsocketCommunicator

from helpline.asgi import application
from helpline.common.testing import same_origin_headers

pytestmark = pytest.mark.django_db(transaction=True)


async def _cookie(path: str) -> bytes:
    from asgiref.sync import sync_to_async

    from helpline.common.testing import visitor_session_cookie

    return (await sync_to_async(visitor_session_cookie)(path.split("/")[4])).encode()


async def _try(path: str, ip: str) -> bool:
    communicator = WebsocketCommunicator(application, path,
                                         headers=[*same_origin_headers(),
                                                  (b"cookie", await _cookie(path))])
    communicator.scope["client"] = (ip, 50000)
    connected, _ = await communicator.connect(timeout=5)
    await communicator.disconnect()
    return connected


async def test_per_conversation_and_per_address(settings) -> None:
    from asgiref.sync import sync_to_async

    from helpline.chat import services

    settings.HELPLINE_WS_CONNECT_LIMITS = {"ip": (5, 60), "conversation": (3, 60)}
    start = sync_to_async(services.conversation_start)
    shared = await start(language="en", first_message="hi")
    fresh = [await start(language="en", first_message="hi") for _ in range(6)]
    # Per conversation: the 4th attempt on one conversation is refused, whoever asks.
    path = f"/ws/chat/visitor/{shared.token}/"
    assert [await _try(path, f"10.0.0.{i}") for i in range(4)] == [True, True, True, False]
    # Per address: five attempts (on fresh conversations), then refused.
    results = [await _try(f"/ws/chat/visitor/{c.token}/", "10.9.9.9") for c in fresh]
    assert results == [True, True, True, True, True, False]
    # Another address is not affected.
    assert await _try(f"/ws/chat/visitor/{fresh[-1].token}/", "10.8.8.8") is True


async def test_loopback_without_proxy_header_is_not_counted_per_address(settings) -> None:
    from asgiref.sync import sync_to_async

    from helpline.chat import services

    settings.HELPLINE_WS_CONNECT_LIMITS = {"ip": (2, 60), "conversation": (3, 60)}
    start = sync_to_async(services.conversation_start)
    convs = [await start(language="en", first_message="hi") for _ in range(4)]
    assert all([await _try(f"/ws/chat/visitor/{c.token}/", "127.0.0.1") for c in convs])
    # Behind a proxy, the forwarded address is counted.
    settings.HELPLINE_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    results = []
    for c in convs:
        communicator = WebsocketCommunicator(
            application, f"/ws/chat/visitor/{c.token}/",
            headers=[*same_origin_headers(), (b"x-forwarded-for", b"203.0.113.5"),
                     (b"cookie", await _cookie(f"/ws/chat/visitor/{c.token}/"))])
        communicator.scope["client"] = ("127.0.0.1", 50000)
        connected, _ = await communicator.connect(timeout=5)
        await communicator.disconnect()
        results.append(connected)
    assert results == [True, True, False, False]
