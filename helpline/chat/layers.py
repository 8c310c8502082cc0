"""An in-memory channel layer that stays fast with thousands of sockets.

Channels' ``InMemoryChannelLayer`` walks every channel and every group
membership to expire old entries on *each* ``receive`` and ``group_send``, so
its cost grows with the number of open sockets (quadratic under load). This
subclass keeps the same behaviour but sweeps at most once per
``CLEAN_INTERVAL`` seconds, and sends to a group's members directly instead of
creating a task per member. Used when ``REDIS_URL`` is not set (one process).

With ``REDIS_URL``, :class:`RedisBroadcastLayer` adds the other processes: the
same local channels and groups, plus one Redis pub/sub topic for group events.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
import time
import uuid

from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer as _Base

from helpline.common.metrics import REDIS_ERRORS

log = logging.getLogger(__name__)


class Inbox:
    """One socket's queue: its client's frames and its channel's events, in arrival order.

    Channels' consumers wait on two tasks at once (``await_many_dispatch``) and make
    new ones, with their contexts, futures and callbacks, after every message. With
    thousands of sockets those short-lived objects are most of what the garbage
    collector's youngest generation has to walk: 30-50 ms pauses every few seconds
    at 500 messages a second, and now and then a 250 ms one when they are promoted.
    An inbox is a deque that the channel layer fills directly (``attach``), one
    long-lived task that reads the client's frames into it (``pump``), and at most
    one pending future per socket.

    Events are bounded by the channel's capacity (``ChannelFull`` beyond it, as
    with a queue); frames by :attr:`FRAME_LIMIT`: the pump stops reading from the
    client while that many wait, as a consumer that reads one frame at a time does.
    """

    FRAME_LIMIT = 8
    __slots__ = ("items", "events", "frames", "capacity", "waiter", "space")

    def __init__(self, capacity: int) -> None:
        self.items: collections.deque = collections.deque()
        self.events = 0
        self.frames = 0
        self.capacity = capacity
        self.waiter: asyncio.Future | None = None
        self.space: asyncio.Future | None = None

    def put_event(self, message: dict, force: bool = False) -> None:
        if self.events >= self.capacity and not force:
            raise ChannelFull()
        self.events += 1
        self.items.append((True, message))
        self._wake()

    def _wake(self) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def get(self) -> dict:
        while not self.items:
            self.waiter = asyncio.get_running_loop().create_future()
            try:
                await self.waiter
            finally:
                self.waiter = None
        is_event, message = self.items.popleft()
        if is_event:
            self.events -= 1
        else:
            self.frames -= 1
            space = self.space
            if space is not None and not space.done():
                space.set_result(None)
        if isinstance(message, BaseException):
            raise message
        return message

    async def pump(self, receive) -> None:
        """Read the client's ASGI messages into the inbox until it disconnects."""
        try:
            while True:
                message = await receive()
                self.frames += 1
                self.items.append((False, message))
                self._wake()
                if message.get("type") == "websocket.disconnect":
                    return
                while self.frames >= self.FRAME_LIMIT:
                    self.space = asyncio.get_running_loop().create_future()
                    try:
                        await self.space
                    finally:
                        self.space = None
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - raised where the consumer reads it
            self.items.append((False, exc))
            self._wake()


class InMemoryChannelLayer(_Base):
    CLEAN_INTERVAL = 1.0

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._last_clean = 0.0
        self.inboxes: dict[str, Inbox] = {}

    def attach(self, channel: str) -> Inbox:
        """Deliver ``channel``'s messages straight into an :class:`Inbox` (a socket's)
        instead of a queue for ``receive``; anything already queued goes first."""
        inbox = self.inboxes[channel] = Inbox(self.get_capacity(channel))
        queue = self.channels.pop(channel, None)
        while queue is not None and not queue.empty():
            _expires, message = queue.get_nowait()
            inbox.put_event(message, force=True)
        return inbox

    def detach(self, channel: str) -> None:
        self.inboxes.pop(channel, None)

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._last_clean < self.CLEAN_INTERVAL:
            return
        self._last_clean = now
        super()._clean_expired()

    async def group_send(self, group, message):
        assert isinstance(message, dict), "Message is not a dict"
        self.require_valid_group_name(group)
        self._clean_expired()
        for channel in list(self.groups.get(group, {})):
            try:
                await self.send(channel, message)
            except ChannelFull:
                pass

    async def send(self, channel, message):
        """As channels' send, with a shallow copy instead of a deep copy.

        Chat events are built fresh for each publish and never mutated by the
        receiving consumers, so copying the top level is enough.
        """
        assert isinstance(message, dict), "message is not a dict"
        inbox = self.inboxes.get(channel)
        if inbox is not None:
            inbox.put_event(dict(message))
            return
        self.require_valid_channel_name(channel)
        assert "__asgi_channel__" not in message
        queue = self.channels.get(channel)
        if queue is None:
            queue = self.channels[channel] = asyncio.Queue(maxsize=self.get_capacity(channel))
        try:
            queue.put_nowait((time.time() + self.expiry, dict(message)))
        except asyncio.QueueFull:
            raise ChannelFull(channel) from None

    async def flush(self):
        await super().flush()
        self._last_clean = 0.0
        self.inboxes.clear()


class RedisBroadcastLayer(InMemoryChannelLayer):
    """Several server processes, one Redis: local sockets, groups fanned out by pub/sub.

    Chat sockets only ever receive on their own channel, and every cross-process
    event is a *group* send (a conversation, the queue, one staff member). So
    each process keeps its channels and group memberships in memory exactly as
    :class:`InMemoryChannelLayer` does, and a ``group_send`` delivers to the
    local members and publishes the event once on a Redis pub/sub topic that
    every process subscribes to; each process hands it to its own members of
    that group. At most one ``PUBLISH`` per event (events that pile up while
    one is in flight share the next) instead of channels_redis' per-event group
    lookup, Lua script and per-socket list pushes.

    Redis going away is never silent: the subscribing connection does not
    reconnect behind our back (events published meanwhile would be missed), so
    the process tells each of its sockets ``chat.layer_down`` (they close with
    "try again later", and clients reconnect and resume by sequence number),
    refuses new group joins while Redis is down, and subscribes again as soon
    as it is back. ``send`` to a single channel is local to the process.
    """

    RETRY_SECONDS = 0.5
    JOIN_WAIT_SECONDS = 3.0
    DOWN_EVENT = {"type": "chat.layer_down"}

    def __init__(self, hosts=None, prefix: str = "helpline", **kwargs) -> None:
        kwargs.pop("symmetric_encryption_keys", None)
        super().__init__(**kwargs)
        host = (hosts or ["redis://127.0.0.1:6379/0"])[0]
        self.url = host if isinstance(host, str) else host.get("address")
        self.topic = f"{prefix}.groups"
        self.origin = uuid.uuid4().hex
        self._own_prefix = f'{{"o":"{self.origin}"'.encode()
        self._links: dict = {}  # event loop -> _Link

    # per event loop: a publishing client and a listening task ---------------

    def _link(self, start_listener: bool):
        loop = asyncio.get_running_loop()
        for old in [lp for lp in self._links if lp.is_closed()]:
            self._links.pop(old, None)
        link = self._links.get(loop)
        if link is None:
            link = self._links[loop] = _Link(self._client())
        if start_listener and link.listener is None:
            link.listener = loop.create_task(self._listen(link))
        return link

    def _client(self, **kwargs):
        import redis.asyncio as redis

        return redis.from_url(self.url, socket_connect_timeout=2, **kwargs)

    async def _listen(self, link) -> None:
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        while True:
            # No silent reconnects: a gap in the subscription must be seen.
            client = self._client(retry=Retry(NoBackoff(), 0), health_check_interval=0)
            pubsub = client.pubsub()
            try:
                await pubsub.subscribe(self.topic)
                link.down = False
                link.subscribed.set()
                async for item in pubsub.listen():
                    if item.get("type") == "message":
                        await self._deliver(item["data"])
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - Redis stopped or unreachable
                REDIS_ERRORS.inc()
                if not link.down:
                    log.warning("chat: Redis channel layer unavailable: %r", exc)
                    link.down = True
                    link.subscribed.clear()
                    self._tell_local_sockets_down()
                await asyncio.sleep(self.RETRY_SECONDS)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                with contextlib.suppress(Exception):
                    await client.aclose()

    async def _deliver(self, data: bytes) -> None:
        if data.startswith(self._own_prefix):
            return  # published here: already delivered to the local members
        try:
            events = json.loads(data)["e"]
            pairs = [(group, message) for group, message in events
                     if isinstance(group, str) and isinstance(message, dict)]
        except (ValueError, KeyError, TypeError):
            log.warning("chat: ignored a malformed event on %s", self.topic)
            return
        for group, message in pairs:
            await super().group_send(group, message)

    def _tell_local_sockets_down(self) -> None:
        """Every local socket (a member of some group, or waiting on its channel) hears it."""
        targets = set(self.channels) | set(self.inboxes)
        for members in self.groups.values():
            targets.update(members)
        for channel in targets:
            inbox = self.inboxes.get(channel)
            if inbox is not None:
                inbox.put_event(dict(self.DOWN_EVENT), force=True)
                continue
            queue = self.channels.get(channel)
            if queue is None:
                queue = self.channels[channel] = asyncio.Queue(maxsize=self.get_capacity(channel))
            if queue.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
            queue.put_nowait((time.time() + self.expiry, dict(self.DOWN_EVENT)))

    # the layer API ------------------------------------------------------------

    async def new_channel(self, prefix: str = "specific."):
        self._link(start_listener=True)  # this process now has sockets: listen for groups
        return await super().new_channel(prefix)

    async def group_add(self, group, channel):
        link = self._link(start_listener=True)
        if not link.subscribed.is_set():
            if link.down:
                raise ConnectionError("the Redis channel layer is unavailable")
            try:
                await asyncio.wait_for(link.subscribed.wait(), self.JOIN_WAIT_SECONDS)
            except TimeoutError:
                raise ConnectionError("the Redis channel layer is unavailable") from None
        await super().group_add(group, channel)

    async def group_send(self, group, message):
        """Deliver to local members, then publish for the other processes.

        Events sent while a PUBLISH is in flight leave together in the next one (in
        the order they were sent), so under load a process makes one Redis round
        trip per batch rather than per event. Returns once this event is published;
        raises ``ConnectionError`` if Redis refused it.
        """
        await super().group_send(group, message)
        link = self._links.get(asyncio.get_running_loop())
        if link is not None:
            await link.publish(self, (group, message))
            return
        await self._publish([(group, message)])  # a one-off loop (a command, async_to_sync)

    def _payload(self, events: list) -> str:
        # The origin leads the payload, so a process skips its own events unparsed.
        return json.dumps({"o": self.origin, "e": events}, separators=(",", ":"), default=str)

    async def _publish(self, events: list, client=None) -> None:
        from redis.exceptions import RedisError

        try:
            if client is not None:
                await client.publish(self.topic, self._payload(events))
                return
            client = self._client()
            try:
                await client.publish(self.topic, self._payload(events))
            finally:
                await client.aclose()
        except RedisError as exc:
            REDIS_ERRORS.inc()
            raise ConnectionError(f"the Redis channel layer is unavailable: {exc}") from exc

    async def flush(self):
        await super().flush()
        link = self._links.pop(asyncio.get_running_loop(), None)
        if link is not None:
            await link.close()


class _Link:
    def __init__(self, client) -> None:
        self.client = client
        self.listener: asyncio.Task | None = None
        self.subscribed = asyncio.Event()
        self.down = False
        self._batch: list = []
        self._batch_done: asyncio.Future | None = None
        self._sending = False
        self._sender: asyncio.Task | None = None  # held: the loop keeps only weak references

    async def publish(self, layer: RedisBroadcastLayer, event: tuple) -> None:
        """Queue ``event`` for the next PUBLISH of this loop and wait until it is sent."""
        loop = asyncio.get_running_loop()
        if self._batch_done is None:
            self._batch_done = loop.create_future()
        done = self._batch_done
        self._batch.append(event)
        if not self._sending:
            self._sending = True
            self._sender = loop.create_task(self._send_batches(layer))
        await asyncio.shield(done)

    async def _send_batches(self, layer: RedisBroadcastLayer) -> None:
        try:
            while self._batch:  # one PUBLISH in flight at a time keeps events in order
                events, done = self._batch, self._batch_done
                self._batch, self._batch_done = [], None
                try:
                    await layer._publish(events, self.client)
                except Exception as exc:  # noqa: BLE001 - every waiting sender gets the error
                    done.set_exception(exc)
                    done.exception()  # marked retrieved: the senders re-raise it
                else:
                    done.set_result(None)
        finally:
            self._sending = False

    async def close(self) -> None:
        if self.listener is not None:
            self.listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.listener
        with contextlib.suppress(Exception):
            await self.client.aclose()
