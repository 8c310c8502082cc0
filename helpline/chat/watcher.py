"""Per-process background work of live chat: the queue watcher and the frame rate limit.

The watcher is one per server process (per event loop). A change to the queue
(join, accept, abandon, transfer, urgent flag, who is on duty) is published once
on the ``chat.queue`` group; every process's watcher hears it once, reads the
waiting queue with one query and the positions with one more, and then

* pushes a ``queue_position`` to each local waiting visitor whose position,
  on-duty count or estimate changed (computed once per change per language);
* tells each local console "the queue is now version N": the console filters
  the shared rows for its person in memory;
* when a local socket shows the live summary (a supervisor's console, the
  dashboard's live panel), reads it once (on duty, queue length and longest
  wait per language; two queries) and tells those sockets its version.

No socket reads the database for a queue change, so the cost of a change is
two queries (two more while a live summary is shown) plus a small in-memory pass per
socket, and a tick with no change costs nothing per socket.

Every ``TICK_SECONDS`` the watcher records heartbeats for its local sockets
(visitor ``visitor_last_seen``, staff ``last_seen``) and marks visitors gone
past the grace period as abandoned — crash-safe, because a dead process simply
stops vouching for its sockets. Presence that lapses (a console gone quiet
elsewhere) changes who is on duty: the tick checks that with one query and
publishes a queue change only when the on-duty counts moved.
"""

from __future__ import annotations

import asyncio
import logging
import time

from channels.db import database_sync_to_async
from channels.exceptions import ChannelFull
from channels.layers import get_channel_layer

from . import events, selectors, services

log = logging.getLogger(__name__)

_SERIAL_DB: bool | None = None


def db(fn):
    """Run a database function from async code.

    SQLite takes one writer at a time, so its calls share Channels' single
    database thread; PostgreSQL serves many at once, so there the calls run on
    a pool of threads (each with its own connection) and wait on row locks,
    not on each other.
    """
    global _SERIAL_DB
    if _SERIAL_DB is None:
        from django.db import connection

        _SERIAL_DB = connection.vendor == "sqlite"
    return database_sync_to_async(fn, thread_sensitive=_SERIAL_DB)


class TokenBucket:
    """Per-socket flood limit: ``burst`` frames at once, refilled at ``rate`` per second."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self.tokens = float(burst)
        self.updated = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class QueueWatcher:
    """One per server process (per event loop): keeps local sockets' queue views fresh."""

    _by_loop: dict = {}

    def __init__(self) -> None:
        self.layer = get_channel_layer()
        self.visitors: dict[str, set[str]] = {}  # token hex -> channel names
        self.consoles: dict[str, int] = {}  # channel name -> user id
        self.staff_sockets: dict[str, int] = {}  # channel name -> user id
        # Sockets shown the live summary (supervisors' consoles and dashboard panels):
        # channel name -> user id. The frame is built once per change and shared.
        self.summaries: dict[str, int] = {}
        self.summary_frame: dict | None = None
        self.summary_version = 0
        self.last_positions: dict[str, tuple] = {}
        # The waiting queue as last read (shared by every local console) and its version.
        self.queue_rows: list[dict] = []
        self.version = 0
        self.on_duty: dict[str, int] | None = None
        self._pending = False
        self._layer_down_logged = False
        self._tasks: list[asyncio.Task] = []
        self.channel: str | None = None

    @classmethod
    async def get(cls) -> QueueWatcher:
        loop = asyncio.get_running_loop()
        watcher = cls._by_loop.get(loop)
        if watcher is None:
            for old_loop in [lp for lp in cls._by_loop if lp.is_closed()]:
                cls._by_loop.pop(old_loop, None)
            watcher = cls._by_loop[loop] = cls()
            await watcher.start()
        return watcher

    async def start(self) -> None:
        self.channel = await self.layer.new_channel()
        try:
            await self.layer.group_add(events.QUEUE_GROUP, self.channel)
        except Exception:  # noqa: BLE001 - Redis down: the tick re-joins every TICK_SECONDS
            log.warning("chat: queue watcher could not join its group yet")
        self._tasks = [asyncio.create_task(self._listen()), asyncio.create_task(self._tick())]

    async def _listen(self) -> None:
        while True:
            try:
                await self.layer.receive(self.channel)
                self.mark_dirty()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - keep listening (e.g. Redis restarted)
                log.exception("chat: queue listener error")
                await asyncio.sleep(1)

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(selectors.chat_setting("TICK_SECONDS"))
            try:
                await self.heartbeat()
                await db(services.conversations_abandon_stale)()
                # Re-join the group now and then: Redis group membership expires.
                await self.layer.group_add(events.QUEUE_GROUP, self.channel)
                await self.check_on_duty()
            except asyncio.CancelledError:
                raise
            except ConnectionError as exc:  # the channel layer (Redis) is down: said once
                if not self._layer_down_logged:
                    log.warning("chat: queue tick could not reach the channel layer: %s", exc)
                    self._layer_down_logged = True
                continue
            except Exception:  # noqa: BLE001 - a failed tick is retried on the next one
                log.exception("chat: queue tick failed")
            self._layer_down_logged = False

    async def heartbeat(self) -> None:
        tokens = list(self.visitors)
        staff = set(self.consoles.values()) | set(self.staff_sockets.values())
        if tokens:
            await db(services.visitor_seen)(tokens)
        if staff:
            await db(services.specialist_heartbeat)(staff)

    async def check_on_duty(self) -> None:
        """Presence lapses without any write: when the on-duty counts move, refresh once."""
        if not (self.visitors or self.consoles or self.summaries):
            return
        on_duty = await db(selectors.specialists_online_by_language)()
        if self.on_duty is not None and on_duty != self.on_duty:
            self.mark_dirty()
        self.on_duty = on_duty

    def mark_dirty(self) -> None:
        if self._pending:
            return
        self._pending = True
        loop = asyncio.get_running_loop()
        delay = selectors.chat_setting("QUEUE_PUSH_DEBOUNCE_SECONDS")
        loop.call_later(delay, lambda: asyncio.ensure_future(self._refresh_logged()))

    async def _refresh_logged(self) -> None:
        try:
            await self.refresh()
        except Exception:  # noqa: BLE001 - the next change or tick pushes again
            log.exception("chat: queue refresh failed")

    async def _notify(self, channel: str, event: dict) -> None:
        """Send to one local socket; a full inbox skips this update (the next one follows)."""
        try:
            await self.layer.send(channel, event)
        except ChannelFull:
            log.warning("chat: %s skipped for a busy socket", event["type"])

    async def refresh(self) -> None:
        self._pending = False
        if self.visitors:
            positions = await db(selectors.queue_positions)()
            for token_hex, channels in list(self.visitors.items()):
                info = positions.get(token_hex)
                if info is None:
                    continue
                key = (info["position"], info["specialists_online"], info["estimated_wait_seconds"])
                if self.last_positions.get(token_hex) == key:
                    continue
                self.last_positions[token_hex] = key
                for channel in list(channels):
                    await self._notify(channel, {"type": "chat.position", **info})
        if self.consoles:
            self.queue_rows = await db(selectors.queue_rows)()
            self.version += 1
            for channel in list(self.consoles):
                await self._notify(channel, {"type": "chat.queue_rows", "version": self.version})
        if self.summaries:
            await self.read_summary()
            for channel in list(self.summaries):
                await self._notify(channel, {"type": "chat.live_summary",
                                             "version": self.summary_version})

    async def read_summary(self) -> dict:
        """Read the live summary (two queries) and keep its frame for every local socket."""
        summary = await db(selectors.live_summary)()
        frame = events.live_summary_frame(summary)
        self.summary_frame, self.summary_version = frame, self.summary_version + 1
        if self.on_duty is None:
            # The tick's first reading (the same as specialists_online_by_language), so a
            # change of duty from now on is noticed. A later one is left to the tick, which
            # refreshes every kind of socket when it sees a change.
            self.on_duty = {row["language"]: row["on_duty"]
                            for row in summary["languages"] if row["on_duty"]}
        return frame

    async def add_summary(self, channel: str, user_id: int) -> dict:
        """A socket that shows the live summary: its first frame. The frame kept since the
        last change is current while some local socket has been watching; otherwise
        (no change was read for nobody) it is read now."""
        watched = bool(self.summaries) and self.summary_frame is not None
        self.summaries[channel] = user_id
        return self.summary_frame if watched else await self.read_summary()

    def remove_summary(self, channel: str) -> None:
        self.summaries.pop(channel, None)
        if not self.summaries:
            self.summary_frame = None  # no longer kept current: read again when needed

    def add_visitor(self, token_hex: str, channel: str) -> None:
        self.visitors.setdefault(token_hex, set()).add(channel)
        self.last_positions.pop(token_hex, None)
        self.mark_dirty()

    def remove_visitor(self, token_hex: str, channel: str) -> None:
        channels = self.visitors.get(token_hex)
        if channels is not None:
            channels.discard(channel)
            if not channels:
                self.visitors.pop(token_hex, None)
                self.last_positions.pop(token_hex, None)
