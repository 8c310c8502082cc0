"""The Redis channel layer of several server processes, against real Redis servers.

Two layer objects with the same prefix stand for two server processes.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest

from helpline.chat.layers import RedisBroadcastLayer
from helpline.common.testing import REDIS_URL, PrivateRedis

pytestmark = pytest.mark.redis


def two_processes(url: str = REDIS_URL, capacity: int = 10):
    prefix = f"test{uuid.uuid4().hex[:8]}"
    return (RedisBroadcastLayer(hosts=[url], prefix=prefix, capacity=capacity),
            RedisBroadcastLayer(hosts=[url], prefix=prefix, capacity=capacity))


async def receive(layer, channel, timeout=3.0):
    return await asyncio.wait_for(layer.receive(channel), timeout)


async def nothing_for(layer, channel, seconds=0.3) -> bool:
    try:
        await asyncio.wait_for(layer.receive(channel), seconds)
    except TimeoutError:
        return True
    return False


async def test_a_group_event_reaches_members_in_every_process_exactly_once():
    a, b = two_processes()
    try:
        on_a, on_b, elsewhere = (await a.new_channel(), await b.new_channel(),
                                 await b.new_channel())
        await a.group_add("chat.conv.1", on_a)
        await b.group_add("chat.conv.1", on_b)
        await b.group_add("chat.conv.2", elsewhere)

        for n in range(3):
            await b.group_send("chat.conv.1", {"type": "chat.message", "n": n})
        assert [(await receive(a, on_a))["n"] for _ in range(3)] == [0, 1, 2]  # in order
        assert [(await receive(b, on_b))["n"] for _ in range(3)] == [0, 1, 2]
        assert await nothing_for(a, on_a)  # the sender's own process is not served twice
        assert await nothing_for(b, on_b)
        assert await nothing_for(b, elsewhere)  # other groups hear nothing

        await a.group_discard("chat.conv.1", on_a)
        await b.group_send("chat.conv.1", {"type": "chat.message", "n": 3})
        assert (await receive(b, on_b))["n"] == 3
        assert await nothing_for(a, on_a)
    finally:
        await a.flush()
        await b.flush()


async def test_events_sent_together_share_a_publish_and_keep_their_order():
    a, b = two_processes(capacity=100)
    watcher = b._client()
    pubsub = watcher.pubsub()
    try:
        on_a = await a.new_channel()
        await a.group_add("chat.conv.7", on_a)
        await b.new_channel()  # b has sockets: it publishes through its own link
        await pubsub.subscribe(b.topic)
        await b.group_send("chat.conv.7", {"type": "chat.message", "n": -1})
        await asyncio.gather(*(b.group_send("chat.conv.7", {"type": "chat.message", "n": n})
                               for n in range(50)))
        assert [(await receive(a, on_a))["n"] for _ in range(51)] == list(range(-1, 50))
        publishes, quiet = 0, 0
        while quiet < 3:  # until nothing more arrives for a while
            item = await pubsub.get_message(timeout=0.3)
            if item is None:
                quiet += 1
            elif item["type"] == "message":
                publishes += 1
        assert 2 <= publishes < 51  # the first alone, the 50 in a few batches
    finally:
        await pubsub.aclose()
        await watcher.aclose()
        await a.flush()
        await b.flush()


async def test_malformed_events_on_the_topic_are_ignored():
    a, b = two_processes()
    try:
        channel = await a.new_channel()
        await a.group_add("chat.queue", channel)
        client = a._client()
        await client.publish(a.topic, b"not json")
        await client.publish(a.topic, b'{"o": "x"}')
        await client.aclose()
        await b.group_send("chat.queue", {"type": "queue.changed"})
        assert (await receive(a, channel))["type"] == "queue.changed"
    finally:
        await a.flush()
        await b.flush()


@pytest.mark.slow
async def test_redis_stopping_is_told_to_every_socket_and_joining_works_again_when_back():
    redis = PrivateRedis().start()
    a, b = two_processes(redis.url)
    try:
        socket_a = await a.new_channel()
        await a.group_add("chat.conv.9", socket_a)
        socket_b = await b.new_channel()
        await b.group_add("chat.conv.9", socket_b)

        await asyncio.to_thread(redis.stop)
        # Each process tells its own sockets, which close and reconnect later.
        assert await receive(a, socket_a, 5) == {"type": "chat.layer_down"}
        assert await receive(b, socket_b, 5) == {"type": "chat.layer_down"}
        with pytest.raises(ConnectionError):
            await a.group_add("chat.conv.9", await a.new_channel())
        with pytest.raises(ConnectionError):  # publishing fails loudly, too
            await b.group_send("chat.conv.9", {"type": "chat.message", "n": 1})

        await asyncio.to_thread(redis.start)
        deadline = asyncio.get_running_loop().time() + 10
        while True:  # a reconnecting socket joins once the layer has subscribed again
            try:
                again = await a.new_channel()
                await a.group_add("chat.conv.9", again)
                break
            except ConnectionError:
                assert asyncio.get_running_loop().time() < deadline, "never came back"
                await asyncio.sleep(0.2)
        while not b._links[asyncio.get_running_loop()].subscribed.is_set():
            await asyncio.sleep(0.1)
        await b.group_send("chat.conv.9", {"type": "chat.message", "n": 2})
        assert (await receive(a, again))["n"] == 2
    finally:
        await a.flush()
        await b.flush()
        redis.stop()


async def test_a_socket_reading_an_inbox_hears_that_redis_stopped_and_gets_group_events():
    redis = PrivateRedis().start()
    a, b = two_processes(redis.url)
    try:
        socket_a = await a.new_channel()
        inbox = a.attach(socket_a)  # as a chat socket of process a reads its events
        await a.group_add("chat.conv.7", socket_a)
        await b.group_send("chat.conv.7", {"type": "chat.message", "n": 1})
        assert (await asyncio.wait_for(inbox.get(), 3))["n"] == 1  # from the other process
        await asyncio.to_thread(redis.stop)
        assert await asyncio.wait_for(inbox.get(), 5) == {"type": "chat.layer_down"}
    finally:
        await a.flush()
        await b.flush()
        redis.stop()
