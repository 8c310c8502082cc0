"""Reads for the staff pages: staff list and the audit log."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_noop

from helpline.common.exceptions import NotAllowed
from helpline.common.models import AuditEntry

from .roles import ALL_ROLES


def check_can_view_audit(actor) -> None:
    if not (getattr(actor, "is_authenticated", False) and actor.has_perm("accounts.view_auditlog")):
        raise NotAllowed(gettext_noop("Only administrators can read the audit log."))


def audit_entries(
    actor,
    *,
    action: str = "",
    actor_name: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    check_can_view_audit(actor)
    entries = AuditEntry.objects.all()
    if action:
        entries = entries.filter(action__startswith=action)
    if actor_name:
        entries = entries.filter(actor_label__iexact=actor_name)
    if since:
        entries = entries.filter(created_at__date__gte=since)
    if until:
        entries = entries.filter(created_at__date__lte=until)
    return entries.order_by("-created_at", "-id")


def audit_actions() -> list[str]:
    return list(AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct())


def staff_users() -> QuerySet:
    User = get_user_model()
    return (
        User.objects.filter(Q(is_staff=True) | Q(groups__name__in=ALL_ROLES) | Q(is_superuser=True))
        .distinct()
        .prefetch_related("groups")
        .order_by("username")
    )


def user_roles(user) -> list[str]:
    return sorted(g.name for g in user.groups.all() if g.name in ALL_ROLES)


def public_byline(user) -> str:
    """A staff member's name as printed on public pages: display name and credentials.

    Falls back to the full name, then the user name, when no profile is set.
    """
    if user is None:
        return ""
    from .models import StaffProfile

    profile = StaffProfile.objects.filter(user_id=user.pk).first()
    name = ((profile.display_name if profile else "").strip()
            or user.get_full_name().strip() or user.get_username())
    credentials = (profile.credentials if profile else "").strip()
    return f"{name}, {credentials}" if credentials else name


# --- onboarding ----------------------------------------------------------------------
STEP_PASSWORD = "password"
STEP_AUTHENTICATOR = "authenticator"
STEP_CHAT = "chat"
STEP_DONE = "done"


def open_invitation(user):
    from .models import Invitation

    if user is None or getattr(user, "pk", None) is None:
        return None
    return Invitation.objects.filter(user_id=user.pk, completed_at__isnull=True).first()


def onboarding_step(user) -> str | None:
    """The invited person's next step: password, authenticator, chat; ``done`` when
    nothing is left but recording it; None when there is no open invitation."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .roles import SPECIALIST, has_role

    invitation = open_invitation(user)
    if invitation is None:
        return None
    if invitation.password_set_at is None or not user.has_usable_password():
        return STEP_PASSWORD
    if getattr(settings, "HELPLINE_REQUIRE_2FA", True) \
            and not TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists():
        return STEP_AUTHENTICATOR
    if has_role(user, SPECIALIST) and invitation.chat_settings_at is None:
        return STEP_CHAT
    return STEP_DONE


def staff_invitations() -> dict[int, object]:
    """The latest invitation of each invited account, by user id."""
    from .models import Invitation

    latest: dict[int, object] = {}
    for invitation in Invitation.objects.order_by("created_at", "id"):
        latest[invitation.user_id] = invitation
    return latest


def chat_settings_initial(user) -> dict:
    """The first-sign-in form's starting values: the byline and any chat status."""
    from helpline.chat.selectors import specialist_status_for

    from .models import StaffProfile

    profile = StaffProfile.objects.filter(user_id=user.pk).first()
    status = specialist_status_for(user)
    return {
        "display_name": (profile.display_name if profile else "") or user.get_full_name(),
        "credentials": profile.credentials if profile else "",
        "languages": status.languages if status else ["en"],
        "max_concurrent": status.max_concurrent if status else 2,
    }


def needs_chat_settings(user) -> bool:
    """A specialist who has never chosen chat languages and limit (no chat status yet)."""
    from helpline.chat.selectors import specialist_status_for

    from .roles import SPECIALIST

    if user is None or not getattr(user, "is_authenticated", False) or user.is_superuser:
        return False
    if not user.groups.filter(name=SPECIALIST).exists():
        return False
    return specialist_status_for(user) is None
