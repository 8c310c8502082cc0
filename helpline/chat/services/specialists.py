"""Specialists: their status (available, languages, chat limit), the consoles'
heartbeat, and taking the next conversation from the queue."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from helpline.common.exceptions import ApplicationError

from .. import events
from ..models import Conversation, SpecialistStatus
from ..selectors import chat_setting, queue_for
from ._core import LANGUAGES, _audit, _console_changed, _require_staff
from .conversations import conversation_accept


def specialist_status_get(user) -> SpecialistStatus:
    status, _created = SpecialistStatus.objects.get_or_create(
        user=user, defaults={"languages": ["en"], "display_name": user.first_name[:40]}
    )
    return status


def specialist_set_status(
    user,
    *,
    available: bool | None = None,
    languages: list[str] | None = None,
    max_concurrent: int | None = None,
    display_name: str | None = None,
    role_label: str | None = None,
) -> SpecialistStatus:
    """A specialist sets themselves available/away, their languages and chat limit."""
    _require_staff(user)
    status = specialist_status_get(user)
    if available is not None:
        status.available = bool(available)
    if languages is not None:
        if not isinstance(languages, list | tuple) or any(lang not in LANGUAGES for lang in languages):
            raise ApplicationError("Languages must be a list of en/es.", code="invalid")
        status.languages = sorted(set(languages))
    if max_concurrent is not None:
        try:
            max_concurrent = int(max_concurrent)
        except (TypeError, ValueError):
            raise ApplicationError("The chat limit must be a number.", code="invalid") from None
        highest = chat_setting("MAX_CONCURRENT_LIMIT")
        if not 1 <= max_concurrent <= highest:
            raise ApplicationError(f"The chat limit must be between 1 and {highest}.",
                                   code="invalid")
        status.max_concurrent = max_concurrent
    if display_name is not None:
        status.display_name = display_name.strip()[:40]
    if role_label is not None:
        status.role_label = role_label.strip()[:60]
    status.last_seen = timezone.now()
    with transaction.atomic():
        status.save()
        _audit(user, "chat.status", status,
               {"available": status.available, "languages": status.languages,
                "max_concurrent": status.max_concurrent})
        events.queue_changed()
        _console_changed([user.pk])
    return status


def specialist_heartbeat(user_ids, now: dt.datetime | None = None) -> int:
    """Console sockets are alive: refresh ``last_seen`` (bulk; each process calls it)."""
    user_ids = list(user_ids)
    if not user_ids:
        return 0
    now = now or timezone.now()
    updated = SpecialistStatus.objects.filter(user_id__in=user_ids).update(last_seen=now)
    if updated < len(set(user_ids)):
        for user_id in user_ids:
            SpecialistStatus.objects.get_or_create(
                user_id=user_id, defaults={"languages": ["en"], "last_seen": now}
            )
    return updated


def conversation_accept_next(user) -> Conversation | None:
    """Take the first conversation this specialist may serve (urgent, then oldest)."""
    for candidate in queue_for(user, limit=100):
        try:
            return conversation_accept(user, candidate)
        except ApplicationError as exc:
            if exc.code in ("taken", "transferred", "language"):
                continue
            raise
    return None
