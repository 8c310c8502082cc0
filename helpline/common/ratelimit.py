"""Fixed-window rate limits on Django's cache (shared across workers with Redis).

``hit(key, limit, window_seconds)`` counts one event and says whether it is
allowed. The counter is created with ``cache.add`` (atomic "set if absent")
and bumped with ``cache.incr`` (atomic in Redis and in the locmem cache), so
two workers can never both see the same count.

``@ratelimit("answers-api", 30, 60)`` on a view answers HTTP 429 with a clear
message once the limit is reached: JSON for ``/api/`` paths (and requests that
ask for JSON), a friendly page in the visitor's language otherwise, with a
``Retry-After`` header. ``key`` is ``"ip"`` (default), ``"user"`` (falls back
to the IP for anonymous visitors), or a callable ``request -> str``.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import time
from collections.abc import Callable

from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

__all__ = ["hit", "peek", "ratelimit", "client_ip", "retry_after", "reset"]

PREFIX = "rl:"


def _window(window_seconds: int, now: float | None = None) -> int:
    now = time.time() if now is None else now
    return int(now // max(1, window_seconds))


def _cache_key(key: str, window_seconds: int, now: float | None = None) -> str:
    digest = hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:32]
    return f"{PREFIX}{window_seconds}:{_window(window_seconds, now)}:{digest}"


def hit(key: str, limit: int, window_seconds: int) -> bool:
    """Count one event for ``key``; True if it is within ``limit`` per window.

    If the cache is unreachable (e.g. Redis is down) the request is allowed:
    a rate limit must not take the helpline offline.
    """
    if limit <= 0:
        return False
    cache_key = _cache_key(key, window_seconds)
    try:
        # Expire a little after the window so a slow clock cannot reset early.
        if cache.add(cache_key, 1, timeout=window_seconds + 2):
            count = 1
        else:
            try:
                count = cache.incr(cache_key)
            except ValueError:  # expired between add and incr
                cache.add(cache_key, 1, timeout=window_seconds + 2)
                count = 1
    except Exception:  # noqa: BLE001 - fail open when the cache is down
        logger.warning("rate limit cache unavailable; allowing %s", key.split(":", 1)[0])
        return True
    return count <= limit


def peek(key: str, window_seconds: int) -> int:
    """The current window's count for ``key`` without counting (0 if unknown)."""
    try:
        return int(cache.get(_cache_key(key, window_seconds)) or 0)
    except Exception:  # noqa: BLE001
        return 0


def reset(key: str, window_seconds: int) -> None:
    """Forget the current window's count for ``key`` (e.g. after a good login)."""
    try:
        cache.delete(_cache_key(key, window_seconds))
    except Exception:  # noqa: BLE001
        pass


def retry_after(window_seconds: int) -> int:
    now = time.time()
    return max(1, int((_window(window_seconds, now) + 1) * window_seconds - now) + 1)


def client_ip(request: HttpRequest) -> str:
    """The client address. Behind a proxy, set HELPLINE_TRUSTED_PROXY_HEADER."""
    from django.conf import settings

    header = getattr(settings, "HELPLINE_TRUSTED_PROXY_HEADER", "")
    if header:
        value = request.META.get(header, "")
        if value:
            # The right-most address was added by our own proxy.
            return value.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR") or "unknown"


def _key_for(request: HttpRequest, key: str | Callable[[HttpRequest], str]) -> str:
    if callable(key):
        return str(key(request))
    if key == "user":
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"user:{user.pk}"
        return f"ip:{client_ip(request)}"
    if key == "ip":
        return f"ip:{client_ip(request)}"
    raise ValueError(f"unknown rate-limit key {key!r}")


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def too_many_requests(request: HttpRequest, window_seconds: int) -> HttpResponse:
    from django.utils.translation import gettext as _

    wait = retry_after(window_seconds)
    message = _("Too many requests. Please wait a moment and try again.")
    if _wants_json(request):
        response: HttpResponse = JsonResponse(
            {"error": "rate_limited", "message": message, "retry_after": wait}, status=429
        )
    else:
        from django.conf import settings
        from django.template import loader

        # Standalone page: no database, no other app's templates, cheap under load.
        body = loader.render_to_string(
            "common/429.html",
            {"message": message, "retry_after": wait, "HELPLINE": settings.HELPLINE},
        )
        response = HttpResponse(body, status=429)
    response["Retry-After"] = str(wait)
    return response


def ratelimit(
    scope: str,
    limit: int,
    window_seconds: int,
    key: str | Callable[[HttpRequest], str] = "ip",
    methods: tuple[str, ...] | None = None,
):
    """Limit a view to ``limit`` requests per ``window_seconds`` per key and scope.

    ``methods`` restricts counting to those HTTP methods (e.g. ``("POST",)``);
    by default every request counts.
    """

    def decorator(view):
        if asyncio.iscoroutinefunction(view):

            @functools.wraps(view)
            async def async_wrapped(request: HttpRequest, *args, **kwargs):
                if methods is None or request.method in methods:
                    allowed = await sync_to_async(hit)(
                        f"{scope}:{_key_for(request, key)}", limit, window_seconds
                    )
                    if not allowed:
                        return await sync_to_async(too_many_requests)(request, window_seconds)
                return await view(request, *args, **kwargs)

            return async_wrapped

        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if methods is None or request.method in methods:
                if not hit(f"{scope}:{_key_for(request, key)}", limit, window_seconds):
                    return too_many_requests(request, window_seconds)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
