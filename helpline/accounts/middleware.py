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


class StaffTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open: set[str] | None = None

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
                request.unverified_user = user
                if request.path not in self._open:
                    if request.path.startswith("/admin/"):
                        return HttpResponseRedirect(reverse("accounts:otp-verify"))
                    request.user = AnonymousUser()
        return self.get_response(request)
