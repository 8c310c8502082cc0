"""Writes for live chat and callbacks. Every rule is enforced here, not in views.

Interfaces (websocket consumers, chat views, management commands) call these
functions and turn ``ApplicationError`` / ``NotAllowed`` into error frames or
form errors. Channel-layer events are published only after the transaction
commits (see ``events.publish``). Every state change of a conversation goes
through one function, ``conversations._transition``: a guarded UPDATE, the
system line, exactly one audit row, and the events after commit.

One module per noun; this package re-exports their public functions, so callers
write ``from helpline.chat import services; services.conversation_accept(...)``:

``conversations``  conversation_start, conversation_accept, conversation_transfer,
                   conversation_close, conversation_close_by_visitor,
                   conversations_abandon_stale, conversation_rate, visitor_seen,
                   visitor_left, conversation_view_record, check_can_accept
``messages``       visitor_message_post, specialist_message_post, bot_message_post
                   (refuses once a human has joined: returns None), conversation_flag_urgent
``specialists``    specialist_status_get, specialist_set_status, specialist_heartbeat,
                   conversation_accept_next
``callbacks``      callback_request_create, callback_outcome_set
``wrapup``         conversation_wrap_up
``transcripts``    visitor_transcript_send
``_core``          private helpers the modules share

Visitors are identified by the unguessable conversation ``token`` (their browser
session holds it); staff functions take the acting ``user`` and a conversation
(views and sockets look it up by its numeric id first: ``selectors.conversation_for_staff``).
Reads are in ``helpline.chat.selectors``, page contexts in ``helpline.chat.pages``.
"""

from helpline.common.exceptions import ApplicationError, NotAllowed

from .callbacks import CALLBACK_OUTCOMES, callback_outcome_set, callback_request_create
from .conversations import (
    check_can_accept,
    conversation_accept,
    conversation_close,
    conversation_close_by_visitor,
    conversation_rate,
    conversation_start,
    conversation_transfer,
    conversation_view_record,
    conversations_abandon_stale,
    visitor_left,
    visitor_seen,
)
from .messages import (
    PostResult,
    bot_message_post,
    conversation_flag_urgent,
    specialist_message_post,
    visitor_message_post,
)
from .referrals import resource_card_send  # noqa: F401 - resource cards (referrals.py)
from .specialists import (
    conversation_accept_next,
    specialist_heartbeat,
    specialist_set_status,
    specialist_status_get,
)
from .transcripts import visitor_transcript_send
from .wrapup import conversation_wrap_up

__all__ = [
    "CALLBACK_OUTCOMES",
    "ApplicationError",
    "NotAllowed",
    "PostResult",
    "bot_message_post",
    "callback_outcome_set",
    "callback_request_create",
    "check_can_accept",
    "conversation_accept",
    "conversation_accept_next",
    "conversation_close",
    "conversation_close_by_visitor",
    "conversation_flag_urgent",
    "conversation_rate",
    "conversation_start",
    "conversation_transfer",
    "conversation_view_record",
    "conversation_wrap_up",
    "conversations_abandon_stale",
    "specialist_heartbeat",
    "specialist_message_post",
    "specialist_set_status",
    "specialist_status_get",
    "visitor_left",
    "visitor_message_post",
    "visitor_seen",
    "visitor_transcript_send",
]
