"""Site-wide pages: about, policies, health, errors. (The home page and the sitemap list
articles: they live in ``articles/views.py``, and ``helpline/urls.py`` names the home page
``common:home``.)"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils import translation
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from .health import readiness
from .logs import current_request_id


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


@require_safe
def root_redirect(request: HttpRequest) -> HttpResponse:
    language = translation.get_language_from_request(request, check_path=False)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    return HttpResponseRedirect(f"/{language}/")


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "common/about.html")


@require_safe
def review_process(request: HttpRequest) -> HttpResponse:
    return render(request, "common/review_process.html")


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "common/privacy.html")


@require_safe
def content_use(request: HttpRequest) -> HttpResponse:
    return render(request, "common/content_use.html")


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /en/staff/",
        "Disallow: /es/staff/",
        "Disallow: /api/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: send them to the icon."""
    response = HttpResponseRedirect(static("helpline/icons/favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
def web_manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest: name, colours and icons for a phone's home screen."""
    name = settings.HELPLINE["NAME"]
    manifest = {
        "name": name,
        "short_name": name[:12],
        "start_url": "/",
        "scope": "/",
        "display": "browser",
        "background_color": "#ffffff",
        "theme_color": "#0b4f8a",
        "icons": [
            {"src": static("helpline/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("helpline/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("helpline/icons/maskable-512.png"), "sizes": "512x512",
             "type": "image/png", "purpose": "maskable"},
            {"src": static("helpline/icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(manifest, content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. It touches nothing else (see readyz)."""
    return JsonResponse({"status": "ok"})


@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: the database, Redis (when configured) and every part the apps registered."""
    ready, parts = readiness()
    failing = [name for name, part in parts.items() if not part["ok"]]
    body = {"status": "ready" if ready else "unavailable", "parts": parts}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=200 if ready else 503)


# --- Errors: a friendly page in the visitor's language, never a traceback. ---

def _language_from_path(request: HttpRequest) -> str:
    language = translation.get_language_from_path(request.path_info)
    return language or translation.get_language() or settings.LANGUAGE_CODE


def _error(request: HttpRequest, status: int, template: str, message: str = "") -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"error": message or str(status)}, status=status)
    with translation.override(_language_from_path(request)):
        return render(request, template, {"status": status, "message": message}, status=status)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "errors/400.html", "bad request")


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "errors/403.html", "forbidden")


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "errors/404.html", "not found")


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"error": "server error", "request_id": current_request_id()}, status=500)
    # Keep this page independent of the database and context processors.
    language = _language_from_path(request)
    with translation.override(language):
        template = loader.get_template("errors/500.html")
        return HttpResponse(template.render({"LANG": language, "request_id": current_request_id()}),
                            status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(request, 403, "errors/csrf.html", "csrf")
