"""Public directory and staff pages. Thin: parse, call selectors/services, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
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
    try:
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
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    cutoff = selectors.stale_cutoff()
    return render(request, "resources/staff_list.html", {
        "resources": resources, "counts": counts, "stale_only": stale_only, "cutoff": cutoff,
        "can_verify": request.user.has_perm("resources.change_resource"),
        "needs": dict(Need.choices),
    })
