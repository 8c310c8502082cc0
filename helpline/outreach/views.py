"""Public outreach pages and staff lists. Thin: parse, call services, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from helpline.common.exceptions import ApplicationError

from . import selectors, services
from .forms import DonateForm, NewsletterForm, VolunteerForm
from .models import Donation
from .topics import topics_for


def _ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _base_url(request: HttpRequest) -> str | None:
    """Links in e-mails use HELPLINE_SITE_URL, never the address this request came to."""
    return None


# --- Topics ----------------------------------------------------------------

@require_safe
def topics(request: HttpRequest) -> HttpResponse:
    return render(request, "outreach/topics.html", {"topics": topics_for(translation.get_language())})


# --- Newsletter --------------------------------------------------------------

@require_http_methods(["GET", "HEAD", "POST"])
def newsletter(request: HttpRequest) -> HttpResponse:
    language = translation.get_language()
    if request.method != "POST":
        form = NewsletterForm(initial={"language": language})
        return render(request, "outreach/newsletter.html", {"form": form})
    form = NewsletterForm(request.POST)
    if form.is_valid():
        try:
            services.newsletter_signup(
                form.cleaned_data["email"], form.cleaned_data["language"],
                source=f"web:{request.path}", base_url=_base_url(request), client_key=_ip(request))
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return render(request, "outreach/newsletter_check_email.html")
    return render(request, "outreach/newsletter.html", {"form": form}, status=400)


@require_safe
def newsletter_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber = services.newsletter_confirm(token)
    except ApplicationError as exc:
        return render(request, "outreach/link_problem.html", {"message": exc.message}, status=400)
    return render(request, "outreach/newsletter_confirmed.html", {"subscriber": subscriber})


@csrf_exempt  # the signed token is the credential; also RFC 8058 one-click from mail apps
@require_http_methods(["GET", "HEAD", "POST"])
def newsletter_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "POST":
            subscriber = services.newsletter_unsubscribe(token)
            return render(request, "outreach/newsletter_unsubscribed.html",
                          {"subscriber": subscriber})
        subscriber = services.unsubscribe_subscriber_from_token(token)
    except ApplicationError as exc:
        return render(request, "outreach/link_problem.html", {"message": exc.message}, status=400)
    return render(request, "outreach/newsletter_unsubscribe.html", {"subscriber": subscriber})


# --- Volunteers --------------------------------------------------------------

@require_http_methods(["GET", "HEAD", "POST"])
def volunteer(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "outreach/volunteer.html", {"form": VolunteerForm()})
    form = VolunteerForm(request.POST)
    if form.is_valid():
        try:
            services.volunteer_interest_create(client_key=_ip(request), **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return render(request, "outreach/volunteer_thanks.html")
    return render(request, "outreach/volunteer.html", {"form": form}, status=400)


@login_required
@require_safe
def volunteer_staff(request: HttpRequest) -> HttpResponse:
    rows = selectors.volunteer_list(request.user)
    return render(request, "outreach/volunteer_staff.html", {"rows": rows})


@login_required
@require_safe
def volunteer_csv(request: HttpRequest) -> HttpResponse:
    body = selectors.volunteer_csv(request.user)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="volunteers.csv"'
    response["Cache-Control"] = "no-store"
    return response


# --- Donations ---------------------------------------------------------------

@require_http_methods(["GET", "HEAD", "POST"])
def donate(request: HttpRequest) -> HttpResponse:
    configured = services.donations_configured()
    context = {"configured": configured, "min": services.MIN_DONATION,
               "max": services.MAX_DONATION}
    if request.method != "POST":
        context["form"] = DonateForm()
        return render(request, "outreach/donate.html", context)
    form = DonateForm(request.POST)
    context["form"] = form
    if not configured:
        return render(request, "outreach/donate.html", context, status=503)
    if form.is_valid():
        thanks = request.build_absolute_uri(reverse("outreach:donate-thanks"))
        try:
            url = services.donation_checkout_create(
                form.cleaned_data["value"], form.cleaned_data["frequency"],
                success_url=f"{thanks}?session_id={{CHECKOUT_SESSION_ID}}",
                cancel_url=request.build_absolute_uri(reverse("outreach:donate")),
                language=translation.get_language(),
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return render(request, "outreach/donate.html", context, status=502)
        return HttpResponseRedirect(url, status=303)
    return render(request, "outreach/donate.html", context, status=400)


@require_safe
def donate_thanks(request: HttpRequest) -> HttpResponse:
    session_id = request.GET.get("session_id", "")[:100]
    donation = None
    if session_id.startswith("cs_"):
        donation = Donation.objects.filter(stripe_object_id=session_id).first()
    return render(request, "outreach/donate_thanks.html", {"donation": donation})


@login_required
@require_safe
def donations_staff(request: HttpRequest) -> HttpResponse:
    summary = selectors.donation_summary(request.user)
    return render(request, "outreach/donations_staff.html", summary)


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    try:
        donation = services.stripe_webhook_handle(
            request.body, request.headers.get("Stripe-Signature", ""))
    except ApplicationError as exc:
        return JsonResponse({"error": exc.message, "code": exc.code}, status=400)
    return JsonResponse({"received": True, "recorded": donation is not None})
