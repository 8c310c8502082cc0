"""Whole-page cache and conditional GET for public pages that are the same for everyone.

A page is served from the cache only to a visitor who carries nothing of their
own: a GET without a query string and without a session or messages cookie (so
not signed in, no chat or flash message in progress). A rendered page is stored
only if it is the same for everyone: it set no cookie, did not use a CSRF token
and does not vary on cookies. Pages with forms or per-visitor bits are therefore
rendered each time (the caller can still cache its expensive fragments).

The caller's key parts name what the page depends on (for an article: the live
revisions of its translations). What every page's frame depends on (the chat
launcher says whether chat is open) is registered by its app with ``vary_on``;
with ``max_age`` its value is kept that long per language, so a hit does not ask
again. A site-wide generation number, bumped when content is published or
withdrawn, is part of every key, so the entries of earlier content are never
read again and age out.

Every response carries an ``ETag`` (a hash of the body) and, when the caller knows
it, ``Last-Modified``; a conditional GET that matches gets a 304.

A caller that knows how long its key parts stay right without a new generation
(``fresh_for``) lets a shared page be answered before Django next time:
``finish`` and ``respond`` then leave an offer in the ASGI scope, and
``helpline.common.pagecache_asgi`` keeps it, with the final headers, for that long.
"""

from __future__ import annotations

import datetime
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, has_vary_header
from django.utils.http import http_date

GENERATION_KEY = "pages:generation"
FRAME_KEY = "pages:frame:"
TIMEOUT = 3600
# A kept value past its age is still used this long, by every request but the one
# that asks again (so a spike does not send every request to ask at once).
REFRESH_GRACE = 5
# Where finish/respond leave a page for the ASGI layer (helpline.common.pagecache_asgi).
OFFER = "helpline.pagecache.offer"


@dataclass(frozen=True)
class _FrameState:
    state: Callable[[], object]
    name: str
    max_age: int


_frame_state: list[_FrameState] = []


@dataclass(frozen=True)
class CachedPage:
    content: bytes
    content_type: str
    etag: str
    last_modified: float | None


@dataclass(frozen=True)
class Offer:
    """A shared page as its view keyed it, for the ASGI layer to keep (``fresh_for`` seconds)."""

    page: CachedPage
    generation: int
    frame: tuple
    language: str
    scheme: str
    host: str
    path: str
    view: str
    fresh_for: int


def vary_on(state: Callable[[], object], *, max_age: int = 0) -> None:
    """Register a part of every page's frame that changes on its own (part of every key).

    ``state()`` is called with the page's language active. With ``max_age`` (seconds)
    its value is kept per language in the cache (shared by workers) and pages follow
    it up to that much later (plus the moment one request takes to ask again, at
    most ``REFRESH_GRACE``); a hit then costs no call. A page is stored only when the
    value kept for its key is still the value after it was rendered. Without
    ``max_age`` it is called for every page, and no page is answered before Django.
    """
    if all(known.state is not state for known in _frame_state):
        name = f"{state.__module__}.{state.__qualname__}"
        _frame_state.append(_FrameState(state, name, int(max_age)))


def _frame_keys(language: str) -> list[str]:
    return [f"{FRAME_KEY}{known.name}:{language}" for known in _frame_state]


def _keep(known: _FrameState, key: str, value: object) -> None:
    """Keep a frame value: used for ``max_age``, then by all but one request for the grace."""
    cache.set(key, (value, time.time() + known.max_age), known.max_age + REFRESH_GRACE)


def frame(language: str) -> tuple:
    """Every page's frame in ``language``: the kept values, the others asked for now."""
    keys = _frame_keys(language)
    kept = cache.get_many([key for known, key in zip(_frame_state, keys, strict=True)
                           if known.max_age])
    now = time.time()
    values = []
    for known, key in zip(_frame_state, keys, strict=True):
        if key in kept and now < kept[key][1]:
            values.append(kept[key][0])
            continue
        value = known.state()
        if known.max_age:
            _keep(known, key, value)
        values.append(value)
    return tuple(values)


def kept_state(language: str) -> tuple[int, tuple, bool] | None:
    """The generation and the frame from kept values only, in one cache read, and whether
    a value is past its age (someone should ask again).

    None when a frame value is not kept (now, or ever: registered without ``max_age``).
    """
    if any(not known.max_age for known in _frame_state):
        return None
    keys = _frame_keys(language)
    kept = cache.get_many([GENERATION_KEY, *keys])
    if any(key not in kept for key in keys):
        return None
    now = time.time()
    return (kept.get(GENERATION_KEY, 0), tuple(kept[key][0] for key in keys),
            any(now >= kept[key][1] for key in keys))


def _frame_still(language: str, keyed: tuple) -> bool:
    """Whether the frame asked for now is the one the page was keyed under.

    A kept value may be up to ``max_age`` old while the page rendered the current
    one; such a page must not be stored under the old value. The kept values are
    brought up to date.
    """
    now = tuple(known.state() for known in _frame_state)
    if now == keyed:
        return True
    for known, key, value in zip(_frame_state, _frame_keys(language), now, strict=True):
        if known.max_age:
            _keep(known, key, value)
    return False


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
    """The cache key of this page: host, path, language, the caller's parts, the frame and
    the generation."""
    current = generation() if current is None else current
    language = translation.get_language()
    state = frame(language)
    request._pagecache_keyed = (current, language, state)
    raw = repr((current, request.get_host(), request.path, language, parts, state)).encode()
    return "pages:" + hashlib.sha256(raw).hexdigest()


def lookup(key: str) -> CachedPage | None:
    return cache.get(key)


def _etag(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def _stamp(when: datetime.datetime | None) -> float | None:
    return when.timestamp() if when is not None else None


def respond(request: HttpRequest, page: CachedPage, *, shared: bool,
            fresh_for: float | None = None) -> HttpResponse:
    """The page itself, or a 304 when the visitor's copy is current."""
    last_modified = int(page.last_modified) if page.last_modified is not None else None
    not_modified = get_conditional_response(request, etag=page.etag, last_modified=last_modified)
    response = not_modified or HttpResponse(page.content, content_type=page.content_type)
    _headers(response, page, shared=shared)
    if shared:
        _offer(request, page, fresh_for)
    return response


def _offer(request: HttpRequest, page: CachedPage, fresh_for: float | None) -> None:
    """Leave the shared page in the ASGI scope for the layer in front of Django."""
    scope = getattr(request, "scope", None)
    keyed = getattr(request, "_pagecache_keyed", None)
    if scope is None or keyed is None or not fresh_for or int(fresh_for) <= 0:
        return
    current, language, state = keyed
    match = getattr(request, "resolver_match", None)
    scope[OFFER] = Offer(
        page=page, generation=current, frame=state, language=language, scheme=request.scheme,
        host=request.get_host(), path=request.path,
        view=(match.view_name if match else "unmatched") or "unnamed", fresh_for=int(fresh_for),
    )


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
           last_modified: datetime.datetime | None,
           fresh_for: float | None = None) -> HttpResponse:
    """Store a freshly rendered page when it is the same for everyone; add validators.

    ``key`` is None for a request that may not use the shared copy. ``fresh_for``:
    how many seconds the caller's key parts stay right without a new generation
    (the page may then be answered before Django for that long).
    """
    if response.status_code != 200 or response.streaming:
        return response
    page = CachedPage(content=response.content, content_type=response["Content-Type"],
                      etag=_etag(response.content), last_modified=_stamp(last_modified))
    shared = key is not None and _storable(request, response)
    keyed = getattr(request, "_pagecache_keyed", None)
    if shared and (keyed is None or _frame_still(keyed[1], keyed[2])):
        cache.set(key, page, TIMEOUT)
        _offer(request, page, fresh_for)
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
