"""Websocket fallback: any path no app routes is refused cleanly (HTTP 403 at the
handshake) instead of raising "No route found" (an HTTP 500 and a traceback)."""

from __future__ import annotations

from channels.generic.websocket import AsyncWebsocketConsumer


class NoRouteConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        await self.close(code=4404)
