"""Two-factor enforcement for staff.

A staff member who has signed in with a password but not yet with a code is
treated as anonymous everywhere except the two-factor and sign-out pages, so
no staff page, API or admin view of any app can be reached half-signed-in.
The Django admin's own sign-in form is replaced by ours (which is throttled).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation

from .services import needs_two_factor

_OPEN_NAMES = ("accounts:otp-setup", "accounts:otp-verify", "accounts:logout", "accounts:login")


def _open_paths() -> set[str]:
    paths = set()
    for code in ("en", "es"):
        with translation.override(code):
            for name in _OPEN_NAMES:
                paths.add(reverse(name))
    return paths


def _open_prefixes() -> tuple[str, ...]:
    """An administrator's set-up link (its code follows the prefix)."""
    prefixes = []
    for code in ("en", "es"):
        with translation.override(code):
            prefixes.append(reverse("accounts:otp-enrol", kwargs={"code": "x"})[:-2])
    return tuple(prefixes)


class StaffTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open: set[str] | None = None
        self._open_prefixes: tuple[str, ...] = ()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/admin/login"):
            target = reverse("accounts:login")
            return HttpResponseRedirect(f"{target}?{urlencode({'next': '/admin/'})}")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and needs_two_factor(user):
            verified = getattr(user, "is_verified", lambda: False)()
            if not verified:
                if self._open is None:
                    self._open = _open_paths()
                    self._open_prefixes = _open_prefixes()
                request.unverified_user = user
                if request.path not in self._open and not request.path.startswith(
                        self._open_prefixes):
                    if request.path.startswith("/admin/"):
                        return HttpResponseRedirect(reverse("accounts:otp-verify"))
                    request.user = AnonymousUser()
        return self.get_response(request)


# --- onboarding ---------------------------------------------------------------------

_ONBOARDING_OPEN = ("accounts:otp-setup", "accounts:otp-verify", "accounts:logout",
                    "accounts:login", "accounts:onboarding-chat")
_STEP_PAGES = {"authenticator": "accounts:otp-setup", "chat": "accounts:onboarding-chat"}


class OnboardingMiddleware:
    """An invited account that has not finished onboarding reaches only its next step
    (the authenticator, then a specialist's chat settings) and signing out; any other
    page sends it back to that step. Runs after StaffTwoFactorMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open: set[str] | None = None
        self._prefixes: tuple[str, ...] = ()

    def _load(self) -> None:
        paths, prefixes = set(), []
        for code in ("en", "es"):
            with translation.override(code):
                paths.update(reverse(name) for name in _ONBOARDING_OPEN)
                prefixes.append(reverse("accounts:otp-enrol", kwargs={"code": "x"})[:-2])
                prefixes.append(reverse("accounts:welcome", kwargs={"code": "x"})[:-2])
        self._open, self._prefixes = paths, tuple(prefixes)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "unverified_user", None) or getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            from . import selectors

            step = selectors.onboarding_step(user)
            if step in _STEP_PAGES:
                if self._open is None:
                    self._load()
                if request.path not in self._open and not request.path.startswith(self._prefixes):
                    return HttpResponseRedirect(reverse(_STEP_PAGES[step]))
        return self.get_response(request)


# --- websockets -------------------------------------------------------------------

def session_is_verified(session, user) -> bool:
    """True if the session carries a confirmed second factor of ``user`` (django-otp)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.models import Device

    persistent_id = (session or {}).get(DEVICE_ID_SESSION_KEY) if session is not None else None
    if not persistent_id:
        return False
    try:
        device = Device.from_persistent_id(persistent_id)
    except Exception:  # noqa: BLE001 - a stale or forged id is simply not verified
        return False
    return bool(device is not None and device.user_id == user.pk and device.confirmed)


def _websocket_user(scope):
    """The user for a websocket: anonymous if staff has not passed the second factor."""
    user = scope.get("user")
    if user is None or not getattr(user, "is_authenticated", False):
        return user
    if needs_two_factor(user) and not session_is_verified(scope.get("session"), user):
        return AnonymousUser()
    from . import selectors

    if selectors.onboarding_step(user) not in (None, selectors.STEP_DONE):
        return AnonymousUser()  # onboarding unfinished: no staff socket yet
    return user


class StaffTwoFactorWebsocketGuard:
    """ASGI wrapper for websocket consumers: connection rate limits (per address and
    per conversation), then the same two-factor rule as pages.

    Wraps each route's application (``helpline/routing.py``), after Channels'
    session and auth middleware have put ``session`` and ``user`` in the scope.
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope.get("type") == "websocket":
            from channels.db import database_sync_to_async

            from helpline.common.websocket import connection_allowed, refuse

            # Connection attempts are rate-limited per address and per conversation.
            if not await database_sync_to_async(connection_allowed)(scope):
                return await refuse(receive, send)
        if scope.get("type") == "websocket" and scope.get("user") is not None:
            from channels.db import database_sync_to_async

            scope = dict(scope)
            scope["user"] = await database_sync_to_async(_websocket_user)(scope)
        return await self.app(scope, receive, send)


def guard_websocket_routes(routes: list) -> list:
    """The same routes with each consumer wrapped in StaffTwoFactorWebsocketGuard."""
    from django.urls import URLPattern

    guarded = []
    for route in routes:
        if isinstance(route, URLPattern):
            route = URLPattern(route.pattern, StaffTwoFactorWebsocketGuard(route.callback),
                               route.default_args, route.name)
        guarded.append(route)
    return guarded
