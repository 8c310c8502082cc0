from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils import translation


def helpline(request: HttpRequest) -> dict:
    """Site-wide values: helpline numbers and the other-language links."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    alternates = {}
    for code, _name in settings.LANGUAGES:
        alternates[code] = translate_url(request.get_full_path(), code)
    return {
        "HELPLINE": settings.HELPLINE,
        "LANGUAGE_ALTERNATES": alternates,
        "CURRENT_LANGUAGE": current,
        # Staff pages (/<lang>/staff/...) have no visitor chat launcher.
        "STAFF_PAGE": _is_staff_path(request.path_info),
    }


def _is_staff_path(path: str) -> bool:
    """Staff pages: anything under a ``staff/`` segment, the chat console, the admin."""
    parts = path.strip("/").split("/")
    return "staff" in parts or parts[1:3] == ["chat", "console"] or parts[:1] == ["admin"]
