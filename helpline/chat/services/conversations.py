"""Conversations: the one transition function and every state change through it
(start, accept, transfer, close, the visitor's close, abandon), the visitor's
presence, the rating, and the audit of a supervisor reading another's chat."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from helpline.common.exceptions import ApplicationError, NotAllowed
from helpline.common.privacy import scrub

from .. import events, hours
from ..models import Conversation, Message, SpecialistStatus
from ..selectors import active_count, chat_setting, is_routable
from ._core import (
    _audit,
    _clean_language,
    _clean_text,
    _console_changed,
    _get,
    _is_staff,
    _is_supervisor,
    _load_handoff,
    _mark_handoff,
    _publish_state,
    _require_staff,
    _specialist_label,
    _triage,
)
from .messages import _append, _system, bot_message_post


def _transition(conversation: Conversation, *, actor, action: str, from_status, to_status,
                guard: Q | None = None, updates: dict | None = None,
                line: tuple[str, dict] | None = None, audit_data: dict | None = None,
                refusal: tuple[str, str] | None = None, notify=()) -> Conversation | None:
    """The one way a conversation changes state.

    A guarded UPDATE (``status IN from_status`` plus ``guard``) decides, so of two
    racing changes exactly one wins; the loser gets ``ApplicationError(*refusal)``
    (or None when ``refusal`` is None). The winner writes the system line, exactly
    one audit row, and — after commit — the state to the conversation's sockets,
    a queue change to every server process and a nudge to the consoles of the
    people in ``notify`` (and of the assignee before and after).
    """
    previous_assignee = conversation.assigned_to_id
    with transaction.atomic():
        query = Conversation.objects.filter(pk=conversation.pk, status__in=list(from_status))
        if guard is not None:
            query = query.filter(guard)
        if not query.update(status=to_status, **(updates or {})):
            if refusal is None:
                return None
            raise ApplicationError(refusal[0], code=refusal[1])
        conversation.refresh_from_db()
        if line is not None:
            _system(conversation, line[0], line[1])
            conversation.refresh_from_db()
        _audit(actor, action, conversation, audit_data)
        _publish_state(conversation)
        events.queue_changed()
        _console_changed([previous_assignee, conversation.assigned_to_id, *notify])
    return conversation


def conversation_start(
    *,
    language: str,
    visitor_name: str = "",
    handoff_token: str | None = None,
    channel: str = Conversation.Channel.CHAT,
    first_message: str | None = None,
    check_hours: bool = False,
    now: dt.datetime | None = None,
) -> Conversation:
    """Open a new anonymous chat (or callback) in the queue and return it.

    ``handoff_token`` is the answer page's ``log_token``: the question and the
    passages the visitor was shown are copied into ``handoff_context`` so the
    specialist sees them; an urgent triage result (of the handoff question or of
    ``first_message``) puts the conversation at the front of the queue, and an
    urgent first message gets the reviewed urgent notice at once (no human has
    joined yet). With ``check_hours`` (the public start page) a chat is refused
    outside the opening hours.
    The visitor keeps ``conversation.token`` (e.g. in their session) to reconnect.
    """
    language = _clean_language(language)
    if channel not in Conversation.Channel.values:
        raise ApplicationError("Unknown channel.", code="invalid")
    now = now or timezone.now()
    if check_hours and not hours.is_open("chat", now):
        raise ApplicationError(_("Live chat is closed now."), code="closed")
    visitor_name = (visitor_name or "").strip()[:40]
    first = _clean_text(first_message) if first_message else None
    context = _load_handoff(handoff_token)
    urgent_codes: list[str] = []
    urgent = context.get("status") == "urgent"
    notice = None
    for text, is_first in ((context.get("question"), False), (first, True)):
        if text:
            result = _triage(text, language)
            if result is not None and result.urgent:
                urgent = True
                urgent_codes.extend(code for code in result.matched if code not in urgent_codes)
                if is_first and result.message:
                    notice = result
    with transaction.atomic():
        conversation = Conversation.objects.create(
            channel=channel,
            language=language,
            visitor_name=visitor_name,
            handoff_token=str(handoff_token or "")[:64] if context else "",
            handoff_context=context,
            urgent=urgent,
            urgent_codes=urgent_codes,
            created_at=now,
            queued_at=now,
            visitor_last_seen=now,
        )
        _mark_handoff(handoff_token, context)
        if first:
            _append(conversation.pk, sender=Message.Sender.VISITOR, text=first, label=visitor_name)
        events.queue_changed()
    if notice is not None:
        bot_message_post(conversation, notice.message,
                         data={"kind": "urgent", "codes": list(notice.matched)})
    conversation.refresh_from_db()
    return conversation


def check_can_accept(user, conversation: Conversation, status: SpecialistStatus | None = None) -> None:
    """Raise unless ``user`` may take ``conversation`` now (routing rules)."""
    _require_staff(user)
    status = status or SpecialistStatus.objects.filter(user=user).first()
    if not is_routable(status):
        raise ApplicationError(
            "Set yourself available (with your console open) to accept chats.", code="unavailable"
        )
    if conversation.language not in status.languages and not _is_supervisor(user):
        raise ApplicationError("This conversation is in a language you do not serve.",
                               code="language")
    if conversation.transfer_to_id not in (None, user.pk):
        raise ApplicationError("This conversation was transferred to someone else.",
                               code="transferred")
    if conversation.channel == Conversation.Channel.CHAT and active_count(user) >= status.max_concurrent:
        raise ApplicationError("You are at your limit of concurrent chats.", code="limit")


def conversation_accept(user, token) -> Conversation:
    """Claim a waiting conversation for ``user`` — atomically.

    The claim is ``UPDATE ... SET status='active' WHERE id=? AND status='waiting'``:
    of two specialists accepting at once exactly one updates a row; the other
    gets ``ApplicationError(code="taken")``. The specialist's status row is locked
    first so one person's parallel accepts cannot exceed their limit.
    """
    conversation = _get(token)
    _require_staff(user)
    now = timezone.now()
    name, role = _specialist_label(user, fresh=True)
    with transaction.atomic():
        status = SpecialistStatus.objects.select_for_update().filter(user=user).first()
        check_can_accept(user, conversation, status)
        return _transition(
            conversation, actor=user, action="chat.accept",
            from_status=(Conversation.Status.WAITING,), to_status=Conversation.Status.ACTIVE,
            guard=Q(transfer_to__isnull=True) | Q(transfer_to=user),
            updates={"assigned_to": user, "accepted_at": now,
                     "human_joined_at": conversation.human_joined_at or now, "transfer_to": None},
            line=(f"{name} joined the chat.", {"event": "joined", "name": name, "role": role}),
            refusal=("Another specialist has already taken this conversation.", "taken"),
        )


def conversation_transfer(user, token, *, to_user=None, to_language: str | None = None,
                          note: str = "") -> Conversation:
    """Send an active conversation back to the queue: for one person, or a language.

    The conversation keeps its place in line (its original ``queued_at``).
    """
    conversation = _get(token)
    _require_staff(user)
    if conversation.assigned_to_id != user.pk and not _is_supervisor(user):
        raise NotAllowed("Only the assigned specialist or a supervisor can transfer this chat.")
    if conversation.status != Conversation.Status.ACTIVE:
        raise ApplicationError("Only an active conversation can be transferred.", code="invalid")
    if to_user is not None:
        if not hasattr(to_user, "pk"):
            from django.contrib.auth import get_user_model

            to_user = get_user_model().objects.filter(pk=to_user).first()
        if to_user is None or not _is_staff(to_user) or to_user.pk == user.pk:
            raise ApplicationError("Choose another specialist.", code="invalid")
    language = _clean_language(to_language) if to_language else conversation.language
    note = scrub((note or "").strip())[:1000]
    to_user_id = to_user.pk if to_user else None
    with transaction.atomic():
        _transition(
            conversation, actor=user, action="chat.transfer",
            from_status=(Conversation.Status.ACTIVE,), to_status=Conversation.Status.WAITING,
            guard=Q(assigned_to_id=conversation.assigned_to_id),
            updates={"assigned_to": None, "transfer_to": to_user, "transfer_note": note,
                     "language": language},
            line=("The chat is being transferred to another specialist.",
                  {"event": "transferred", "language": language, "to_user": to_user_id}),
            audit_data={"to_user": to_user_id, "language": language},
            refusal=("The conversation changed meanwhile; try again.", "conflict"),
            notify=[to_user_id],
        )
        if to_user is not None:
            events.publish(events.user_group(to_user.pk),
                           {"type": "chat.transfer", "id": conversation.pk, "note": note})
    return conversation


def conversation_close(user, token) -> Conversation:
    """The assigned specialist (or a supervisor) ends the conversation."""
    conversation = _get(token)
    _require_staff(user)
    if conversation.assigned_to_id != user.pk and not _is_supervisor(user):
        raise NotAllowed("Only the assigned specialist or a supervisor can close this chat.")
    return _transition(
        conversation, actor=user, action="chat.close",
        from_status=(Conversation.Status.ACTIVE, Conversation.Status.WAITING),
        to_status=Conversation.Status.CLOSED, updates={"closed_at": timezone.now()},
        line=("The specialist ended the chat.", {"event": "closed"}),
        audit_data=({"assigned_to": conversation.assigned_to_id}
                    if conversation.assigned_to_id != user.pk else None),
        refusal=("This conversation is already closed.", "closed"),
    )


def conversation_close_by_visitor(token) -> Conversation:
    """The visitor ends the chat (waiting: abandoned; active: closed); ending an ended
    chat changes nothing."""
    conversation = _get(token)
    if not conversation.is_open:
        return conversation
    # Waiting: abandoned; active: closed. A waiting chat accepted meanwhile is closed.
    for from_status, to_status in ((Conversation.Status.WAITING, Conversation.Status.ABANDONED),
                                   (Conversation.Status.ACTIVE, Conversation.Status.CLOSED)):
        if conversation.status != from_status:
            continue
        changed = _transition(
            conversation, actor=None, action="chat.visitor_close",
            from_status=(from_status,), to_status=to_status,
            updates={"closed_at": timezone.now()},
            line=("The visitor ended the chat.", {"event": "visitor_closed"}),
            audit_data={"from": str(from_status)},
        )
        if changed is not None:
            return changed
        conversation.refresh_from_db()
    return conversation


def conversations_abandon_stale(now: dt.datetime | None = None) -> int:
    """Mark waiting chats whose visitor has been gone longer than the grace period."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=chat_setting("ABANDON_GRACE_SECONDS"))
    stale = list(
        Conversation.objects.filter(
            status=Conversation.Status.WAITING,
            channel=Conversation.Channel.CHAT,
            visitor_last_seen__lt=cutoff,
        ).values_list("pk", flat=True)[:500]
    )
    count = 0
    for conversation in Conversation.objects.filter(pk__in=stale):
        changed = _transition(
            conversation, actor=None, action="chat.abandon",
            from_status=(Conversation.Status.WAITING,), to_status=Conversation.Status.ABANDONED,
            guard=Q(visitor_last_seen__lt=cutoff), updates={"closed_at": now},
        )
        count += changed is not None
    return count


def visitor_seen(tokens, now: dt.datetime | None = None) -> int:
    """Heartbeat for connected visitor sockets (bulk; called by each server process)."""
    tokens = list(tokens)
    if not tokens:
        return 0
    return Conversation.objects.filter(token__in=tokens).update(visitor_last_seen=now or timezone.now())


def visitor_left(token, now: dt.datetime | None = None) -> None:
    """The visitor's socket closed. Not abandoned yet: they may just be reconnecting."""
    Conversation.objects.filter(token=token).update(visitor_last_seen=now or timezone.now())


def conversation_rate(token, rating, comment: str = "") -> Conversation:
    """Optional satisfaction rating (1-5, or None for a comment alone), once the chat ended."""
    conversation = _get(token)
    if rating is not None:
        try:
            rating = int(rating)
        except (TypeError, ValueError):
            raise ApplicationError("Choose a rating from 1 to 5.", code="invalid") from None
        if not 1 <= rating <= 5:
            raise ApplicationError("Choose a rating from 1 to 5.", code="invalid")
    if conversation.status not in (Conversation.Status.CLOSED, Conversation.Status.ABANDONED):
        raise ApplicationError(_("You can rate the chat after it ends."), code="invalid")
    comment = scrub((comment or "").strip())[:2000]
    if rating is None and not comment:
        raise ApplicationError(_("Choose a rating or write a comment."), code="invalid")
    updates = {"rating_comment": comment}
    if rating is not None:
        updates["rating"] = rating
        conversation.rating = rating
    Conversation.objects.filter(pk=conversation.pk).update(**updates)
    conversation.rating_comment = comment
    return conversation


def conversation_view_record(user, conversation: Conversation, *, via: str | None = None) -> None:
    """A staff member opened a conversation that is not their own (a supervisor): audited,
    on the page and on the socket alike."""
    if conversation.assigned_to_id and conversation.assigned_to_id != user.pk:
        _audit(user, "chat.view_other", conversation, {"via": via} if via else None)
