"""Staff roles as Django groups, and the permissions each one holds.

This module names the roles and keeps the table; each app adds its own permission
codenames with ``register(role, *perms)`` from its ``AppConfig.ready`` (see
``articles/apps.py``). ``ensure_roles`` creates the groups and attaches every
permission that exists (run after each migrate).
"""

from __future__ import annotations

SPECIALIST = "specialist"
SUPERVISOR = "supervisor"
EDITOR = "editor"
MEDICAL_REVIEWER = "medical_reviewer"
TRANSLATOR = "translator"
ADMINISTRATOR = "administrator"

ALL_ROLES = [SPECIALIST, SUPERVISOR, EDITOR, MEDICAL_REVIEWER, TRANSLATOR, ADMINISTRATOR]

# role -> "app_label.codename" permissions
# (the apps' own permissions are added by their AppConfig.ready through register())
ROLE_PERMISSIONS: dict[str, set[str]] = {
    EDITOR: set(),
    MEDICAL_REVIEWER: set(),
    TRANSLATOR: set(),
    SPECIALIST: set(),
    SUPERVISOR: set(),
    ADMINISTRATOR: {
        # trust: staff management and the audit log
        "accounts.manage_staff",
        "accounts.view_auditlog",
        "common.view_auditentry",
    },
}


def register(role: str, *perms: str) -> None:
    """Let an app add permissions to a role (call from its AppConfig.ready)."""
    ROLE_PERMISSIONS.setdefault(role, set()).update(perms)


def ensure_roles() -> None:
    from django.contrib.auth.models import Group, Permission

    for role in ALL_ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        wanted = ROLE_PERMISSIONS.get(role, set())
        perms = []
        for dotted in sorted(wanted):
            app_label, codename = dotted.split(".", 1)
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                perms.append(perm)
        group.permissions.set(perms)


def has_role(user, role: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=role).exists()
