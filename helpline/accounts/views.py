"""Staff pages: sign-in (throttled), two-factor, staff roles, audit log.

Views parse input, call a service or selector, and render; permission checks
live in the services and selectors.
"""

from __future__ import annotations

import base64
import io
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from helpline.common.exceptions import ApplicationError, NotAllowed
from helpline.common.ratelimit import client_ip, ratelimit

from . import selectors, services
from .forms import (
    AuditFilterForm,
    ChatSettingsForm,
    InviteForm,
    RolesForm,
    SetPasswordForm,
    TokenForm,
)
from .roles import ALL_ROLES, has_role


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    roles = [role for role in ALL_ROLES if has_role(request.user, role)]
    return render(request, "accounts/staff_home.html", {
        "roles": roles,
        "can_manage_staff": request.user.has_perm("accounts.manage_staff"),
        "is_specialist": has_role(request.user, "specialist"),
        "can_view_audit": request.user.has_perm("accounts.view_auditlog"),
        "can_edit_articles": request.user.has_perm("articles.view_articleversion"),
        "can_use_console": has_role(request.user, "specialist") or has_role(request.user, "supervisor"),
        "can_view_dashboard": request.user.has_perm("dashboard.view_dashboard"),
        "can_view_unanswered": request.user.has_perm("answers.view_unanswered"),
        "can_view_resources": request.user.has_perm("resources.view_resource"),
        "can_view_volunteers": request.user.has_perm("outreach.view_volunteerinterest"),
        "can_view_donations": request.user.has_perm("outreach.view_donation"),
    })


def _after_sign_in(request: HttpRequest, user, default: str) -> str:
    """Where a completed sign-in goes: a specialist who has never chosen chat languages
    and limit (an account made in the admin or a shell) chooses them first."""
    target = _safe_next(request, default)
    if selectors.needs_chat_settings(user):
        return reverse("accounts:onboarding-chat") + f"?{urlencode({'next': target})}"
    return target


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class LoginView(auth_views.LoginView):
    """Password sign-in, throttled per username and per address, then two-factor."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = False

    def get(self, request, *args, **kwargs):
        if getattr(request, "unverified_user", None) is not None:
            return HttpResponseRedirect(self._second_step(request.unverified_user))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if services.login_blocked(username, client_ip(request)):
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, _("Too many failed sign-in attempts. Wait 15 minutes and "
                                   "try again, or ask an administrator to help."))
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            response["Retry-After"] = str(services.LOGIN_WINDOW_SECONDS)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        services.login_failure_record(
            self.request.POST.get("username", ""), client_ip(self.request), self.request
        )
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        services.login_success_record(user, client_ip(self.request), self.request)
        if services.needs_two_factor(user):
            return HttpResponseRedirect(self._second_step(user))
        if selectors.needs_chat_settings(user):
            return HttpResponseRedirect(_after_sign_in(self.request, user, response.url))
        return response

    def _second_step(self, user) -> str:
        name = "accounts:otp-verify" if services.totp_device_for(user) else "accounts:otp-setup"
        nxt = _safe_next(self.request, "")
        return reverse(name) + (f"?{urlencode({'next': nxt})}" if nxt else "")


def _pending_user(request: HttpRequest):
    user = getattr(request, "unverified_user", None) or request.user
    return user if user.is_authenticated else None


def _qr_data_uri(url: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@require_GET
@ratelimit("otp-enrol", 20, 300)
def otp_enrol(request: HttpRequest, code: str) -> HttpResponse:
    """An administrator's one-time set-up link: the password first, then the set-up."""
    user = _pending_user(request)
    if user is None:
        request.session[services.SESSION_ENROLMENT_LINK] = code
        return HttpResponseRedirect(reverse("accounts:login"))
    try:
        services.enrolment_link_redeem(user, code, request=request)
    except ApplicationError as error:
        return render(request, "errors/404.html", {"message": _(error.message)}, status=404)
    request.session[services.SESSION_ENROLMENT_USER] = user.pk
    return HttpResponseRedirect(reverse("accounts:otp-setup"))


def _may_enrol(request: HttpRequest, user) -> bool:
    """First enrolment needs a redeemed set-up link in this session (or one opened
    before the password step, redeemed now)."""
    if request.session.get(services.SESSION_ENROLMENT_USER) == user.pk:
        return True
    code = request.session.pop(services.SESSION_ENROLMENT_LINK, None)
    if not code:
        return False
    try:
        services.enrolment_link_redeem(user, code, request=request)
    except ApplicationError:
        return False
    request.session[services.SESSION_ENROLMENT_USER] = user.pk
    return True


@require_http_methods(["GET", "POST"])
@ratelimit("otp-setup", 30, 300, methods=("POST",))
def otp_setup(request: HttpRequest) -> HttpResponse:
    from django_otp import login as otp_login

    user = _pending_user(request)
    if user is None:
        return HttpResponseRedirect(reverse("accounts:login"))
    verified = getattr(request.user, "is_verified", lambda: False)()
    if services.totp_device_for(user) is not None and not verified:
        # Replacing a device needs the current one first.
        return HttpResponseRedirect(reverse("accounts:otp-verify"))
    if services.totp_device_for(user) is None and not _may_enrol(request, user):
        return render(request, "accounts/otp_enrol_needed.html", status=403)
    device = services.totp_device_start(user)
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            device = services.totp_device_confirm(user, form.cleaned_data["token"], request=request)
        except ApplicationError as error:
            form.add_error("token", _(error.message))
            status = 429 if error.code == "throttled" else 400
        else:
            otp_login(request, device)
            request.session.pop(services.SESSION_ENROLMENT_USER, None)
            messages.success(request, _("Two-factor sign-in is set up."))
            services.onboarding_advance(user, request=request)
            if selectors.onboarding_step(user) == selectors.STEP_CHAT:
                return HttpResponseRedirect(reverse("accounts:onboarding-chat"))
            home = reverse("accounts:staff-home")
            return HttpResponseRedirect(_after_sign_in(request, user, home))
    elif request.method == "POST":
        status = 400
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "accounts/otp_setup.html", {
        "form": form, "qr": _qr_data_uri(device.config_url), "secret": secret,
        "next": _safe_next(request, ""),
    }, status=status)


@require_http_methods(["GET", "POST"])
@ratelimit("otp-verify", 30, 300, methods=("POST",))
def otp_verify(request: HttpRequest) -> HttpResponse:
    from django_otp import login as otp_login

    user = _pending_user(request)
    if user is None:
        return HttpResponseRedirect(reverse("accounts:login"))
    if services.totp_device_for(user) is None:
        return HttpResponseRedirect(reverse("accounts:otp-setup"))
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            device = services.totp_verify(user, form.cleaned_data["token"], request=request)
        except ApplicationError as error:
            form.add_error("token", _(error.message))
            status = 429 if error.code == "throttled" else 400
        else:
            otp_login(request, device)
            home = reverse("accounts:staff-home")
            return HttpResponseRedirect(_after_sign_in(request, user, home))
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/otp_verify.html",
                  {"form": form, "next": _safe_next(request, "")}, status=status)


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    try:
        services.check_can_manage_staff(request.user)
    except NotAllowed as error:
        return render(request, "errors/403.html", {"message": _(error.message)}, status=403)
    return _staff_list_page(request, InviteForm())


def _managed_member(request: HttpRequest, user_id: int):
    """(the staff member an administrator manages, None), or (None, the 403/404 page)."""
    try:
        services.check_can_manage_staff(request.user)
        return services.staff_user_get(user_id), None
    except NotAllowed as error:
        return None, render(request, "errors/403.html", {"message": _(error.message)}, status=403)
    except ApplicationError:
        return None, render(request, "errors/404.html", status=404)


def _staff_list_page(request: HttpRequest, invite_form, status: int = 200) -> HttpResponse:
    invitations = selectors.staff_invitations()
    users = [(u, selectors.user_roles(u), invitations.get(u.pk)) for u in selectors.staff_users()]
    return render(request, "accounts/staff_list.html", {
        "users": users, "invite_form": invite_form,
        "invite_hours": services.INVITATION_SECONDS // 3600,
    }, status=status)


@login_required
@require_http_methods(["POST"])
def staff_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST)
    try:
        services.check_can_manage_staff(request.user)
    except NotAllowed as error:
        return render(request, "errors/403.html", {"message": _(error.message)}, status=403)
    if form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.staff_invite(
                request.user, username=data["username"], email=data["email"],
                roles=data["roles"], name=data["name"], request=request)
        except ApplicationError as error:
            form.add_error(None, _(error.message))
        else:
            messages.success(request, _("Invitation sent to %(email)s.")
                             % {"email": invitation.email})
            return HttpResponseRedirect(reverse("accounts:staff-list"))
    return _staff_list_page(request, form, status=400)


@login_required
@require_http_methods(["POST"])
def staff_deactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    member, refused = _managed_member(request, user_id)
    if refused is not None:
        return refused
    try:
        services.staff_deactivate(request.user, member, request=request)
    except ApplicationError as error:
        messages.error(request, _(error.message))
        return HttpResponseRedirect(reverse("accounts:staff-edit", args=[member.pk]))
    messages.success(request, _("%(name)s is deactivated: signed out everywhere.")
                     % {"name": member.get_username()})
    return HttpResponseRedirect(reverse("accounts:staff-list"))


@login_required
@require_http_methods(["POST"])
def staff_reinvite(request: HttpRequest, user_id: int) -> HttpResponse:
    member, refused = _managed_member(request, user_id)
    if refused is not None:
        return refused
    try:
        invitation = services.invitation_resend(request.user, member, request=request)
    except ApplicationError as error:
        messages.error(request, _(error.message))
        return HttpResponseRedirect(reverse("accounts:staff-edit", args=[member.pk]))
    messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
    return HttpResponseRedirect(reverse("accounts:staff-list"))


# --- onboarding ---------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@ratelimit("welcome", 20, 300, methods=("POST",))
def welcome(request: HttpRequest, code: str) -> HttpResponse:
    """The invitation link: choose a password, then on to the authenticator set-up."""
    from django.contrib.auth import login

    try:
        invitation = services.invitation_check(code)
    except ApplicationError as error:
        return render(request, "errors/404.html", {"message": _(error.message)}, status=404)
    form = SetPasswordForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                user, link = services.invitation_accept(code, form.cleaned_data["password1"],
                                                        request=request)
            except ApplicationError as error:
                form.add_error("password1", error.message)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return HttpResponseRedirect(link)
    response = render(request, "accounts/welcome.html", {
        "form": form, "member": invitation.user}, status=status)
    add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def onboarding_chat(request: HttpRequest) -> HttpResponse:
    """A specialist's first sign-in: byline, chat languages and chat limit."""
    from .roles import SPECIALIST

    if not has_role(request.user, SPECIALIST):
        return HttpResponseRedirect(reverse("accounts:staff-home"))
    status = 200
    if request.method == "POST":
        form = ChatSettingsForm(request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.specialist_settings_save(
                    request.user, languages=data["languages"],
                    max_concurrent=data["max_concurrent"], display_name=data["display_name"],
                    credentials=data["credentials"], request=request)
            except ApplicationError as error:
                form.add_error(None, _(error.message))
            else:
                messages.success(request, _("Your chat settings are saved. Set yourself "
                                            "available when you are ready to take chats."))
                return HttpResponseRedirect(_safe_next(request, reverse("chat:console")))
    else:
        form = ChatSettingsForm(initial=selectors.chat_settings_initial(request.user))
    return render(request, "accounts/onboarding_chat.html",
                  {"form": form, "next": _safe_next(request, "")}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    member, refused = _managed_member(request, user_id)
    if refused is not None:
        return refused
    status = 200
    if request.method == "POST":
        form = RolesForm(request.POST)
        if form.is_valid():
            try:
                services.staff_roles_set(request.user, member, form.cleaned_data["roles"],
                                         request=request)
                services.staff_active_set(request.user, member, form.cleaned_data["active"],
                                          request=request)
                if request.POST.get("reset_2fa"):
                    services.staff_two_factor_reset(request.user, member, request=request)
                if request.POST.get("enrolment_link"):
                    link = services.enrolment_link_issue(request.user, member, request=request)
                    response = render(request, "accounts/staff_edit.html", {
                        "form": form, "member": member,
                        "enrolment_link": request.build_absolute_uri(link),
                        "link_hours": services.ENROLMENT_LINK_SECONDS // 3600,
                    })
                    add_never_cache_headers(response)  # the page shows a one-time secret
                    return response
            except ApplicationError as error:
                form.add_error(None, _(error.message))
                status = 400
            else:
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(reverse("accounts:staff-list"))
        else:
            status = 400
    else:
        form = RolesForm(initial={"roles": selectors.user_roles(member), "active": member.is_active})
    invitation = selectors.open_invitation(member)
    return render(request, "accounts/staff_edit.html", {
        "form": form, "member": member,
        "invitation_waiting": invitation is not None and invitation.password_set_at is None,
    }, status=status)


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = {}
    status = 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            filters = {"action": data["action"], "actor_name": data["actor"],
                       "since": data["since"], "until": data["until"]}
        else:
            status = 400
    try:
        entries = selectors.audit_entries(request.user, **filters)
    except NotAllowed as error:
        return render(request, "errors/403.html", {"message": _(error.message)}, status=403)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/audit_log.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "actions": selectors.audit_actions(),
    }, status=status)


# --- transcripts (supervisors; scrubbed unless the original is asked for) -----

def _transcript_error(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    if isinstance(error, NotAllowed):
        return render(request, "errors/403.html", {"message": _(error.message)}, status=403)
    return render(request, "errors/404.html", {"message": _(error.message)}, status=404)


@login_required
def transcript(request: HttpRequest, ref: str) -> HttpResponse:
    from helpline.chat import transcripts

    original = request.GET.get("original") == "1"
    try:
        conversation, lines = transcripts.transcript_read(
            request.user, transcripts.transcript_ref_resolve(ref, request.session.session_key),
            original=original, request=request)
    except ApplicationError as error:
        return _transcript_error(request, error)
    can_export = True
    try:
        transcripts.check_can_export(request.user)
    except NotAllowed:
        can_export = False
    return render(request, "accounts/transcript.html", {
        "conversation": conversation, "lines": lines, "original": original,
        "can_export": can_export, "ref": ref,
    })


@login_required
def transcript_csv(request: HttpRequest, ref: str) -> HttpResponse:
    from helpline.chat import transcripts

    try:
        conversation_id = transcripts.transcript_ref_resolve(ref, request.session.session_key)
        body = transcripts.transcript_export_csv(request.user, [conversation_id], request=request)
    except ApplicationError as error:
        return _transcript_error(request, error)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="transcript-{conversation_id}.csv"'
    return response


@login_required
def transcript_pdf(request: HttpRequest, ref: str) -> HttpResponse:
    from helpline.chat import transcripts

    try:
        conversation_id = transcripts.transcript_ref_resolve(ref, request.session.session_key)
        body = transcripts.transcript_export_pdf(request.user, conversation_id, request=request)
    except ApplicationError as error:
        return _transcript_error(request, error)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="transcript-{conversation_id}.pdf"'
    return response
