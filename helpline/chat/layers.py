"""An in-memory channel layer that stays fast with thousands of sockets.

Channels' ``InMemoryChannelLayer`` walks every channel and every group
membership to expire old entries on *each* ``receive`` and ``group_send``, so
its cost grows with the number of open sockets (quadratic under load). This
subclass keeps the same behaviour but sweeps at most once per
``CLEAN_INTERVAL`` seconds, and sends to a group's members directly instead of
creating a task per member. Used when ``REDIS_URL`` is not set (one process).
"""

from __future__ import annotations

import asyncio
import time

from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer as _Base


class InMemoryChannelLayer(_Base):
    CLEAN_INTERVAL = 1.0

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._last_clean = 0.0

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
