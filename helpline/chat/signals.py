"""Live authorization: when a staff member's rights change, their open sockets hear it.

Signing out, deactivation and a change of role groups send ``chat.access_changed``
to the person's group (``chat.user.<id>``) after the change commits. Every staff
socket of that person (console and conversation) is a member; on the event it
checks its rights again and closes (code 4403) when they are gone. Signing out
names the session, so only the sockets opened with that session close.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import m2m_changed, post_save

from . import events

ACCESS_CHANGED = "chat.access_changed"


def access_changed(user_id: int, *, session_key: str | None = None) -> None:
    """Tell ``user_id``'s open sockets (after commit) that their rights may have changed."""
    events.publish(events.user_group(user_id),
                   {"type": ACCESS_CHANGED, "session_key": session_key})


def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None and getattr(user, "pk", None) is not None:
        session = getattr(request, "session", None)
        access_changed(user.pk, session_key=getattr(session, "session_key", None) or "")


def _user_saved(sender, instance, created, update_fields=None, **kwargs) -> None:
    if created or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    access_changed(instance.pk)


def _groups_changed(sender, instance, action, pk_set=None, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    user_model = get_user_model()
    if isinstance(instance, user_model):
        access_changed(instance.pk)
    else:  # a group's members changed: each of them
        for user_id in pk_set or ():
            access_changed(user_id)


def connect() -> None:
    user_model = get_user_model()
    user_logged_out.connect(_logged_out, dispatch_uid="chat-access-logout")
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="chat-access-user")
    m2m_changed.connect(_groups_changed, sender=user_model.groups.through,
                        dispatch_uid="chat-access-groups")
