"""Websocket fallback: any path no app routes is refused cleanly (HTTP 403 at the
handshake) instead of raising "No route found" (an HTTP 500 and a traceback)."""

from __future__ import annotations

from channels.generic.websocket import AsyncWebsocketConsumer


class NoRouteConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        await self.close(code=4404)


# Connection attempts allowed per window, per client address and per conversation.
DEFAULT_CONNECT_LIMITS = {"ip": (120, 60), "conversation": (60, 60)}
CLOSE_RATE_LIMITED = 4429


def _client_ip(scope) -> str:
    from django.conf import settings

    header = getattr(settings, "HELPLINE_TRUSTED_PROXY_HEADER", "")
    if header.startswith("HTTP_"):
        wanted = header[5:].replace("_", "-").lower().encode()
        for name, value in scope.get("headers", []):
            if name.lower() == wanted and value:
                return value.decode("latin-1").split(",")[-1].strip()
    client = scope.get("client") or ("unknown", 0)
    return str(client[0])


def connection_allowed(scope) -> bool:
    """Count one websocket connection attempt; False once a limit is reached."""
    from django.conf import settings

    from helpline.common.ratelimit import hit

    limits = {**DEFAULT_CONNECT_LIMITS, **getattr(settings, "HELPLINE_WS_CONNECT_LIMITS", {})}
    ip = _client_ip(scope)
    # Loopback without a trusted proxy header is a local test or load run, or a proxy
    # that does not pass the client address: counting it would throttle everyone at
    # once. Set HELPLINE_TRUSTED_PROXY_HEADER behind a proxy.
    local = ip in ("127.0.0.1", "::1", "localhost") and not getattr(
        settings, "HELPLINE_TRUSTED_PROXY_HEADER", "")
    limit, window = limits["ip"]
    if not local and not hit(f"ws-connect:ip:{ip}", limit, window):
        return False
    kwargs = (scope.get("url_route") or {}).get("kwargs", {})
    token = kwargs.get("token") or kwargs.get("conversation_id")
    if token:
        limit, window = limits["conversation"]
        if not hit(f"ws-connect:conv:{str(token)[:64]}", limit, window):
            return False
    return True


async def refuse(receive, send, code: int = CLOSE_RATE_LIMITED) -> None:
    """Refuse a websocket at the handshake (the client sees HTTP 403)."""
    message = await receive()
    if message.get("type") == "websocket.connect":
        await send({"type": "websocket.close", "code": code})


# --- Origin ------------------------------------------------------------------------


def _header(scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def origin_allowed(scope) -> bool:
    """The browser's ``Origin`` must be this site's own origin: the same scheme, host and
    port as the page (the ``Host`` header, a host in ``ALLOWED_HOSTS``, ``https`` when
    ``HELPLINE_HTTPS`` is on or the socket is ``wss``), or one of ``CSRF_TRUSTED_ORIGINS``
    exactly. Missing, ``null`` or any other origin is refused."""
    from django.conf import settings
    from django.http.request import split_domain_port, validate_host

    origin = _header(scope, b"origin").strip().lower().rstrip("/")
    if not origin or origin == "null":
        return False
    if origin in {o.lower().rstrip("/") for o in getattr(settings, "CSRF_TRUSTED_ORIGINS", [])}:
        return True
    host = _header(scope, b"host").strip().lower()
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return False
    secure = getattr(settings, "HTTPS", False) or scope.get("scheme") == "wss"
    return origin == f"{'https' if secure else 'http'}://{host}"


class OriginValidator:
    """ASGI wrapper: refuse (HTTP 403 at the handshake) a websocket from another origin."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope.get("type") == "websocket" and not origin_allowed(scope):
            return await refuse(receive, send, code=4403)
        return await self.app(scope, receive, send)
