"""Private helpers shared by the chat's service modules: lookups, role checks, input
cleaning, audit, the after-commit nudges, triage and the answer hand-off."""

from __future__ import annotations

import logging
import time

from django.db import transaction

from helpline.common.exceptions import ApplicationError, NotAllowed

from .. import events
from ..models import Conversation, SpecialistStatus
from ..selectors import (
    chat_setting,
    conversation_by_token,
    conversation_state,
    handoff_context,
    is_console_user,
)

log = logging.getLogger("helpline.chat.services")

LANGUAGES = ("en", "es")


def _get(token) -> Conversation:
    conversation = token if isinstance(token, Conversation) else conversation_by_token(token)
    if conversation is None:
        raise ApplicationError("This conversation does not exist.", code="not_found")
    return conversation


def _is_staff(user) -> bool:
    return is_console_user(user)


def _is_supervisor(user) -> bool:
    from helpline.accounts.roles import SUPERVISOR, has_role

    return has_role(user, SUPERVISOR)


def _require_staff(user) -> None:
    if not _is_staff(user):
        raise NotAllowed("Only specialists and supervisors can do that.")


def _clean_text(text, *, required: bool = True) -> str:
    if not isinstance(text, str):
        raise ApplicationError("The message must be text.", code="invalid")
    text = text.replace("\x00", "").strip()
    if required and not text:
        raise ApplicationError("The message is empty.", code="invalid")
    limit = chat_setting("MAX_MESSAGE_CHARS")
    if len(text) > limit:
        raise ApplicationError(f"The message is longer than {limit} characters.", code="too_large")
    return text


def _clean_language(language) -> str:
    if language not in LANGUAGES:
        raise ApplicationError("Choose English or Spanish.", code="invalid")
    return language


def _clean_client_id(client_id) -> str | None:
    if client_id is None or client_id == "":
        return None
    if not isinstance(client_id, str) or len(client_id) > 64:
        raise ApplicationError("The message id must be text of at most 64 characters.",
                               code="invalid")
    return client_id


def _audit(user, action: str, conversation: Conversation, data: dict | None = None) -> None:
    from helpline.common.audit import record

    record(user, action, conversation, data=data)


def _publish_state(conversation: Conversation) -> None:
    events.publish(
        conversation.group_name, {"type": "chat.state", "state": conversation_state(conversation)}
    )


def _console_changed(user_ids, urgent: dict | None = None) -> None:
    """Tell these people's consoles to read their own view again (after commit)."""
    for user_id in sorted({u for u in user_ids if u is not None}):
        events.publish(events.user_group(user_id),
                       {"type": "chat.console_changed", "urgent": urgent})


_LABELS: dict[int, tuple[float, tuple[str, str]]] = {}


def _specialist_label(user, *, fresh: bool = False) -> tuple[str, str]:
    """(first name, role) shown to visitors; cached for a minute per process."""
    cached = _LABELS.get(user.pk)
    if cached and not fresh and time.monotonic() - cached[0] < 60:
        return cached[1]
    status = SpecialistStatus.objects.filter(user=user).first()
    name = (status.display_name if status else "") or user.first_name or user.get_username()
    role = (status.role_label if status else "") or "Cancer information specialist"
    _LABELS[user.pk] = (time.monotonic(), (name, role))
    return name, role


def _triage(text: str, language: str, *, second_net: bool = True):
    """Urgent-symptom check by the answers app's triage (rules, and the second net unless told not to)."""
    from helpline.answers.triage import assess

    try:
        return assess(text, language, second_net=second_net)
    except Exception:  # noqa: BLE001 - triage trouble must never lose a visitor's message
        log.exception("chat: triage failed")
        return None


def _mark_handoff(handoff_token: str | None, context: dict) -> None:
    """A conversation starts from an answer: after the commit, the answer service counts the
    question as handed off (reading the hand-off on a page view never does)."""
    if context and handoff_token:
        from helpline.answers.services import mark_handed_off

        token = str(handoff_token)
        transaction.on_commit(lambda: mark_handed_off(token))


def _load_handoff(handoff_token: str | None) -> dict:
    return handoff_context(handoff_token) or {}
