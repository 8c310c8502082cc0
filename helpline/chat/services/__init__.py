"""Writes for live chat and callbacks. Every rule is enforced here, not in views.

Interfaces (websocket consumers, chat-UI views, management commands) call these
functions and turn ``ApplicationError`` / ``NotAllowed`` into error frames or
form errors. Channel-layer events are published only after the transaction
commits (see ``events.publish``).

Main entry points
-----------------
Visitors (identified by the unguessable conversation ``token``):
    conversation_start, callback_request_create, visitor_message_post,
    conversation_close_by_visitor, conversation_rate, visitor_seen, visitor_left
Staff (``user`` must hold the specialist or supervisor role):
    specialist_set_status, specialist_heartbeat, conversation_accept,
    conversation_accept_next, specialist_message_post, conversation_transfer,
    conversation_close, conversation_wrap_up, callback_outcome_set
Automatic speakers:
    bot_message_post  (refuses once a human has joined: returns None)
Housekeeping:
    conversations_abandon_stale
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import time
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from helpline.common.exceptions import ApplicationError, NotAllowed
from helpline.common.privacy import scrub

from .. import events
from ..metrics import MESSAGES
from ..models import CallbackNote, Conversation, Message, SpecialistStatus
from ..selectors import (
    active_count,
    can_view,
    chat_availability,
    chat_setting,
    conversation_by_token,
    conversation_state,
    is_routable,
    message_payload,
)

log = logging.getLogger(__name__)

LANGUAGES = ("en", "es")
CALLBACK_OUTCOMES = ("called", "no_answer", "done")


@dataclass
class PostResult:
    """What a message post returns: the stored message and whether it is new."""

    message: Message
    created: bool

    @property
    def seq(self) -> int:
        return self.message.seq


# --------------------------------------------------------------------------- helpers


def _get(token) -> Conversation:
    conversation = token if isinstance(token, Conversation) else conversation_by_token(token)
    if conversation is None:
        raise ApplicationError("This conversation does not exist.", code="not_found")
    return conversation


def _is_staff(user) -> bool:
    from helpline.accounts.roles import SPECIALIST, SUPERVISOR, has_role

    return has_role(user, SPECIALIST) or has_role(user, SUPERVISOR)


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


def _publish_state(conversation: Conversation) -> None:
    events.publish(
        conversation.group_name, {"type": "chat.state", "state": conversation_state(conversation)}
    )


def _console_changed(user_ids, urgent: dict | None = None) -> None:
    """Tell these people's consoles to read their own view again (after commit)."""
    for user_id in sorted({u for u in user_ids if u is not None}):
        events.publish(events.user_group(user_id),
                       {"type": "chat.console_changed", "urgent": urgent})


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


def _may_post_sql(allowed_status, assigned_to_id, automatic) -> tuple[str, list]:
    """The WHERE clause that authorises a post: status, assignee, no automatic line after a human."""
    sql = ["id = %s", "AND status IN (" + ", ".join(["%s"] * len(allowed_status)) + ")"]
    params: list = [str(s) for s in allowed_status]
    if assigned_to_id is not None:
        sql.append("AND assigned_to_id = %s")
        params.append(assigned_to_id)
    if automatic:
        sql.append("AND human_joined_at IS NULL")
    return " ".join(sql), params


def _message_values(message: Message) -> list:
    return [
        message.conversation_id, message.client_id, message.sender, message.sender_user_id,
        message.sender_label, message.text, json.dumps(message.data),
        connection.ops.adapt_datetimefield_value(message.created_at),
    ]


_MESSAGE_COLUMNS = (
    "conversation_id, seq, client_id, sender, sender_user_id, sender_label, text, data, created_at"
)


def _number_and_store(message: Message, allowed_status, assigned_to_id, automatic):
    """Authorise, number and INSERT ``message``; its conversation's token, or None if refused.

    ``UPDATE ... SET last_seq = last_seq + 1 WHERE <may post> RETURNING`` both
    authorises the post and takes the lock (PostgreSQL: the row until commit;
    SQLite: the database write lock of its IMMEDIATE transaction), so numbers
    are gap-free and concurrent posts serialise. On PostgreSQL the UPDATE and
    the INSERT are one statement (a data-modifying WITH): one round trip, one
    implicit transaction when the caller has none. A repeated ``client_id``
    fails the unique constraint, which undoes the increment with the statement.
    """
    conversations = connection.ops.quote_name(Conversation._meta.db_table)
    messages = connection.ops.quote_name(Message._meta.db_table)
    where, where_params = _may_post_sql(allowed_status, assigned_to_id, automatic)
    values = _message_values(message)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH s AS (UPDATE {conversations} SET last_seq = last_seq + 1 WHERE {where} "
                "RETURNING last_seq, token), "
                f"m AS (INSERT INTO {messages} ({_MESSAGE_COLUMNS}) "
                "SELECT %s, s.last_seq, %s, %s, %s, %s, %s, %s::jsonb, %s FROM s RETURNING id, seq) "
                "SELECT m.id, m.seq, s.token FROM m, s",
                [message.conversation_id, *where_params, *values],
            )
            row = cursor.fetchone()
            if row is None:
                return None
            message.pk, message.seq, token = row
        else:
            cursor.execute(
                f"UPDATE {conversations} SET last_seq = last_seq + 1 WHERE {where} "
                "RETURNING last_seq, token",
                [message.conversation_id, *where_params],
            )
            row = cursor.fetchone()
            if row is None:
                return None
            message.seq, token = row
            cursor.execute(
                f"INSERT INTO {messages} ({_MESSAGE_COLUMNS}) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
                [values[0], message.seq, *values[1:]],
            )
            message.pk = cursor.fetchone()[0]
    message._state.adding = False
    return token if isinstance(token, uuid.UUID) else uuid.UUID(str(token))


def _post_transaction():
    """A transaction for one post, unless one statement is already atomic.

    PostgreSQL outside a transaction: the post is a single statement, which
    commits by itself (no BEGIN/COMMIT round trips). Inside a caller's
    transaction: a savepoint, so a duplicate id undoes only this post.
    SQLite: UPDATE and INSERT need a transaction around them.
    """
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        return contextlib.nullcontext()
    return transaction.atomic()


def _stored(conversation_id: int, client_id: str | None) -> Message | None:
    if not client_id:
        return None
    return Message.objects.filter(conversation_id=conversation_id, client_id=client_id).first()


def _append(
    conversation_id: int,
    *,
    sender: str,
    text: str,
    client_id: str | None = None,
    user=None,
    label: str = "",
    data: dict | None = None,
    allowed_status: tuple[str, ...] = (Conversation.Status.WAITING, Conversation.Status.ACTIVE),
    assigned_to_id: int | None = None,
    automatic: bool = False,
    origin: str | None = None,
) -> PostResult | None:
    """Store one message with the next sequence number, idempotently by ``client_id``.

    Authorisation, numbering and storage happen under one lock (see
    :func:`_number_and_store`); the event goes out after commit. A repeated
    ``client_id`` returns the stored message without consuming a number, also
    after the conversation has ended (a client re-sending its outbox). Returns
    None only for an automatic message that was refused because a human has joined.
    """
    message = Message(
        conversation_id=conversation_id,
        seq=0,
        client_id=client_id or None,
        sender=sender,
        sender_user=user,
        sender_label=label,
        text=text,
        data=data or {},
        created_at=timezone.now(),
    )
    try:
        with _post_transaction():
            token = _number_and_store(message, allowed_status, assigned_to_id, automatic)
            if token is not None:
                events.publish(
                    events.conversation_group(token),
                    {"type": "chat.message", "message": message_payload(message), "origin": origin},
                )
    except IntegrityError:
        existing = _stored(conversation_id, client_id)
        if existing is not None:
            return PostResult(existing, False)  # the unique constraint undid the increment
        raise
    if token is None:
        if automatic:
            return None
        existing = _stored(conversation_id, client_id)
        if existing is not None:
            return PostResult(existing, False)  # a re-send after the chat ended
        raise ApplicationError("This conversation is not open for your messages.", code="closed")
    MESSAGES.labels(sender).inc()
    return PostResult(message, True)


def _system(conversation: Conversation, text: str, data: dict | None = None) -> Message | None:
    """A status line (joined, transferred, closed) — not speech, allowed at any time."""
    result = _append(
        conversation.pk,
        sender=Message.Sender.SYSTEM,
        text=text,
        data=data,
        allowed_status=tuple(Conversation.Status.values),
    )
    return result.message if result else None


# --------------------------------------------------------------------------- visitors


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
    from ..selectors import handoff_context

    return handoff_context(handoff_token) or {}


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
    if check_hours and not chat_availability(now, language)["hours_open"]:
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


def visitor_message_post(token, text, client_id: str | None, *, origin: str | None = None) -> PostResult:
    """Store a visitor's message (waiting or active conversation) and deliver it.

    An urgent triage result flags the conversation (front of the queue, badge
    for the specialist) and, while no human has joined yet, posts the reviewed
    urgent message as an automatic line.
    """
    conversation = _get(token)
    text = _clean_text(text)
    client_id = _clean_client_id(client_id)
    result = _append(
        conversation.pk,
        sender=Message.Sender.VISITOR,
        text=text,
        client_id=client_id,
        label=conversation.visitor_name,
        origin=origin,
    )
    if result.created:
        _flag_if_urgent(conversation, text)
    return result


def _clean_client_id(client_id) -> str | None:
    if client_id is None or client_id == "":
        return None
    if not isinstance(client_id, str) or len(client_id) > 64:
        raise ApplicationError("The message id must be text of at most 64 characters.",
                               code="invalid")
    return client_id


def _flag_if_urgent(conversation: Conversation, text: str) -> None:
    """The rules check a visitor's line inline; while no specialist has joined, lines they let
    through also go to the second net.

    The second net encodes the line with the sentence encoder, which costs
    milliseconds: it runs after the commit, batched in a background thread
    (``chat.triage_net``), and raises the flag through the same function. Once a
    specialist has joined, a person reads every line and the rules alone raise
    the live alert.
    """
    result = _triage(text, conversation.language, second_net=False)
    if result is not None and result.urgent:
        _raise_urgent(conversation, result)
        return
    if conversation.status != Conversation.Status.WAITING:
        return  # a specialist is reading every line of an active chat
    from ..triage_net import NET

    conversation_id, language = conversation.pk, conversation.language
    transaction.on_commit(lambda: NET.submit(conversation_id, language, text))


def conversation_flag_urgent(conversation_id: int, result) -> None:
    """The second net found urgent signs in a stored line: flag the conversation as the rules do."""
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is not None and conversation.is_open:
        _raise_urgent(conversation, result)


def _raise_urgent(conversation: Conversation, result) -> None:
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        first_time = not conversation.urgent
        codes = list(conversation.urgent_codes)
        codes.extend(code for code in result.matched if code not in codes)
        Conversation.objects.filter(pk=conversation.pk).update(urgent=True, urgent_codes=codes)
        conversation.urgent, conversation.urgent_codes = True, codes
        _publish_state(conversation)
        # Live, on every message: the assigned specialist's console and every supervisor's.
        assigned = conversation.status == Conversation.Status.ACTIVE and conversation.assigned_to_id
        frame = events.urgent_frame(conversation.pk, codes, assigned=bool(assigned))
        if assigned:
            _console_changed([conversation.assigned_to_id], urgent=frame)
        events.publish(events.SUPERVISORS_GROUP, {"type": "chat.urgent", "frame": frame})
        if conversation.status == Conversation.Status.WAITING:
            events.queue_changed()
    if first_time and result.message:
        bot_message_post(conversation, result.message, data={"kind": "urgent", "codes": codes})


def bot_message_post(conversation, text: str, data: dict | None = None) -> Message | None:
    """An automatic line (greeting, suggestions, urgent-symptom notice).

    Refused — returns None and stores nothing — once a human has joined the
    conversation: from then on only people speak in it.
    """
    conversation = _get(conversation)
    result = _append(
        conversation.pk,
        sender=Message.Sender.BOT,
        text=_clean_text(text),
        data=data,
        label="Helpline",
        automatic=True,
    )
    return result.message if result else None


def visitor_seen(tokens, now: dt.datetime | None = None) -> int:
    """Heartbeat for connected visitor sockets (bulk; called by each server process)."""
    tokens = list(tokens)
    if not tokens:
        return 0
    return Conversation.objects.filter(token__in=tokens).update(visitor_last_seen=now or timezone.now())


def visitor_left(token, now: dt.datetime | None = None) -> None:
    """The visitor's socket closed. Not abandoned yet: they may just be reconnecting."""
    Conversation.objects.filter(token=token).update(visitor_last_seen=now or timezone.now())


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


def conversation_close_by_visitor(token) -> Conversation:
    """The visitor ends the chat (waiting: abandoned; active: closed); ending an ended
    chat changes nothing."""
    conversation = _get(token)
    if not conversation.is_open:
        return conversation
    if conversation.status == Conversation.Status.WAITING:
        changed = _transition(
            conversation, actor=None, action="chat.visitor_close",
            from_status=(Conversation.Status.WAITING,), to_status=Conversation.Status.ABANDONED,
            updates={"closed_at": timezone.now()},
            line=("The visitor ended the chat.", {"event": "visitor_closed"}),
            audit_data={"from": "waiting"},
        )
        if changed is not None:
            return changed
        conversation.refresh_from_db()
    changed = _transition(
        conversation, actor=None, action="chat.visitor_close",
        from_status=(Conversation.Status.ACTIVE,), to_status=Conversation.Status.CLOSED,
        updates={"closed_at": timezone.now()},
        line=("The visitor ended the chat.", {"event": "visitor_closed"}),
        audit_data={"from": "active"},
    )
    if changed is None:
        conversation.refresh_from_db()
        return conversation
    return changed


def conversation_view_record(user, conversation: Conversation, *, via: str | None = None) -> None:
    """A staff member opened a conversation that is not their own (a supervisor): audited,
    on the page and on the socket alike."""
    if conversation.assigned_to_id and conversation.assigned_to_id != user.pk:
        _audit(user, "chat.view_other", conversation, {"via": via} if via else None)


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


# A transcript is sent once per conversation (the counter outlives any chat's
# retention-relevant use) and at most a few times a day to one address.
TRANSCRIPT_ONCE_SECONDS = 30 * 86400
TRANSCRIPTS_PER_ADDRESS_PER_DAY = 3


def _transcript_text(conversation: Conversation, language: str) -> str:
    from django.conf import settings
    from django.template.loader import render_to_string

    from ..selectors import messages_after

    with translation.override(language):
        return render_to_string("chat/transcript.txt", {
            "conversation": conversation,
            "messages": messages_after(conversation, 0, limit=5000),
            "HELPLINE": settings.HELPLINE,
        })


def visitor_transcript_send(token, *, email: str, language: str) -> None:
    """E-mail the visitor the transcript, once. The address is not stored anywhere."""
    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from helpline.common import mail
    from helpline.common.ratelimit import hit

    conversation = _get(token)
    try:
        validate_email(email)
    except ValidationError:
        raise ApplicationError(_("Enter a valid e-mail address."), code="invalid") from None
    # Not a mail relay: one transcript per conversation, a few per address per day.
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    if not (hit(f"chat-transcript:{conversation.token}", 1, TRANSCRIPT_ONCE_SECONDS)
            and hit(f"chat-transcript-to:{address}", TRANSCRIPTS_PER_ADDRESS_PER_DAY, 86400)):
        raise ApplicationError(
            _("You have asked for this transcript several times. Please try again later."),
            code="rate_limited")
    with translation.override(language):
        subject = _("Your chat with %(name)s") % {"name": settings.HELPLINE["NAME"]}
    message = mail.build(subject=subject, text=_transcript_text(conversation, language),
                         to=[email], language=language)
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - SMTP or network trouble: tell the visitor
        log.warning("chat: transcript not sent: %s", exc.__class__.__name__)
        raise ApplicationError(
            _("We could not send the e-mail just now. Please try again later."), code="mail_failed"
        ) from exc


# --------------------------------------------------------------------------- staff


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


def _audit(user, action: str, conversation: Conversation, data: dict | None = None) -> None:
    from helpline.common.audit import record

    record(user, action, conversation, data=data)


def conversation_accept_next(user) -> Conversation | None:
    """Take the first conversation this specialist may serve (urgent, then oldest)."""
    from ..selectors import queue_for

    for candidate in queue_for(user, limit=100):
        try:
            return conversation_accept(user, candidate)
        except ApplicationError as exc:
            if exc.code in ("taken", "transferred", "language"):
                continue
            raise
    return None


def specialist_message_post(user, token, text, client_id: str | None, *,
                            origin: str | None = None) -> PostResult:
    """A message from the specialist the conversation is assigned to (active only)."""
    conversation = _get(token)
    text = _clean_text(text)
    client_id = _clean_client_id(client_id)
    name, _role = _specialist_label(user)
    return _append(
        conversation.pk,
        sender=Message.Sender.SPECIALIST,
        text=text,
        client_id=client_id,
        user=user,
        label=name,
        allowed_status=(Conversation.Status.ACTIVE,),
        assigned_to_id=user.pk,
        origin=origin,
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


def conversation_wrap_up(user, token, *, topics=(), resources=(), referrals: str = "",
                         notes: str = "") -> Conversation:
    """Save the wrap-up of one's own conversation (a supervisor: any): topics, the
    directory entries referred (recorded as a referral), other referrals given, notes.
    Free text is scrubbed of contact details."""
    from helpline.resources.services import referral_create

    from ..selectors import unknown_wrapup_topics

    conversation = _get(token)
    _require_staff(user)
    if conversation.assigned_to_id != user.pk and not _is_supervisor(user):
        raise NotAllowed("Only the assigned specialist or a supervisor can wrap up this chat.")
    topics = [str(t)[:60] for t in (topics or [])][:20]
    unknown = unknown_wrapup_topics(topics)
    if unknown:
        raise ApplicationError(_("Unknown topic: %(topics)s") % {"topics": ", ".join(unknown)},
                               code="invalid")
    try:
        resources = [int(r) for r in resources or ()]
    except (TypeError, ValueError):
        raise ApplicationError(_("Unknown service."), code="invalid") from None
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(
            topics=topics, notes=scrub(notes or "")[:5000],
            referrals_text=scrub(referrals or "")[:2000],
        )
        conversation.refresh_from_db()
        _audit(user, "chat.wrapup", conversation, {"topics": topics, "resources": resources})
        if resources:
            callback = conversation if conversation.channel == Conversation.Channel.CALLBACK else None
            referral_create(user, resources, conversation=conversation, callback=callback)
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
