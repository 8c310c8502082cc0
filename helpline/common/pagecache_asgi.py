"""Shared pages answered before Django: an ASGI layer in front of the HTTP application.

A page that ``pagecache`` shares (the same for everyone) costs about 2 ms of CPU
on a hit through Django's middleware and the thread it runs sync code in. This
layer answers the same hit in the event loop, from what Django sent last time
(about 0.3 ms with uvicorn's own share; docs/notes/issue-17.md):

* Django stays the judge. A view that knows how long its key parts stay right
  passes ``fresh_for`` to ``pagecache.finish`` / ``respond``, which leave an
  ``Offer`` in the scope. When the response leaves Django with status 200, no
  cookie and the page's own length, the layer keeps the page with Django's final
  headers (security headers, ``Content-Language``, ``Vary``, ``Cache-Control``,
  ``ETag``, ``Last-Modified``) for ``fresh_for`` seconds at most.
* Same rules as the page cache: only GET/HEAD without a query string, and without
  a session or messages cookie (signed-in staff, a chat in progress, a flash
  message: Django answers). No ``If-Match``, ``If-Unmodified-Since`` or
  ``If-Range`` (Django answers those). A page that set a cookie or used a CSRF
  token is never offered.
* The same key inputs: the generation (a publish or withdrawal starts a new one,
  so the next request goes to Django), scheme and host as Django reads them
  (``SECURE_PROXY_SSL_HEADER``, ``ALLOWED_HOSTS``), the path, the language as
  ``LocaleMiddleware`` resolves it (URL prefix, language cookie, Accept-Language),
  and every value registered with ``pagecache.vary_on``, read only from the kept
  values (when one is not kept, Django answers and keeps it). A page is kept only
  when the layer's own reading of the request gives what Django used.
* ``If-None-Match`` / ``If-Modified-Since`` get a 304 exactly as Django gives it.
  Each answer gets its own ``X-Request-ID``, is counted in the request metrics
  under its view's name and written to the access log, as through Django.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest
from django.utils import translation
from django.utils.http import parse_etags, parse_http_date_safe

from . import logs, metrics, pagecache

EARLY_KEY = "pages:early:v1:"
# How long the request that refreshes a page through Django has before another may try.
REFRESHING_SECONDS = 2
# Request headers after which Django must answer (preconditions the layer does not judge).
_PRECONDITIONS = (b"if-match", b"if-unmodified-since", b"if-range")
# Response headers that belong to one request; the layer writes its own.
_PER_REQUEST = {b"x-request-id", b"content-length", b"date", b"server"}


@dataclass(frozen=True)
class EarlyPage:
    content: bytes
    etag: str
    last_modified: int | None
    headers: list[tuple[bytes, bytes]]  # Django's final headers for the 200, with the length
    headers_not_modified: list[tuple[bytes, bytes]]  # the same for a 304
    view: str
    refresh_at: float  # wall-clock time after which one request goes to Django


@dataclass(frozen=True)
class _Reading:
    """What the layer reads from a request, as Django would."""

    method: str
    scheme: str
    host: str
    path: str
    language: str
    if_none_match: str | None
    if_modified_since: str | None
    request_id: str  # as the client sent it (checked when answering)


def _language(request: ASGIRequest) -> str:
    """The language LocaleMiddleware.process_request activates for this request."""
    urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
    i18n_patterns_used, prefixed_default_language = is_language_prefix_patterns_used(urlconf)
    language = translation.get_language_from_request(request, check_path=i18n_patterns_used)
    if (not translation.get_language_from_path(request.path_info) and i18n_patterns_used
            and not prefixed_default_language):
        language = settings.LANGUAGE_CODE
    return language


def read(scope: dict) -> _Reading | None:
    """The request as the page cache sees it, or None when only Django may answer it."""
    if scope["method"] not in ("GET", "HEAD") or scope.get("query_string"):
        return None
    if any(name in _PRECONDITIONS for name, _value in scope.get("headers", ())):
        return None
    request = ASGIRequest(scope, None)
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    return _Reading(
        method=request.method, scheme=request.scheme, host=host, path=request.path,
        language=_language(request),
        if_none_match=request.META.get("HTTP_IF_NONE_MATCH"),
        if_modified_since=request.META.get("HTTP_IF_MODIFIED_SINCE"),
        request_id=request.META.get("HTTP_X_REQUEST_ID", ""),
    )


def early_key(current: int, reading: _Reading, frame: tuple) -> str:
    raw = repr((current, reading.scheme, reading.host, reading.path, reading.language,
                frame)).encode()
    return EARLY_KEY + hashlib.sha256(raw).hexdigest()


def lookup(reading: _Reading) -> EarlyPage | None:
    """The kept page for this request; None when Django must answer.

    Past its ``fresh_for`` (or when a frame value is past its age), one request at a
    time goes to Django, which reads everything again and offers the page anew; the
    others are answered from the copy meanwhile, for ``REFRESH_GRACE`` at most.
    """
    kept = pagecache.kept_state(reading.language)
    if kept is None:
        return None
    current, frame, frame_due = kept
    key = early_key(current, reading, frame)
    page = cache.get(key)
    if page is None:
        return None
    if (frame_due or time.time() >= page.refresh_at) and cache.add(
            key + ":refreshing", 1, REFRESHING_SECONDS):
        return None
    return page


def keep(reading: _Reading, offer: pagecache.Offer, status: int,
         headers: list[tuple[bytes, bytes]]) -> bool:
    """Keep Django's answer for ``offer.fresh_for`` seconds; False when it may not be kept."""
    if status != 200 or (offer.scheme, offer.host, offer.path, offer.language) != (
            reading.scheme, reading.host, reading.path, reading.language):
        return False
    content = offer.page.content
    kept, length = [], None
    for name, value in headers:
        name = name.lower()
        if name == b"set-cookie":
            return False
        if name == b"content-length":
            length = value
        if name not in _PER_REQUEST:
            kept.append((name, value))
    if length != str(len(content)).encode():
        return False  # something after the view changed the body
    page = EarlyPage(
        content=content, etag=offer.page.etag,
        last_modified=(int(offer.page.last_modified)
                       if offer.page.last_modified is not None else None),
        headers=[*kept, (b"content-length", length)],
        headers_not_modified=[*(h for h in kept if h[0] != b"content-type"),
                              (b"content-length", b"0")],
        view=offer.view, refresh_at=time.time() + offer.fresh_for,
    )
    key = early_key(offer.generation, reading, offer.frame)
    cache.set(key, page, offer.fresh_for + pagecache.REFRESH_GRACE)
    cache.delete(key + ":refreshing")
    return True


def not_modified(reading: _Reading, page: EarlyPage) -> bool:
    """Django's get_conditional_response for a GET/HEAD without If-Match/If-Unmodified-Since."""
    if reading.if_none_match:
        etags = parse_etags(reading.if_none_match)
        if etags:
            if etags == ["*"]:
                return True
            return page.etag.strip("W/") in (etag.strip("W/") for etag in etags)
    since = parse_http_date_safe(reading.if_modified_since) if reading.if_modified_since else None
    return bool(since and page.last_modified and page.last_modified <= since)


class EarlyPages:
    """ASGI HTTP application: shared pages from the page cache, everything else to ``app``."""

    # Paths Django has offered a page for (in this process): other requests (static
    # files, forms, staff pages) go straight to Django without being read here.
    MAX_PATHS = 10_000

    def __init__(self, app) -> None:
        self.app = app
        self.offered: set[str] = set()

    async def _call(self, fn, *args):
        # A local-memory cache answers without I/O: it is read in the event loop.
        # Any other (Redis) is read in a thread, so sockets never wait on it.
        if isinstance(caches["default"], LocMemCache):
            return fn(*args)
        return await asyncio.get_running_loop().run_in_executor(None, fn, *args)

    async def __call__(self, scope, receive, send) -> None:
        if (scope["type"] != "http" or scope["method"] not in ("GET", "HEAD")
                or scope.get("query_string")):
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        reading = read(scope) if scope["path"] in self.offered else None
        if reading is not None and (page := await self._call(lookup, reading)) is not None:
            return await self._answer(reading, page, send, started)

        async def send_and_keep(message) -> None:
            await send(message)
            if message["type"] == "http.response.start":
                offer = scope.pop(pagecache.OFFER, None)
                if offer is not None and (again := reading or read(scope)) is not None:
                    if await self._call(keep, again, offer, message["status"],
                                        list(message.get("headers", ()))):
                        if len(self.offered) >= self.MAX_PATHS:
                            self.offered.clear()
                        self.offered.add(scope["path"])

        await self.app(scope, receive, send_and_keep)

    async def _answer(self, reading: _Reading, page: EarlyPage, send, started: float) -> None:
        if not_modified(reading, page):
            status, headers, body = 304, page.headers_not_modified, b""
        else:
            status, headers = 200, page.headers
            body = page.content if reading.method == "GET" else b""
        incoming = reading.request_id
        request_id = incoming if logs.is_sane_request_id(incoming) else uuid.uuid4().hex
        await send({"type": "http.response.start", "status": status,
                    "headers": [*headers, (b"x-request-id", request_id.encode())]})
        await send({"type": "http.response.body", "body": body})
        if metrics.counting():
            metrics.count(page.view, status, time.perf_counter() - started)
        logs.log_access(request_id, reading.method, status, page.view, started)
