"""Callbacks: a request to be called back (web form or phone queue) and the outcome
of each call."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from helpline.common.exceptions import ApplicationError, NotAllowed
from helpline.common.privacy import scrub

from .. import events
from ..models import CallbackNote, Conversation
from ..selectors import can_view
from ._core import (
    _clean_language,
    _get,
    _is_supervisor,
    _load_handoff,
    _mark_handoff,
    _require_staff,
    _triage,
)
from .conversations import _transition

CALLBACK_OUTCOMES = ("called", "no_answer", "done")


def callback_request_create(
    *,
    phone: str,
    language: str,
    preferred_time: str = "",
    reason: str = "",
    visitor_name: str = "",
    handoff_token: str | None = None,
    now: dt.datetime | None = None,
) -> Conversation:
    """A request to be called back; it waits in the same queue as chats (with what the
    answer service showed the visitor, when they came from an answer). ``preferred_time``
    is free text (the web form offers ``forms.PREFERRED_TIME_CHOICES``)."""
    import re

    phone = (phone or "").strip()
    digits = re.sub(r"\D", "", phone)
    if not 7 <= len(digits) <= 15 or not re.fullmatch(r"[\d\s()+.\-]+", phone):
        raise ApplicationError("Enter a phone number we can call.", code="invalid")
    language = _clean_language(language)
    reason = (reason or "").strip()[:500]
    result = _triage(reason, language) if reason else None
    now = now or timezone.now()
    context = _load_handoff(handoff_token)
    with transaction.atomic():
        conversation = Conversation.objects.create(
            handoff_token=str(handoff_token) if context else "",
            handoff_context=context,
            channel=Conversation.Channel.CALLBACK,
            language=language,
            visitor_name=(visitor_name or "").strip()[:40],
            callback_phone=phone[:40],
            callback_preferred_time=(preferred_time or "").strip()[:120],
            callback_reason=reason,
            urgent=bool(result and result.urgent),
            urgent_codes=list(result.matched) if result and result.urgent else [],
            created_at=now,
            queued_at=now,
            visitor_last_seen=now,
        )
        _mark_handoff(handoff_token, context)
        events.queue_changed()
    return conversation


def callback_outcome_set(user, token, outcome: str, note: str = "") -> Conversation:
    """Record a callback attempt: "called", "no_answer" or "done" (done closes it).

    A waiting callback is claimed by the first specialist recording an outcome.
    A note is stored scrubbed in a ``CallbackNote`` row (purgeable); the caller's
    audit entry points to it by ``conversation.callback_note_id``.
    """
    conversation = _get(token)
    _require_staff(user)
    if conversation.channel != Conversation.Channel.CALLBACK:
        raise ApplicationError("This is not a callback request.", code="invalid")
    if outcome not in CALLBACK_OUTCOMES:
        raise ApplicationError("Choose called, no answer or done.", code="invalid")
    if not can_view(user, conversation):
        raise NotAllowed()
    now = timezone.now()
    # One guarded UPDATE: a waiting callback is claimed by whoever records first; an
    # active one only by its specialist (or a supervisor). "done" closes it.
    updates = {"callback_outcome": outcome}
    if conversation.status == Conversation.Status.WAITING:
        from_status = (Conversation.Status.WAITING,)
        updates.update(assigned_to=user, accepted_at=now, human_joined_at=now)
        guard, refusal = None, ("Another specialist has already taken this callback.", "taken")
    else:
        if conversation.assigned_to_id != user.pk and not _is_supervisor(user):
            raise NotAllowed("This callback belongs to another specialist.")
        from_status = (Conversation.Status.ACTIVE,)
        guard = Q(assigned_to_id=conversation.assigned_to_id)
        refusal = ("This callback changed meanwhile; reload it.", "conflict")
    if outcome == "done":
        updates["closed_at"] = now
    with transaction.atomic():
        saved = CallbackNote.objects.create(conversation=conversation, author=user,
                                            outcome=outcome, note=scrub(note or "")[:2000],
                                            created_at=now)
        conversation = _transition(
            conversation, actor=user, action="chat.callback_outcome",
            from_status=from_status,
            to_status=Conversation.Status.CLOSED if outcome == "done" else Conversation.Status.ACTIVE,
            guard=guard, updates=updates, refusal=refusal,
            audit_data={"outcome": outcome, "note_id": saved.pk},
        )
        conversation.callback_note_id = saved.pk
    return conversation
