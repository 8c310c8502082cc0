"""Messages: numbering and storing a line (``_append``), posting by the visitor, the
specialist and the automatic speaker, and flagging a conversation urgent from a line."""

from __future__ import annotations

import contextlib
import json
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from helpline.common.exceptions import ApplicationError

from .. import events
from ..metrics import MESSAGES
from ..models import Conversation, Message
from ..selectors import message_payload
from ._core import (
    _clean_client_id,
    _clean_text,
    _console_changed,
    _get,
    _publish_state,
    _specialist_label,
    _triage,
)


@dataclass
class PostResult:
    """What a message post returns: the stored message and whether it is new."""

    message: Message
    created: bool

    @property
    def seq(self) -> int:
        return self.message.seq


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
