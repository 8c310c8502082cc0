"""A socket's inbox (``layers.Inbox``): the client's frames and the channel's events in
arrival order, bounded like a channel, and fed straight by the in-memory layer."""

from __future__ import annotations

import asyncio

import pytest
from channels.exceptions import ChannelFull

from helpline.chat.layers import Inbox, InMemoryChannelLayer


class Client:
    """An ASGI ``receive`` fed by the test: frames arrive when the test puts them."""

    def __init__(self) -> None:
        self.frames: asyncio.Queue = asyncio.Queue()
        self.read = 0

    async def receive(self) -> dict:
        message = await self.frames.get()
        self.read += 1
        if isinstance(message, BaseException):
            raise message
        return message


def frame(n: int) -> dict:
    return {"type": "websocket.receive", "text": str(n)}


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_frames_and_events_come_out_in_the_order_they_arrived():
    inbox, client = Inbox(capacity=10), Client()
    pump = asyncio.get_running_loop().create_task(inbox.pump(client.receive))
    try:
        client.frames.put_nowait(frame(1))
        await settle()
        inbox.put_event({"type": "chat.message", "n": 2})
        client.frames.put_nowait(frame(3))
        await settle()
        got = [await asyncio.wait_for(inbox.get(), 1) for _ in range(3)]
        assert got == [frame(1), {"type": "chat.message", "n": 2}, frame(3)]
        # Nothing more: the next get waits until something arrives.
        waiting = asyncio.get_running_loop().create_task(inbox.get())
        await settle()
        assert not waiting.done()
        inbox.put_event({"type": "chat.state"})
        assert await asyncio.wait_for(waiting, 1) == {"type": "chat.state"}
    finally:
        pump.cancel()


async def test_events_beyond_the_capacity_are_refused_like_a_full_channel():
    inbox = Inbox(capacity=3)
    for n in range(3):
        inbox.put_event({"type": "chat.message", "n": n})
    with pytest.raises(ChannelFull):
        inbox.put_event({"type": "chat.message", "n": 3})
    inbox.put_event({"type": "chat.layer_down"}, force=True)  # a closing notice still goes in
    assert [(await inbox.get())["n"] for _ in range(2)] == [0, 1]
    inbox.put_event({"type": "chat.message", "n": 4})  # room again once read
    assert [(await inbox.get()).get("n") for _ in range(3)] == [2, None, 4]


async def test_the_pump_stops_reading_the_client_while_frames_wait():
    inbox, client = Inbox(capacity=10), Client()
    for n in range(Inbox.FRAME_LIMIT + 5):
        client.frames.put_nowait(frame(n))
    pump = asyncio.get_running_loop().create_task(inbox.pump(client.receive))
    try:
        await settle()
        assert client.read == Inbox.FRAME_LIMIT  # the rest stay with the client
        assert (await inbox.get()) == frame(0)
        await settle()
        assert client.read == Inbox.FRAME_LIMIT + 1
        got = [await asyncio.wait_for(inbox.get(), 1) for _ in range(Inbox.FRAME_LIMIT + 4)]
        assert got == [frame(n) for n in range(1, Inbox.FRAME_LIMIT + 5)]
    finally:
        pump.cancel()


async def test_a_disconnect_ends_the_pump_and_a_receive_error_reaches_the_reader():
    inbox, client = Inbox(capacity=10), Client()
    pump = asyncio.get_running_loop().create_task(inbox.pump(client.receive))
    client.frames.put_nowait({"type": "websocket.disconnect", "code": 1006})
    assert await asyncio.wait_for(inbox.get(), 1) == {"type": "websocket.disconnect", "code": 1006}
    await asyncio.wait_for(pump, 1)  # ended by itself: nothing is read after a disconnect

    inbox, client = Inbox(capacity=10), Client()
    pump = asyncio.get_running_loop().create_task(inbox.pump(client.receive))
    client.frames.put_nowait(RuntimeError("the connection broke"))
    with pytest.raises(RuntimeError, match="the connection broke"):
        await asyncio.wait_for(inbox.get(), 1)
    await asyncio.wait_for(pump, 1)


async def test_the_layer_delivers_into_an_attached_inbox_and_to_a_queue_after_detach():
    layer = InMemoryChannelLayer(capacity=5)
    channel = await layer.new_channel()
    await layer.group_add("chat.conv.1", channel)
    await layer.send(channel, {"type": "chat.state", "n": 0})  # before the socket attached
    inbox = layer.attach(channel)
    await layer.group_send("chat.conv.1", {"type": "chat.message", "n": 1})
    await layer.send(channel, {"type": "chat.typing", "n": 2})
    assert [(await inbox.get())["n"] for _ in range(3)] == [0, 1, 2]
    assert channel not in layer.channels  # no queue kept for an attached socket

    event = {"type": "chat.message", "n": 3}
    await layer.group_send("chat.conv.1", event)
    delivered = await inbox.get()
    assert delivered == event and delivered is not event  # each socket gets its own copy

    layer.detach(channel)
    await layer.group_send("chat.conv.1", {"type": "chat.message", "n": 4})
    assert (await asyncio.wait_for(layer.receive(channel), 1))["n"] == 4
