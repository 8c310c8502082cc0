"""Thin views: parse the form, call the timeline functions or services, render.

By default nothing is stored: the dates travel in the POST body (not the URL,
so they stay out of logs, history and Referer headers) and live only for the
request. Saving behind a private link is an explicit choice.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from helpline.common.exceptions import ApplicationError
from helpline.common.ratelimit import ratelimit

from . import exports, selectors, services
from .forms import SaveTimelineForm, TimelineForm
from .timeline import Timeline, build_timeline, estimate_note, present

# A PDF costs about half a second of CPU; saving writes a row. Both are limited
# per address so one client cannot exhaust the server or fill the table.
PDF_PER_MINUTE = 20
SAVES_PER_HOUR = 20
ICS_PER_MINUTE = 20


def _private(response: HttpResponse, *, saved: bool = False) -> HttpResponse:
    response["Cache-Control"] = "no-store, private"
    if saved:
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"  # the link's token never leaves in a Referer
    return response


def _other_language() -> str:
    return "es" if translation.get_language() == "en" else "en"


def _context(request: HttpRequest, timeline: Timeline | None, **extra) -> dict:
    language = translation.get_language()
    other = _other_language()
    with translation.override(other):
        other_url = reverse("journey:timeline")
    context = {"other_language": other, "other_timeline_url": other_url, **extra}
    if timeline is not None:
        context.update(
            timeline=timeline,
            rows=present(timeline, selectors.article_links(language)),
            estimate_note=estimate_note(timeline),
            hidden=timeline.input.to_data(),
        )
    return context


def _bound_form(request: HttpRequest, form_class=TimelineForm):
    form = form_class(request.POST)
    return form, (build_timeline(form.to_input()) if form.is_valid() else None)


def _invalid(request: HttpRequest, form) -> HttpResponse:
    save_form = form if isinstance(form, SaveTimelineForm) else SaveTimelineForm()
    response = render(request, "journey/timeline.html",
                      _context(request, None, form=form, save_form=save_form), status=400)
    return _private(response)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def timeline_page(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "journey/timeline.html",
                      _context(request, None, form=TimelineForm(), save_form=SaveTimelineForm()))
    form, timeline = _bound_form(request)
    if timeline is None:
        return _invalid(request, form)
    save_form = SaveTimelineForm(initial={**form.cleaned_data})
    return _private(render(request, "journey/timeline.html",
                           _context(request, timeline, form=form, save_form=save_form)))


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)


def _ics_response(request: HttpRequest, timeline: Timeline) -> HttpResponse:
    links = selectors.article_links(translation.get_language())
    body = exports.build_ics(timeline, base_url=request.build_absolute_uri("/"), links=links)
    return _download(body, "text/calendar; charset=utf-8",
                     f"car-t-timeline-{translation.get_language()}.ics")


def _pdf_response(request: HttpRequest, timeline: Timeline) -> HttpResponse:
    links = selectors.article_links(translation.get_language())
    body = exports.build_pdf(timeline, links=links, base_url=request.build_absolute_uri("/"))
    return _download(body, "application/pdf", f"car-t-timeline-{translation.get_language()}.pdf")


@require_POST
@ratelimit("journey-ics", ICS_PER_MINUTE, 60)
def export_ics(request: HttpRequest) -> HttpResponse:
    form, timeline = _bound_form(request)
    return _ics_response(request, timeline) if timeline else _invalid(request, form)


@require_POST
@ratelimit("journey-pdf", PDF_PER_MINUTE, 60)
def export_pdf(request: HttpRequest) -> HttpResponse:
    form, timeline = _bound_form(request)
    return _pdf_response(request, timeline) if timeline else _invalid(request, form)


@require_POST
@ratelimit("journey-save", SAVES_PER_HOUR, 3600)
def save(request: HttpRequest) -> HttpResponse:
    form, timeline = _bound_form(request, SaveTimelineForm)
    if timeline is None:
        return _invalid(request, form)
    try:
        _row, token = services.saved_timeline_create(
            form.to_input(), expires_in_days=form.cleaned_data["expires_in_days"]
        )
    except ApplicationError as error:
        form.add_error(None, error.message)
        return _invalid(request, form)
    response = redirect(reverse("journey:saved", kwargs={"token": token}) + "?new=1")
    response.status_code = 303  # see other: the browser GETs the new page
    return _private(response, saved=True)


def _saved_or_404(token: str) -> tuple:
    row = selectors.saved_timeline_get(token)
    if row is None:
        raise Http404("no such saved timeline")
    return row, build_timeline(selectors.input_from_data(row.data))


@require_safe
def saved(request: HttpRequest, token: str) -> HttpResponse:
    row, timeline = _saved_or_404(token)
    context = _context(request, timeline, saved=row, token=token,
                       just_saved=request.GET.get("new") == "1",
                       private_url=request.build_absolute_uri(
                           reverse("journey:saved", kwargs={"token": token})))
    response = render(request, "journey/saved.html", context)
    return _private(response, saved=True)


@require_safe
@ratelimit("journey-ics", ICS_PER_MINUTE, 60)
def saved_ics(request: HttpRequest, token: str) -> HttpResponse:
    _row, timeline = _saved_or_404(token)
    return _private(_ics_response(request, timeline), saved=True)


@require_safe
@ratelimit("journey-pdf", PDF_PER_MINUTE, 60)
def saved_pdf(request: HttpRequest, token: str) -> HttpResponse:
    _row, timeline = _saved_or_404(token)
    return _private(_pdf_response(request, timeline), saved=True)


@require_POST
def saved_delete(request: HttpRequest, token: str) -> HttpResponse:
    existed = services.saved_timeline_delete(token)
    response = render(request, "journey/deleted.html", {"existed": existed},
                      status=200 if existed else 404)
    return _private(response, saved=True)


@require_safe
def at_home(request: HttpRequest) -> HttpResponse:
    language = translation.get_language()
    from . import steps as S

    link = selectors.article_links(language).get(S.AT_HOME)
    context = {
        "sign_groups": selectors.warning_signs(language),
        "checklist": [str(item) for item in S.CAREGIVER_CHECKLIST],
        "at_home_url": link["url"] if link else "",
        "emergency_number": settings.HELPLINE["EMERGENCY_NUMBER"],
        "crisis_number": settings.HELPLINE["CRISIS_NUMBER"],
    }
    return render(request, "journey/at_home.html", context)
