"""Reads for the staff pages: staff list and the audit log."""

from __future__ import annotations

import datetime

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
