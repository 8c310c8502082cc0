"""Public directory and staff pages. Thin: parse, call selectors/services, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from helpline.common.exceptions import ApplicationError, NotAllowed

from . import selectors, services
from .forms import EmailListForm, SearchForm
from .models import Need

PAGE_SIZE = 25


@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    language = translation.get_language()
    form = SearchForm(request.GET or None)
    matches, searched, status = [], False, 200
    if form.is_bound:
        if form.is_valid():
            searched = True
            try:
                matches = selectors.search_resources(
                    need=form.cleaned_data["need"] or None,
                    zip_code=form.cleaned_data["zip"] or None,
                    language=form.cleaned_data["language"] or None,
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = 400
        else:
            status = 400
    else:
        matches = selectors.search_resources()
    paginator = Paginator(matches, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "resources/directory.html", {
        "form": form, "matches": page.object_list, "page": page, "total": len(matches),
        "query": query.urlencode(), "searched": searched, "language": language,
        "zip": form.cleaned_data.get("zip") if form.is_bound and form.is_valid() else "",
        "show_results": status == 200,
    }, status=status)


@require_POST
def email_list(request: HttpRequest) -> HttpResponse:
    language = translation.get_language()
    form = EmailListForm(request.POST)
    if form.is_valid():
        resources = selectors.resources_by_ids(form.cleaned_data["resource"])
        try:
            count = services.resource_list_email(
                resources, form.cleaned_data["email"], language,
                client_key=request.META.get("REMOTE_ADDR", ""),
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return render(request, "resources/email_sent.html", {"count": count})
    return render(request, "resources/email_failed.html", {"form": form}, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_list(request: HttpRequest) -> HttpResponse:
    stale_only = request.GET.get("stale") == "1"
    if request.method == "POST":
        raw = request.POST.get("verify", "")
        resource = (selectors.Resource.objects.filter(pk=int(raw)).first()
                    if raw.isdigit() and len(raw) < 12 else None)
        if resource is None:
            return render(request, "errors/400.html", {"status": 400}, status=400)
        services.resource_mark_verified(request.user, resource)
        return HttpResponseRedirect(request.get_full_path())
    resources = selectors.staff_resource_list(request.user, stale_only=stale_only)
    counts = (selectors.referral_counts_by_need(request.user)
              if request.user.has_perm("resources.view_referral") else None)
    cutoff = selectors.stale_cutoff()
    return render(request, "resources/staff_list.html", {
        "resources": resources, "counts": counts, "stale_only": stale_only, "cutoff": cutoff,
        "can_verify": request.user.has_perm("resources.change_resource"),
        "needs": dict(Need.choices),
    })


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A specialist sends a recorded referral to the visitor: in the chat or by e-mail."""
    if not request.user.has_perm("resources.add_referral"):
        raise PermissionDenied
    referral = selectors.referral_for(request.user, pk)
    if referral is None:
        raise Http404
    error, done, status = "", "", 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "chat":
                services.referral_send_in_chat(request.user, referral)
                done = "chat"
            elif action == "email":
                services.referral_email(request.user, referral, request.POST.get("email", ""))
                done = "email"
            else:
                raise ApplicationError(_("Choose how to send the referral."), code="invalid")
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except ApplicationError as exc:
            error, status = exc.message, 400
        referral.refresh_from_db()
    return render(request, "resources/referral_detail.html", {
        "referral": referral, "items": list(referral.items.select_related("resource")),
        "error": error, "done": done,
    }, status=status)
