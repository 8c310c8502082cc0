"""Staff accounts: sign-in throttling, two-factor devices, role changes.

Every write that matters is audited through ``helpline.common.audit.record``.
"""

from __future__ import annotations

import hashlib
import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import signing
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_noop

from helpline.common import ratelimit
from helpline.common.audit import record
from helpline.common.exceptions import ApplicationError, NotAllowed

from .roles import ALL_ROLES

# Sign-in throttling: failures counted per username and per address.
LOGIN_WINDOW_SECONDS = 15 * 60
LOGIN_MAX_FAILURES_PER_USER = 5
LOGIN_MAX_FAILURES_PER_IP = 20
OTP_MAX_FAILURES = 5


def normalise_username(username: str) -> str:
    """The form Django compares (NFKC), case-folded: every look-alike of a name
    that signs in as that account counts toward the same lock."""
    return unicodedata.normalize("NFKC", username or "").strip().casefold()[:150]


def _user_key(username: str) -> str:
    return f"login-fail:user:{normalise_username(username)}"


def _ip_key(ip: str) -> str:
    return f"login-fail:ip:{ip}"


def _failures(key: str) -> int:
    return ratelimit.peek(key, LOGIN_WINDOW_SECONDS)


def login_blocked(username: str, ip: str) -> bool:
    """True when this username or address has failed too often recently."""
    return (
        _failures(_user_key(username)) >= LOGIN_MAX_FAILURES_PER_USER
        or _failures(_ip_key(ip)) >= LOGIN_MAX_FAILURES_PER_IP
    )


def login_failure_record(username: str, ip: str, request: HttpRequest | None = None) -> None:
    ratelimit.hit(_user_key(username), LOGIN_MAX_FAILURES_PER_USER, LOGIN_WINDOW_SECONDS)
    ratelimit.hit(_ip_key(ip), LOGIN_MAX_FAILURES_PER_IP, LOGIN_WINDOW_SECONDS)
    record(None, "accounts.login_failed", data={"username": (username or "")[:150]},
           request=request, ip=ip)


def login_success_record(user, ip: str, request: HttpRequest | None = None) -> None:
    ratelimit.reset(_user_key(user.get_username()), LOGIN_WINDOW_SECONDS)
    record(user, "accounts.login", user, request=request, ip=ip)


# --- two-factor ---------------------------------------------------------------

def needs_two_factor(user) -> bool:
    """Staff (any role, staff flag or superuser) must use a second factor."""
    if not getattr(settings, "HELPLINE_REQUIRE_2FA", True):
        return False
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return user.groups.filter(name__in=ALL_ROLES).exists()


def totp_device_for(user, *, confirmed: bool | None = True):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    devices = TOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        devices = devices.filter(confirmed=confirmed)
    return devices.order_by("-id").first()


def totp_device_start(user):
    """Create (or reuse) the user's unconfirmed authenticator device."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = totp_device_for(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


# --- first enrolment: a one-time link from an administrator -------------------------
# A password alone must not attach a new authenticator to an account (someone holding
# a stolen password would enrol their own phone). The first device, and a new one after
# an administrator's reset, needs a link an administrator issued for that person. The
# link is signed, expires, and is spent on first use: it is bound to the account's
# device state, which the first use changes.

ENROLMENT_LINK_SECONDS = 24 * 3600
_ENROLMENT_SALT = "helpline.accounts.enrolment-link"
SESSION_ENROLMENT_USER = "otp_enrolment_user"  # this session redeemed a link for this user
SESSION_ENROLMENT_LINK = "otp_enrolment_link"  # a link opened before the password step


def _enrolment_state(user) -> str:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    devices = list(TOTPDevice.objects.filter(user=user).order_by("id")
                   .values_list("id", "confirmed"))
    raw = f"{user.pk}:{user.password}:{devices}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _enrolment_link(user) -> str:
    from django.urls import reverse

    code = signing.TimestampSigner(salt=_ENROLMENT_SALT).sign_object(
        {"u": user.pk, "s": _enrolment_state(user)})
    return reverse("accounts:otp-enrol", kwargs={"code": code})


def enrolment_link_issue(actor, user, *, request: HttpRequest | None = None) -> str:
    """A one-time set-up link (a path) for ``user``'s authenticator. Administrators only;
    audited. It expires after ENROLMENT_LINK_SECONDS."""
    check_can_manage_staff(actor)
    link = _enrolment_link(user)
    record(actor, "accounts.2fa_link", user, request=request)
    return link


def enrolment_link_for_operator(user) -> str:
    """The same link for the server's operator (``helpline enrolment_link``): the first
    administrator has nobody to issue one. Audited as issued by the system."""
    link = _enrolment_link(user)
    record(None, "accounts.2fa_link", user, data={"by": "command line"})
    return link


def enrolment_link_redeem(user, code: str, *, request: HttpRequest | None = None) -> None:
    """Spend a set-up link for ``user``: it starts a fresh unconfirmed device (which
    changes the state the link is bound to, so it cannot be used again)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    try:
        data = signing.TimestampSigner(salt=_ENROLMENT_SALT).unsign_object(
            str(code), max_age=ENROLMENT_LINK_SECONDS)
    except signing.BadSignature:  # also expired
        data = None
    if not isinstance(data, dict) or data.get("u") != user.pk \
            or data.get("s") != _enrolment_state(user):
        raise ApplicationError(gettext_noop("This set-up link is not valid: it may have been "
                                            "used or have expired. Ask an administrator for "
                                            "a new one."), code="not_found")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    record(user, "accounts.2fa_link_used", user, request=request)


def _otp_allowed(user) -> None:
    if not ratelimit.hit(f"otp-fail:{user.pk}", OTP_MAX_FAILURES, LOGIN_WINDOW_SECONDS):
        raise ApplicationError(
            gettext_noop("Too many wrong codes. Wait 15 minutes and try again."), code="throttled"
        )


def _clean_token(token: str) -> str:
    token = "".join((token or "").split())
    if not token.isdigit() or not 6 <= len(token) <= 8:
        raise ApplicationError(gettext_noop("Enter the 6-digit code from your authenticator app."))
    return token


def totp_device_confirm(user, token: str, *, request: HttpRequest | None = None):
    """Check a first code from a new device; on success the device is confirmed."""
    token = _clean_token(token)
    device = totp_device_for(user, confirmed=False)
    if device is None:
        raise ApplicationError(gettext_noop("Start the set-up again: no authenticator is waiting."))
    if ratelimit.peek(f"otp-fail:{user.pk}", LOGIN_WINDOW_SECONDS) >= OTP_MAX_FAILURES:
        raise ApplicationError(gettext_noop("Too many wrong codes. Wait 15 minutes and try again."),
                               code="throttled")
    if not device.verify_token(token):
        _otp_allowed(user)
        raise ApplicationError(gettext_noop("That code did not match. Check your device's clock and try again."))
    with transaction.atomic():
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    record(user, "accounts.2fa_enabled", user, request=request)
    return device


def totp_verify(user, token: str, *, request: HttpRequest | None = None):
    """Check a code against the user's confirmed device; returns the device."""
    token = _clean_token(token)
    device = totp_device_for(user)
    if device is None:
        raise ApplicationError(gettext_noop("Set up your authenticator first."))
    if ratelimit.peek(f"otp-fail:{user.pk}", LOGIN_WINDOW_SECONDS) >= OTP_MAX_FAILURES:
        raise ApplicationError(gettext_noop("Too many wrong codes. Wait 15 minutes and try again."),
                               code="throttled")
    if not device.verify_token(token):
        _otp_allowed(user)
        record(user, "accounts.2fa_failed", user, request=request)
        raise ApplicationError(gettext_noop("That code did not match. Try the newest code."))
    ratelimit.reset(f"otp-fail:{user.pk}", LOGIN_WINDOW_SECONDS)
    return device


# --- staff roles --------------------------------------------------------------

def check_can_manage_staff(actor) -> None:
    if not (getattr(actor, "is_authenticated", False) and actor.has_perm("accounts.manage_staff")):
        raise NotAllowed(gettext_noop("Only administrators can manage staff accounts."))


def staff_roles_set(actor, user, roles: list[str], *, request: HttpRequest | None = None) -> list[str]:
    """Give ``user`` exactly ``roles``; audited. Administrators only."""
    check_can_manage_staff(actor)
    wanted = sorted(set(roles))
    unknown = [role for role in wanted if role not in ALL_ROLES]
    if unknown:
        raise ApplicationError(f"Unknown role: {', '.join(unknown)}")
    if user.pk == actor.pk and "administrator" not in wanted and not actor.is_superuser:
        raise ApplicationError(gettext_noop("You cannot remove your own administrator role."))
    with transaction.atomic():
        before = sorted(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))
        from .roles import ensure_roles

        if Group.objects.filter(name__in=wanted).count() != len(wanted):
            ensure_roles()
        keep = list(user.groups.exclude(name__in=ALL_ROLES))
        user.groups.set(keep + list(Group.objects.filter(name__in=wanted)))
        if wanted and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        if before != wanted:
            record(actor, "accounts.roles_change", user,
                   data={"before": before, "after": wanted}, request=request)
    return wanted


def staff_active_set(actor, user, active: bool, *, request: HttpRequest | None = None) -> None:
    check_can_manage_staff(actor)
    if user.pk == actor.pk and not active:
        raise ApplicationError(gettext_noop("You cannot deactivate your own account."))
    if user.is_active == active:
        return
    with transaction.atomic():
        user.is_active = active
        # Saving the flag announces the change to the person's open sockets after the
        # commit (chat.signals), which close.
        user.save(update_fields=["is_active"])
        if active:
            record(actor, "accounts.activate", user, request=request)
        else:
            ended = _sessions_end(user)
            record(actor, "accounts.deactivate", user, data={"sessions_ended": ended},
                   request=request)


def staff_deactivate(actor, user, *, request: HttpRequest | None = None) -> None:
    """The one-button deactivation: the account is switched off, its sessions are
    ended, its sockets close, and one audit entry says so."""
    staff_active_set(actor, user, False, request=request)


def _sessions_end(user) -> int:
    """Delete every stored session signed in as ``user``; returns how many."""
    from importlib import import_module

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    engine = import_module(settings.SESSION_ENGINE)
    if not settings.SESSION_ENGINE.endswith(("sessions.backends.db",
                                             "sessions.backends.cached_db")):
        # Sessions kept elsewhere cannot be listed; an inactive account's session no
        # longer signs anyone in (ModelBackend refuses inactive users).
        return 0
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id", "")) == str(user.pk):
            engine.SessionStore(session.session_key).delete()
            ended += 1
    return ended


def staff_two_factor_reset(actor, user, *, request: HttpRequest | None = None) -> int:
    """Remove a staff member's authenticator (lost phone); they set up a new one."""
    check_can_manage_staff(actor)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    count, _ = TOTPDevice.objects.filter(user=user).delete()
    record(actor, "accounts.2fa_reset", user, request=request)
    return count


def staff_user_get(user_id) -> object:
    User = get_user_model()
    try:
        return User.objects.get(pk=int(user_id))
    except (User.DoesNotExist, TypeError, ValueError):
        raise ApplicationError(gettext_noop("No such staff member."), code="not_found") from None


# --- onboarding: an administrator invites, the person finishes the steps ----------
# The invitation link is signed, expires, and is spent when the password is set: it is
# bound to the account's password hash, which setting the password changes. Setting the
# password hands the person straight on to the one-time authenticator set-up link above.

INVITATION_SECONDS = 72 * 3600
_INVITATION_SALT = "helpline.accounts.invitation"
CHAT_LIMIT_MAX = 6  # the console's own bound for "most chats at once"


def _invitation_state(invitation) -> str:
    user = invitation.user
    raw = f"{invitation.pk}:{user.pk}:{user.password}:{user.is_active}:{invitation.password_set_at}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def invitation_path(invitation, language: str = "en") -> str:
    """The invitation's link (a path, in ``language``)."""
    from django.urls import reverse
    from django.utils import translation

    code = signing.TimestampSigner(salt=_INVITATION_SALT).sign_object(
        {"i": invitation.pk, "s": _invitation_state(invitation)})
    with translation.override(language):
        return reverse("accounts:welcome", kwargs={"code": code})


def invitation_check(code: str):
    """The open invitation a link stands for, or ApplicationError (used, expired, forged)."""
    from .models import Invitation

    try:
        data = signing.TimestampSigner(salt=_INVITATION_SALT).unsign_object(
            str(code), max_age=INVITATION_SECONDS)
    except signing.BadSignature:  # also expired
        data = None
    invitation = None
    if isinstance(data, dict) and isinstance(data.get("i"), int):
        invitation = Invitation.objects.select_related("user").filter(
            pk=data["i"], completed_at__isnull=True, password_set_at__isnull=True).first()
    if invitation is None or not invitation.user.is_active \
            or data.get("s") != _invitation_state(invitation):
        raise ApplicationError(gettext_noop("This invitation link is not valid: it may have been "
                                            "used or have expired. Ask an administrator for a "
                                            "new one."), code="not_found")
    return invitation


def _invitation_mail(invitation):
    from django.utils import translation
    from django.utils.translation import gettext

    from helpline.common.mail import build

    hours = INVITATION_SECONDS // 3600
    parts = []
    subjects = []
    for language in ("en", "es"):
        with translation.override(language):
            subjects.append(gettext("Your Helpline staff account"))
            parts.append("\n\n".join([
                gettext("Hello,"),
                gettext("An administrator has made you a Helpline staff account. Your user name "
                        "is: %(username)s") % {"username": invitation.user.get_username()},
                gettext("To finish, open this link, choose a password, then set up an "
                        "authenticator app on your phone for two-factor sign-in:"),
                invitation_path(invitation, language),
                gettext("The link works once and expires in %(hours)d hours. If you were not "
                        "expecting it, ignore this e-mail.") % {"hours": hours},
            ]))
    text = parts[0] + "\n\n---\n\n" + parts[1]
    return build(subject=" / ".join(subjects), text=text, to=[invitation.email], language="en")


def staff_invite(actor, *, username: str, email: str, roles: list[str], name: str = "",
                 request: HttpRequest | None = None):
    """Make an account in ``roles`` with no usable password and e-mail its invitation
    (English and Spanish, absolute links) after the commit. Administrators only; audited."""
    from .models import Invitation, StaffProfile
    from .roles import ensure_roles

    check_can_manage_staff(actor)
    User = get_user_model()
    username = (username or "").strip()
    email = (email or "").strip().lower()
    wanted = sorted(set(roles or []))
    if not wanted:
        raise ApplicationError(gettext_noop("Choose at least one role."))
    if any(role not in ALL_ROLES for role in wanted):
        raise ApplicationError(gettext_noop("Unknown role."))
    if not username or not email:
        raise ApplicationError(gettext_noop("Enter a user name and an e-mail address."))
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(gettext_noop("That user name is taken."))
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError(gettext_noop("An account with that e-mail address exists: "
                                            "change its roles instead."))
    with transaction.atomic():
        if Group.objects.filter(name__in=wanted).count() != len(wanted):
            ensure_roles()
        user = User(username=username, email=email, is_staff=True, first_name=name.strip()[:150])
        user.set_unusable_password()
        user.save()
        user.groups.set(Group.objects.filter(name__in=wanted))
        if name.strip():
            StaffProfile.objects.create(user=user, display_name=name.strip()[:120])
        invitation = Invitation.objects.create(user=user, email=email, roles=wanted,
                                               invited_by=actor)
        record(actor, "accounts.invite", user, data={"roles": wanted}, request=request)
        message = _invitation_mail(invitation)
        transaction.on_commit(lambda: _invitation_send(message, invitation.pk))
    return invitation


def invitation_resend(actor, user, *, request: HttpRequest | None = None):
    """E-mail a fresh invitation link to someone who has not yet set a password (the first
    expired, or never arrived). Administrators only; audited."""
    from django.utils import timezone

    from .models import Invitation

    check_can_manage_staff(actor)
    invitation = Invitation.objects.filter(user_id=user.pk, completed_at__isnull=True,
                                           password_set_at__isnull=True).first()
    if invitation is None or not user.is_active:
        raise ApplicationError(gettext_noop("This person has no invitation waiting."))
    with transaction.atomic():
        # A new row, so links from earlier e-mails stop working.
        Invitation.objects.filter(pk=invitation.pk).update(completed_at=timezone.now())
        fresh = Invitation.objects.create(user=user, email=invitation.email,
                                          roles=invitation.roles, invited_by=actor)
        record(actor, "accounts.invite_resent", user, request=request)
        message = _invitation_mail(fresh)
        transaction.on_commit(lambda: _invitation_send(message, fresh.pk))
    return fresh


def _invitation_send(message, invitation_id: int) -> None:
    import logging

    try:
        message.send()
    except Exception:  # noqa: BLE001 - a mail server fault must not undo the account
        logging.getLogger(__name__).exception("invitation e-mail %s not sent", invitation_id)


def invitation_accept(code: str, password: str, *, request: HttpRequest | None = None):
    """Set the invited person's password (spending the link). Returns the user and the
    one-time authenticator set-up link (a path) for the next step."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    invitation = invitation_check(code)
    user = invitation.user
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), code="invalid") from None
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        invitation.password_set_at = timezone.now()
        invitation.save(update_fields=["password_set_at"])
        record(user, "accounts.invite_accepted", user, request=request)
    link = _enrolment_link(user)
    record(None, "accounts.2fa_link", user, data={"by": "invitation"})
    return user, link


def onboarding_advance(user, *, request: HttpRequest | None = None) -> None:
    """Record the end of onboarding once no step is left (called after each step)."""
    from django.utils import timezone

    from . import selectors
    from .models import Invitation

    if selectors.onboarding_step(user) != selectors.STEP_DONE:
        return
    updated = Invitation.objects.filter(user_id=user.pk, completed_at__isnull=True).update(
        completed_at=timezone.now())
    if updated:
        record(user, "accounts.onboarding_done", user, request=request)


def specialist_settings_save(user, *, languages: list[str], max_concurrent: int,
                             display_name: str, credentials: str,
                             request: HttpRequest | None = None) -> None:
    """A specialist's first sign-in: their byline (display name, credentials) and their
    chat languages and limit, kept on the chat's own status row (one limit, the one
    routing uses)."""
    from django.utils import timezone

    from helpline.chat import services as chat_services

    from .models import Invitation, StaffProfile
    from .roles import SPECIALIST, has_role

    if not has_role(user, SPECIALIST):
        raise NotAllowed(gettext_noop("Only specialists choose chat settings."))
    languages = sorted(set(languages or []))
    if not languages or any(code not in ("en", "es") for code in languages):
        raise ApplicationError(gettext_noop("Choose the languages you take chats in."))
    try:
        max_concurrent = int(max_concurrent)
    except (TypeError, ValueError):
        raise ApplicationError(gettext_noop("The chat limit must be a number.")) from None
    if not 1 <= max_concurrent <= CHAT_LIMIT_MAX:
        raise ApplicationError(gettext_noop("The chat limit must be between 1 and 6."))
    display_name = (display_name or "").strip()[:120]
    credentials = (credentials or "").strip()[:120]
    with transaction.atomic():
        StaffProfile.objects.update_or_create(
            user=user, defaults={"display_name": display_name, "credentials": credentials})
        chat_services.specialist_set_status(
            user, languages=languages, max_concurrent=max_concurrent,
            display_name=display_name or user.get_full_name() or user.get_username())
        Invitation.objects.filter(user_id=user.pk, completed_at__isnull=True,
                                  chat_settings_at__isnull=True).update(
            chat_settings_at=timezone.now())
        record(user, "accounts.chat_settings", user,
               data={"languages": languages, "max_concurrent": max_concurrent},
               request=request)
    onboarding_advance(user, request=request)


def staff_role_groups_joined(user_ids) -> int:
    """Accounts put in a role group anywhere (the admin, a shell) are marked staff, so
    they sign in with two factors and appear on "Staff and roles"."""
    User = get_user_model()
    return User.objects.filter(pk__in=list(user_ids), is_staff=False).update(is_staff=True)
