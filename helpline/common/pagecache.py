"""Whole-page cache and conditional GET for public pages that are the same for everyone.

A page is served from the cache only to a visitor who carries nothing of their
own: a GET without a query string and without a session or messages cookie (so
not signed in, no chat or flash message in progress). A rendered page is stored
only if it is the same for everyone: it set no cookie, did not use a CSRF token
and does not vary on cookies. Pages with forms or per-visitor bits are therefore
rendered each time (the caller can still cache its expensive fragments).

The caller's key parts name what the page depends on (for an article: the live
revisions of its translations). What every page's frame depends on (the chat
launcher says whether chat is open) is registered by its app with ``vary_on``.
A site-wide generation number, bumped when content is published or withdrawn, is
part of every key, so the entries of earlier content are never read again and
age out.

Every response carries an ``ETag`` (a hash of the body) and, when the caller knows
it, ``Last-Modified``; a conditional GET that matches gets a 304.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, has_vary_header
from django.utils.http import http_date

GENERATION_KEY = "pages:generation"
TIMEOUT = 3600
_frame_state: list[Callable[[], object]] = []


@dataclass(frozen=True)
class CachedPage:
    content: bytes
    content_type: str
    etag: str
    last_modified: float | None


def vary_on(state: Callable[[], object]) -> None:
    """Register a part of every page's frame that changes on its own (part of every key)."""
    if state not in _frame_state:
        _frame_state.append(state)


def generation() -> int:
    return cache.get(GENERATION_KEY, 0)


def bump_generation() -> None:
    """Content changed: every page cached before now is stale."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation stored yet (or it was evicted)
        cache.set(GENERATION_KEY, 1, None)


def shareable(request: HttpRequest) -> bool:
    """Whether this request may be answered with (and fill) the shared copy."""
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def page_key(request: HttpRequest, *parts, current: int | None = None) -> str:
    """The cache key of this page: host, path, the caller's parts, the frame, the generation."""
    current = generation() if current is None else current
    frame = tuple(state() for state in _frame_state)
    raw = repr((current, request.get_host(), request.path, parts, frame)).encode()
    return "pages:" + hashlib.sha256(raw).hexdigest()


def lookup(key: str) -> CachedPage | None:
    return cache.get(key)


def _etag(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def _stamp(when: datetime.datetime | None) -> float | None:
    return when.timestamp() if when is not None else None


def respond(request: HttpRequest, page: CachedPage, *, shared: bool) -> HttpResponse:
    """The page itself, or a 304 when the visitor's copy is current."""
    last_modified = int(page.last_modified) if page.last_modified is not None else None
    not_modified = get_conditional_response(request, etag=page.etag, last_modified=last_modified)
    response = not_modified or HttpResponse(page.content, content_type=page.content_type)
    _headers(response, page, shared=shared)
    return response


def _headers(response: HttpResponse, page: CachedPage, *, shared: bool) -> None:
    response.headers["ETag"] = page.etag
    if page.last_modified is not None:
        response.headers["Last-Modified"] = http_date(page.last_modified)
    # Browsers and proxies may keep the page but ask again each time (a 304 is cheap),
    # so a publish is seen on the next request.
    response.headers["Cache-Control"] = (
        "public, max-age=0, must-revalidate" if shared else "private, no-cache"
    )


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not has_vary_header(response, "Cookie")
    )


def finish(request: HttpRequest, response: HttpResponse, *, key: str | None,
           last_modified: datetime.datetime | None) -> HttpResponse:
    """Store a freshly rendered page when it is the same for everyone; add validators.

    ``key`` is None for a request that may not use the shared copy.
    """
    if response.status_code != 200 or response.streaming:
        return response
    page = CachedPage(content=response.content, content_type=response["Content-Type"],
                      etag=_etag(response.content), last_modified=_stamp(last_modified))
    shared = key is not None and _storable(request, response)
    if shared:
        cache.set(key, page, TIMEOUT)
    not_modified = get_conditional_response(
        request, etag=page.etag,
        last_modified=int(page.last_modified) if page.last_modified is not None else None,
    )
    if not_modified is not None:
        _headers(not_modified, page, shared=shared)
        return not_modified
    _headers(response, page, shared=shared)
    return response


def same_origin_post(view):
    """CSRF protection without a per-visitor token, for small anonymous forms on cached pages.

    A page that carries a CSRF token cannot be shared between visitors. A form on a
    shared page (e.g. "Was this helpful?") posts to a view wrapped here instead: the
    browser's ``Origin`` header (or, when a browser sends none, the ``Referer``) must
    name this site, as Django's own CSRF check requires of HTTPS requests. Anything
    else is refused with 403. Use it only for writes a forged request cannot abuse
    beyond a rate-limited anonymous vote.
    """
    from functools import wraps
    from urllib.parse import urlsplit

    from django.core.exceptions import PermissionDenied
    from django.views.decorators.csrf import csrf_exempt

    @csrf_exempt
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        host = request.get_host()
        trusted = {f"{request.scheme}://{host}", *getattr(settings, "CSRF_TRUSTED_ORIGINS", [])}
        origin = request.headers.get("Origin")
        if origin and origin != "null":
            allowed = origin in trusted
        else:
            referer = urlsplit(request.headers.get("Referer", ""))
            allowed = bool(referer.netloc) and f"{referer.scheme}://{referer.netloc}" in trusted
        if not allowed:
            raise PermissionDenied("cross-site form post")
        return view(request, *args, **kwargs)

    return wrapped
