"""Staff roles as Django groups, and the permissions each one holds.

Each app adds its own permission codenames here so that one table says who can
do what. ``ensure_roles`` creates the groups and attaches every permission that
exists (run after each migrate).
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
ROLE_PERMISSIONS: dict[str, set[str]] = {
    EDITOR: {
        "articles.view_articleversion",
        "articles.add_articleversion",
        "articles.change_articleversion",
        "articles.translate_articleversion",
    },
    MEDICAL_REVIEWER: {
        "articles.view_articleversion",
        "articles.change_articleversion",
        "articles.publish_articleversion",
        "articles.archive_articleversion",
    },
    TRANSLATOR: {
        "articles.view_articleversion",
        "articles.translate_articleversion",
    },
    SPECIALIST: set(),
    SUPERVISOR: set(),
    ADMINISTRATOR: {
        "articles.view_articleversion",
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

# --- Resources and outreach (issue 5) ---------------------------------------
ROLE_PERMISSIONS[SPECIALIST] |= {
    "resources.view_resource",
    "resources.add_referral",
}
ROLE_PERMISSIONS[SUPERVISOR] |= {
    "resources.view_resource", "resources.add_resource", "resources.change_resource",
    "resources.add_referral", "resources.view_referral",
    "outreach.view_volunteerinterest",
    "outreach.view_newsletterissue", "outreach.add_newsletterissue",
    "outreach.change_newsletterissue", "outreach.send_newsletterissue",
    "outreach.view_subscriber", "outreach.view_delivery",
    "outreach.view_donation",
}
ROLE_PERMISSIONS[ADMINISTRATOR] |= ROLE_PERMISSIONS[SUPERVISOR] | {
    "resources.delete_resource",
    "outreach.delete_volunteerinterest",
    "outreach.change_subscriber",
}

# --- Supervisor dashboard (issue 8) -------------------------------------------
ROLE_PERMISSIONS[SUPERVISOR] |= {"dashboard.view_dashboard"}
ROLE_PERMISSIONS[ADMINISTRATOR] |= {"dashboard.view_dashboard"}

# --- Chat console (issue 4, UI) ---------------------------------------------
# Specialists read canned responses and topics; supervisors edit both lists.
ROLE_PERMISSIONS[SPECIALIST] |= {
    "chat_console.view_cannedresponse",
    "chat_console.view_wrapuptopic",
}
ROLE_PERMISSIONS[SUPERVISOR] |= {
    "chat_console.view_cannedresponse",
    "chat_console.add_cannedresponse",
    "chat_console.change_cannedresponse",
    "chat_console.delete_cannedresponse",
    "chat_console.view_wrapuptopic",
    "chat_console.add_wrapuptopic",
    "chat_console.change_wrapuptopic",
    "chat_console.delete_wrapuptopic",
    "chat.view_conversation",
    "chat.view_specialiststatus",
}
