"""Websocket interfaces of live chat. Thin: parse a frame, call a service, send frames.

Three endpoints (see docs/chat-protocol.md for every frame):

* ``/ws/chat/visitor/<token>/``  — the visitor's side of one conversation;
* ``/ws/chat/staff/<token>/``    — a specialist's (or supervisor's) side of one conversation;
* ``/ws/chat/console/``          — a specialist's console: presence, status, the queue
  (``?mode=panel``: the supervisor dashboard's live panel, ``live_summary`` only).

Delivery guarantee per socket: ``message`` frames arrive in ``seq`` order with no
gap and no repeat. A socket remembers the highest seq it has sent; a live event
that would leave a gap makes it read the missing range from the database first
(events from different processes may overtake each other), and anything at or
below the remembered seq is dropped.
"""

from __future__ import annotations

import asyncio
import json
import logging
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from channels.utils import await_many_dispatch
from django.utils import timezone

from helpline.common import jsonsafe
from helpline.common.exceptions import ApplicationError

from . import events, selectors, services
from .metrics import OPEN_SOCKETS
from .models import Conversation
from .watcher import QueueWatcher, TokenBucket, db

log = logging.getLogger(__name__)

CLOSE_NOT_FOUND = 4404
CLOSE_FORBIDDEN = 4403
CLOSE_TRY_AGAIN = 1013  # RFC 6455 "Try Again Later": the channel layer (Redis) is down
UNAVAILABLE_MESSAGE = "Live chat is briefly unavailable; reconnect in a moment."


def _client_gone(exc: BaseException) -> bool:
    """The client disconnected while a reply was being sent (the ASGI server's
    ``ClientDisconnected``, or the socket closing under us)."""
    return type(exc).__name__ == "ClientDisconnected" or isinstance(
        exc, ConnectionResetError | BrokenPipeError)


def _frame_id(text_data, max_frame: int):
    """The ``id`` of a frame that was not processed (so the client can re-send it), or None."""
    if not text_data or len(text_data) > max_frame:
        return None
    try:
        frame = jsonsafe.loads(text_data)
    except jsonsafe.MalformedJSON:
        return None
    frame_id = frame.get("id") if isinstance(frame, dict) else None
    return frame_id if isinstance(frame_id, str | int) else None


class _ChatSocket(AsyncWebsocketConsumer):
    """Shared frame handling: limits, JSON parsing, ordered delivery, error frames."""

    handlers: dict[str, str] = {}
    conversation: Conversation | None = None
    layer_down = False

    async def __call__(self, scope, receive, send):
        """Channels' ``AsyncConsumer.__call__``, reading from one inbox, with the layer guarded.

        The project's channel layers deliver events straight into the socket's inbox,
        where a long-lived task also puts the client's frames (``layers.Inbox``: far
        fewer short-lived objects per message than Channels' two-task loop). When the
        layer (Redis) fails, Channels lets the exception end the consumer and
        the socket is dropped without a word. Here the socket gets an ``error`` frame
        with code ``unavailable`` and a clean close (1013, try again later); the
        client reconnects with backoff and resumes by ``last_seq`` once Redis is back.
        """
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        if self.channel_layer is None:
            await super().__call__(scope, receive, send)
            return
        self.channel_name = await self.channel_layer.new_channel()
        self.base_send = send
        sockets = OPEN_SOCKETS.labels(type(self).__name__)
        sockets.inc()
        attach = getattr(self.channel_layer, "attach", None)
        try:
            if attach is None:  # another layer: Channels' own loop over two receives
                self.channel_receive = self._layer_receive
                await await_many_dispatch([receive, self.channel_receive], self.dispatch)
                return
            # The project's layers deliver into the socket's inbox (see layers.Inbox).
            inbox = attach(self.channel_name)
            pump = asyncio.get_running_loop().create_task(inbox.pump(receive))
            try:
                while True:
                    await self.dispatch(await inbox.get())
            finally:
                pump.cancel()
                self.channel_layer.detach(self.channel_name)
        except StopConsumer:
            pass
        finally:
            sockets.dec()

    async def _layer_receive(self) -> dict:
        if self.layer_down:
            await asyncio.Event().wait()  # stay quiet until the socket is gone
        try:
            return await self.channel_layer.receive(self.channel_name)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the layer is down (e.g. Redis stopped)
            log.warning("chat: channel layer receive failed: %r", exc)
            self.layer_down = True
            return {"type": "chat.layer_down"}

    async def chat_layer_down(self, event: dict) -> None:
        await self.refuse_unavailable()

    async def refuse_unavailable(self) -> None:
        """Tell the client live chat is unavailable and close cleanly (it retries)."""
        self.layer_down = True
        try:
            await self.send_error("unavailable", UNAVAILABLE_MESSAGE)
        finally:
            await self.close(code=CLOSE_TRY_AGAIN)

    async def join_group(self, group: str) -> bool:
        """``group_add`` that accepts the socket and refuses cleanly if the layer is down."""
        try:
            await self.channel_layer.group_add(group, self.channel_name)
            return True
        except Exception as exc:  # noqa: BLE001 - Redis down: say so instead of HTTP 500
            log.warning("chat: channel layer group_add failed: %r", exc)
            self.group = None
            await self.accept()
            await self.refuse_unavailable()
            return False

    async def leave_group(self, group: str | None) -> None:
        if group is None or self.layer_down:
            return
        try:
            await self.channel_layer.group_discard(group, self.channel_name)
        except Exception as exc:  # noqa: BLE001 - membership expires in Redis anyway
            log.warning("chat: channel layer group_discard failed: %r", exc)

    async def dispatch(self, message):
        """Channels' dispatch minus its per-message ``aclose_old_connections``.

        That call hops to the (single) database thread for *every* frame and
        event, so deliveries queue behind other sockets' writes. Every database
        call here goes through ``database_sync_to_async``, which already closes
        old connections around itself.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    def _setup_limits(self) -> None:
        self.bucket = TokenBucket(
            selectors.chat_setting("RATE_PER_SECOND"), selectors.chat_setting("RATE_BURST")
        )
        self.max_frame = selectors.chat_setting("MAX_FRAME_BYTES")
        self.last_sent = 0
        self.watcher: QueueWatcher | None = None

    def _query_int(self, name: str, default: int = 0) -> int:
        query = parse_qs(self.scope.get("query_string", b"").decode("latin1"))
        try:
            return max(0, int(query.get(name, [default])[0]))
        except (TypeError, ValueError):
            return default

    async def send_json(self, payload: dict) -> None:
        await self.send(text_data=json.dumps(payload, separators=(",", ":"), default=str))

    async def send_error(self, code: str, message: str, frame_id=None) -> None:
        payload = {"type": "error", "code": code, "message": message}
        if frame_id is not None:
            payload["id"] = frame_id
        await self.send_json(payload)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        # Every frame counts toward the limit, valid or not (a flood of garbage too).
        if not self.bucket.take():
            await self.send_error("rate_limited", "Too many messages at once; slow down.",
                                  _frame_id(text_data, self.max_frame))
            return
        if text_data is None:
            await self.send_error("bad_frame", "Send JSON text frames.")
            return
        if len(text_data) > self.max_frame:
            await self.send_error("too_large", f"Frames are limited to {self.max_frame} bytes.")
            return
        try:
            frame = jsonsafe.loads(text_data)
        except jsonsafe.MalformedJSON as exc:
            await self.send_error("bad_json", f"The frame is not valid JSON: {exc}.")
            return
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            await self.send_error("bad_json", 'A frame is a JSON object with a "type".')
            return
        frame_id = frame.get("id") if isinstance(frame.get("id"), str | int) else None
        handler_name = self.handlers.get(frame["type"])
        if handler_name is None:
            await self.send_error("unknown_type", f"Unknown frame type {frame['type'][:40]!r}.",
                                  frame_id)
            return
        try:
            await getattr(self, handler_name)(frame)
        except ApplicationError as exc:
            await self.send_error(exc.code, exc.message, frame_id)
        except Exception as exc:  # noqa: BLE001 - one bad frame must never take the socket down
            if _client_gone(exc):
                # The client left with this frame in flight: its work is done (a message
                # is stored) and it resumes by last_seq. Not a server error.
                log.info("chat: client left before the reply to a %s frame", frame["type"])
                return
            log.exception("chat: frame handler failed")
            await self.send_error("server_error", "Something went wrong; please try again.",
                                  frame_id)

    # ordered delivery ------------------------------------------------------

    async def send_history(self, after: int) -> None:
        """Send every stored message with seq > after, in order."""
        while True:
            batch = await db(selectors.messages_after)(self.conversation.pk, after)
            for message in batch:
                await self.send_json(selectors.message_payload(message))
                after = message.seq
            self.last_sent = max(self.last_sent, after)
            if len(batch) < 500:
                return

    async def chat_message(self, event: dict) -> None:
        payload = event["message"]
        seq = payload["seq"]
        if seq <= self.last_sent:
            return  # already delivered (history or gap fill)
        if seq == self.last_sent + 1 and event.get("origin") == self.channel_name:
            self.last_sent = seq  # this socket sent it and holds its ack: no echo
            return
        if seq > self.last_sent + 1:
            # Something was committed before this one but its event has not come yet.
            missing = await db(selectors.messages_after)(self.conversation.pk, self.last_sent, seq - 1)
            for message in missing:
                if message.seq > self.last_sent:
                    await self.send_json(selectors.message_payload(message))
                    self.last_sent = message.seq
        await self.send_json(payload)
        self.last_sent = seq

    async def chat_state(self, event: dict) -> None:
        state = event["state"]
        self.conversation.status = state["status"]
        self.conversation.language = state["language"]
        await self.send_json(await self.decorate_state(state))

    async def decorate_state(self, state: dict) -> dict:
        return state

    async def on_resume(self, frame: dict) -> None:
        last = frame.get("last_seq", 0)
        if not isinstance(last, int) or last < 0:
            raise ApplicationError("last_seq must be a whole number.", code="invalid")
        # Resend from the client's point; later live events at or below it are dropped.
        self.last_sent = last
        await self.send_history(last)
        await self.send_json({"type": "resumed", "last_seq": self.last_sent})

    async def on_ping(self, frame: dict) -> None:
        await self.send_json({"type": "pong"})

    async def on_typing(self, frame: dict) -> None:
        await self.channel_layer.group_send(
            self.conversation.group_name,
            {"type": "chat.typing", "sender": self.sender_kind, "origin": self.channel_name},
        )

    async def chat_typing(self, event: dict) -> None:
        if event.get("origin") != self.channel_name:
            await self.send_json({"type": "typing", "sender": event["sender"]})


# --------------------------------------------------------------------------- visitor


def _visitor_view(scope, token):
    """The visitor's conversation, if this socket's browser session started it.

    The token only names the conversation; the right to speak as the visitor is
    the session cookie set when the chat started. Staff never connect as a visitor.
    """
    user = scope.get("user")
    if user is not None and getattr(user, "is_authenticated", False) and (
            user.is_staff or user.is_superuser or selectors.is_console_user(user)):
        return None, "forbidden"
    if not selectors.session_holds_conversation(scope.get("session"), token):
        return None, "forbidden"
    conversation = selectors.conversation_by_token(token)
    if conversation is None:
        return None, "not_found"
    return conversation, None


class VisitorConsumer(_ChatSocket):
    """The visitor's socket: the browser session that started the chat (the token names it)."""

    sender_kind = "visitor"
    handlers = {
        "message": "on_message",
        "resume": "on_resume",
        "ping": "on_ping",
        "typing": "on_typing",
        "close": "on_close",
        "rate": "on_rate",
    }

    async def connect(self) -> None:
        self._setup_limits()
        token = self.scope["url_route"]["kwargs"].get("token", "")
        conversation, problem = await db(_visitor_view)(self.scope, token)
        if conversation is None:
            await self.close(code=CLOSE_NOT_FOUND if problem == "not_found" else CLOSE_FORBIDDEN)
            return
        self.conversation = conversation
        self.group = self.conversation.group_name
        if not await self.join_group(self.group):
            return
        await self.accept()
        self.watcher = await QueueWatcher.get()
        state = await db(selectors.conversation_state)(self.conversation)
        await self.send_json(state)
        await self.send_history(self._query_int("last_seq"))
        if self.conversation.status == Conversation.Status.WAITING:
            self.watcher.add_visitor(self.conversation.token.hex, self.channel_name)
        await db(services.visitor_seen)([self.conversation.token])

    async def disconnect(self, code) -> None:
        if self.conversation is None:
            return
        await self.leave_group(self.group)
        if self.watcher is not None:
            self.watcher.remove_visitor(self.conversation.token.hex, self.channel_name)
        await db(services.visitor_left)(self.conversation.token)

    async def on_message(self, frame: dict) -> None:
        result = await db(services.visitor_message_post)(
            self.conversation, frame.get("text"), frame.get("id"), origin=self.channel_name
        )
        await self.send_json(
            {"type": "ack", "id": frame.get("id"), "seq": result.seq, "duplicate": not result.created}
        )

    async def on_close(self, frame: dict) -> None:
        await db(services.conversation_close_by_visitor)(self.conversation.token)

    async def on_rate(self, frame: dict) -> None:
        await db(services.conversation_rate)(
            self.conversation.token, frame.get("rating"), frame.get("comment", "")
        )
        await self.send_json({"type": "rated", "rating": frame.get("rating")})

    async def chat_state(self, event: dict) -> None:
        await super().chat_state(event)
        if self.watcher is None:
            return
        if event["state"]["status"] == Conversation.Status.WAITING:
            self.watcher.add_visitor(self.conversation.token.hex, self.channel_name)
        else:
            self.watcher.remove_visitor(self.conversation.token.hex, self.channel_name)

    async def chat_position(self, event: dict) -> None:
        if self.conversation.status == Conversation.Status.WAITING:
            await self.send_json(
                {
                    "type": "queue_position",
                    "position": event["position"],
                    "specialists_online": event.get("specialists_online"),
                    "estimated_wait_seconds": event["estimated_wait_seconds"],
                }
            )


# --------------------------------------------------------------------------- staff


def _staff_user(scope):
    user = scope.get("user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user if selectors.is_console_user(user) else None


def _staff_view(user, conversation_id):
    conversation = selectors.conversation_by_id(conversation_id)
    if conversation is None:
        return None, "not_found"
    if not selectors.can_view(user, conversation):
        return None, "forbidden"
    services.conversation_view_record(user, conversation, via="websocket")
    return conversation, None


def _staff_recheck(user_id: int, conversation_id: int | None):
    """The staff member again, if they still hold their rights (active, a chat role,
    and allowed to see the conversation); else None."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not selectors.is_console_user(user):
        return None
    if conversation_id is not None:
        conversation = selectors.conversation_by_id(conversation_id)
        if conversation is None or not selectors.can_view(user, conversation):
            return None
    return user


class _StaffSocket(_ChatSocket):
    """Rights are checked again whenever they may have changed, not only at connect.

    Every staff socket is in its person's group (``chat.user.<id>``), where sign-out,
    deactivation and role changes are announced (``signals.py``); a conversation
    socket also checks again on every state change (an accept by someone else, a
    transfer). A socket whose rights are gone is closed with 4403 at once and gets
    nothing more.
    """

    revoked = False
    user = None

    def _session_key(self) -> str | None:
        session = self.scope.get("session")
        return getattr(session, "session_key", None) if session is not None else None

    async def recheck(self) -> bool:
        conversation_id = self.conversation.pk if self.conversation is not None else None
        user = await db(_staff_recheck)(self.user.pk, conversation_id)
        if user is None:
            await self.revoke()
            return False
        self.user = user
        return True

    async def revoke(self) -> None:
        if not self.revoked:
            self.revoked = True
            await self.close(code=CLOSE_FORBIDDEN)

    async def send_json(self, payload: dict) -> None:
        if not self.revoked:
            await super().send_json(payload)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        if not self.revoked:
            await super().receive(text_data, bytes_data)

    async def chat_access_changed(self, event: dict) -> None:
        if self.user is None or self.revoked:
            return
        signed_out = event.get("session_key")
        if signed_out is not None:
            if signed_out in ("", self._session_key()):
                await self.revoke()
            return
        await self.recheck()

    async def chat_transfer(self, event: dict) -> None:
        """A transfer offer to this person: conversation sockets ignore it (consoles show it)."""

    async def chat_console_changed(self, event: dict) -> None:
        """A nudge for this person's console: conversation sockets ignore it."""


def _staff_state_extra(conversation: Conversation) -> dict:
    conversation.refresh_from_db()
    return {
        "handoff": conversation.handoff_context or None,
        "urgent_codes": conversation.urgent_codes,
        "visitor_name": conversation.visitor_name,
        "transfer_note": conversation.transfer_note,
        "callback": (
            {
                "phone": conversation.callback_phone,
                "preferred_time": conversation.callback_preferred_time,
                "reason": conversation.callback_reason,
                "outcome": conversation.callback_outcome,
            }
            if conversation.channel == Conversation.Channel.CALLBACK
            else None
        ),
        "assigned_to_me": None,
        "assigned_to_id": conversation.assigned_to_id,
    }


class StaffConversationConsumer(_StaffSocket):
    """A specialist's socket for one conversation (assigned to them, or queued for
    their languages; supervisors: any)."""

    sender_kind = "specialist"
    handlers = {
        "message": "on_message",
        "resume": "on_resume",
        "ping": "on_ping",
        "typing": "on_typing",
        "accept": "on_accept",
        "transfer": "on_transfer",
        "close": "on_close",
        "suggest": "on_suggest",
        "send_resource": "on_send_resource",
    }

    async def connect(self) -> None:
        self._setup_limits()
        self.user = await db(_staff_user)(self.scope)
        if self.user is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        conversation_id = self.scope["url_route"]["kwargs"].get("conversation_id", "")
        conversation, problem = await db(_staff_view)(self.user, conversation_id)
        if conversation is None:
            await self.close(code=CLOSE_NOT_FOUND if problem == "not_found" else CLOSE_FORBIDDEN)
            return
        self.conversation = conversation
        self.group = conversation.group_name
        if not await self.join_group(self.group):
            return
        if not await self.join_group(events.user_group(self.user.pk)):
            return
        await self.accept()
        self.watcher = await QueueWatcher.get()
        self.watcher.staff_sockets[self.channel_name] = self.user.pk
        await db(services.specialist_heartbeat)([self.user.pk])  # an open socket is presence
        state = await db(selectors.conversation_state)(conversation)
        await self.send_json(await self.decorate_state(state))
        await self.send_history(self._query_int("last_seq"))

    async def disconnect(self, code) -> None:
        if self.conversation is None:
            return
        await self.leave_group(self.group)
        if self.user is not None:
            await self.leave_group(events.user_group(self.user.pk))
        if self.watcher is not None:
            self.watcher.staff_sockets.pop(self.channel_name, None)

    async def chat_state(self, event: dict) -> None:
        # Accepted by someone else, transferred, closed: is this socket still allowed?
        if self.revoked or not await self.recheck():
            return
        await super().chat_state(event)

    async def chat_message(self, event: dict) -> None:
        if not self.revoked:
            await super().chat_message(event)

    async def chat_typing(self, event: dict) -> None:
        if not self.revoked:
            await super().chat_typing(event)

    async def decorate_state(self, state: dict) -> dict:
        extra = await db(_staff_state_extra)(self.conversation)
        extra["assigned_to_me"] = extra.pop("assigned_to_id") == self.user.pk
        state = {key: value for key, value in state.items() if key != "token"}  # the visitor's
        return {**state, "id": self.conversation.pk, **extra}

    async def on_message(self, frame: dict) -> None:
        result = await db(services.specialist_message_post)(
            self.user, self.conversation, frame.get("text"), frame.get("id"),
            origin=self.channel_name,
        )
        await self.send_json(
            {"type": "ack", "id": frame.get("id"), "seq": result.seq, "duplicate": not result.created}
        )

    async def on_accept(self, frame: dict) -> None:
        await db(services.conversation_accept)(self.user, self.conversation.token)
        await self.send_json({"type": "accepted", "id": self.conversation.pk})

    async def on_transfer(self, frame: dict) -> None:
        await db(services.conversation_transfer)(
            self.user, self.conversation.token,
            to_user=frame.get("to_user") or None,
            to_language=frame.get("language") or None,
            note=str(frame.get("note", ""))[:1000],
        )
        await self.send_json({"type": "transferred", "id": self.conversation.pk})

    async def on_close(self, frame: dict) -> None:
        await db(services.conversation_close)(self.user, self.conversation.token)

    async def on_send_resource(self, frame: dict) -> None:
        """A resource card from the directory into the chat; acknowledged with the stored
        message (the other sockets get it as a ``message`` frame)."""
        result = await db(services.resource_card_send)(
            self.user, self.conversation, frame.get("resource"), frame.get("id"),
            origin=self.channel_name,
        )
        await self.send_json({
            "type": "ack", "id": frame.get("id"), "seq": result.seq,
            "duplicate": not result.created, "message": selectors.message_payload(result.message),
        })

    async def on_suggest(self, frame: dict) -> None:
        passages = await db(selectors.suggestions)(self.conversation.pk,
                                                   self.conversation.language, frame.get("text"))
        await self.send_json({"type": "suggestions", "passages": passages})


# --------------------------------------------------------------------------- console


def _accept_by_id(user, conversation_id):
    conversation = selectors.conversation_by_id(conversation_id)
    if conversation is None:
        raise ApplicationError("This conversation does not exist.", code="not_found")
    return services.conversation_accept(user, conversation.token)


class ConsoleConsumer(_StaffSocket):
    """A specialist's console socket: presence heartbeat, availability, live queue.

    Supervisors' consoles also get the ``live_summary`` frame. With ``?mode=panel``
    (the supervisor dashboard's live panel) the socket gets ``live_summary`` frames
    only: it is not presence (opening the dashboard does not put anyone on duty),
    gets no queue, and answers ``ping`` alone. Only supervisors may open it.
    """

    handlers = {
        "ping": "on_ping",
        "status": "on_status",
        "accept": "on_accept",
        "accept_next": "on_accept_next",
        "refresh": "on_refresh",
    }
    panel_handlers = {"ping": "on_ping"}

    profile: dict | None = None
    panel = False
    supervisor_group = False
    watching = False  # in the watcher's live-summary sockets

    def _mode(self) -> str:
        query = parse_qs(self.scope.get("query_string", b"").decode("latin1"))
        return (query.get("mode") or [""])[0]

    async def connect(self) -> None:
        self._setup_limits()
        self.panel = self._mode() == "panel"
        self.user = await db(_staff_user)(self.scope)
        if self.user is None or (
                self.panel and not await db(selectors.may_watch_live_summary)(self.user)):
            self.user = None
            await self.close(code=CLOSE_FORBIDDEN)
            return
        if not await self.join_group(events.user_group(self.user.pk)):
            self.user = None
            return
        await self.accept()
        self.watcher = await QueueWatcher.get()
        if self.panel:
            self.handlers = self.panel_handlers
            await self.watch(True)
            return
        self.watcher.consoles[self.channel_name] = self.user.pk
        await db(services.specialist_heartbeat)([self.user.pk])
        await self.on_refresh({})
        if self.profile["supervisor"]:
            self.supervisor_group = await self.join_group(events.SUPERVISORS_GROUP)
            if self.supervisor_group:  # (else the layer is down and the socket closed)
                await self.watch(True)  # the same role check as may_watch_live_summary

    async def disconnect(self, code) -> None:
        if getattr(self, "user", None) is None:
            return
        await self.leave_group(events.user_group(self.user.pk))
        if self.supervisor_group:
            await self.leave_group(events.SUPERVISORS_GROUP)
        if self.watcher is not None:
            self.watcher.consoles.pop(self.channel_name, None)
            self.watcher.remove_summary(self.channel_name)

    async def watch(self, allowed: bool) -> None:
        """Start (with a first frame) or stop this socket's live summary."""
        if allowed and not self.watching:
            self.watching = True
            await self.send_json(await self.watcher.add_summary(self.channel_name, self.user.pk))
        elif not allowed and self.watching:
            self.watching = False
            self.watcher.remove_summary(self.channel_name)

    async def chat_live_summary(self, event: dict) -> None:
        """The live summary changed: this process's watcher has read it once for all."""
        if self.revoked or not self.watching or self.watcher is None:
            return
        if event.get("version") != self.watcher.summary_version:
            return  # a newer version is on its way
        await self.send_json(self.watcher.summary_frame)

    async def chat_access_changed(self, event: dict) -> None:
        """Rights changed: when its person is no longer a supervisor, a panel closes (4403)
        and a console stops its live summary and supervisors' alerts."""
        await super().chat_access_changed(event)
        if self.revoked or not self.watching:
            return
        if await db(selectors.may_watch_live_summary)(self.user):  # re-read by recheck
            return
        if self.panel:
            await self.revoke()
            return
        await self.watch(False)
        if self.supervisor_group:
            self.supervisor_group = False
            await self.leave_group(events.SUPERVISORS_GROUP)

    async def on_refresh(self, frame: dict) -> None:
        """Read this person's view again (on connect, or when their own chats, settings
        or rights change)."""
        self.profile, queue_frame = await db(selectors.console_frame)(self.user)
        await self.send_json(queue_frame)

    async def on_ping(self, frame: dict) -> None:
        if not self.panel:  # a console is presence; a dashboard panel is not
            await db(services.specialist_heartbeat)([self.user.pk])
        await self.send_json({"type": "pong"})

    async def on_status(self, frame: dict) -> None:
        await db(services.specialist_set_status)(
            self.user,
            available=frame.get("available"),
            languages=frame.get("languages"),
            max_concurrent=frame.get("max_concurrent"),
        )
        await self.on_refresh({})

    async def on_accept(self, frame: dict) -> None:
        conversation = await db(_accept_by_id)(self.user, frame.get("id"))
        await self.send_json({"type": "accepted", "id": conversation.pk})

    async def on_accept_next(self, frame: dict) -> None:
        conversation = await db(services.conversation_accept_next)(self.user)
        await self.send_json({"type": "accepted", "id": conversation.pk if conversation else None})

    async def chat_queue_rows(self, event: dict) -> None:
        """The queue changed: this process's watcher has read it once for every console."""
        if self.revoked or self.profile is None or self.watcher is None:
            return
        if event.get("version") != self.watcher.version:
            return  # a newer version is on its way
        now = timezone.now()
        await self.send_json(events.queue_frame(self.watcher.queue_rows, self.profile, now))

    async def chat_console_changed(self, event: dict) -> None:
        """This person's own chats, settings or an urgent flag on their chat: read their view."""
        if self.panel or self.revoked or not await self.recheck():
            return
        await self.on_refresh({})
        if event.get("urgent") is not None:
            await self.send_json(event["urgent"])

    async def chat_urgent(self, event: dict) -> None:
        """An urgent flag on any conversation (supervisors' group)."""
        if not self.revoked:
            await self.send_json(event["frame"])

    async def chat_transfer(self, event: dict) -> None:
        if self.panel:
            return
        await self.send_json({"type": "transfer_offer", "id": event["id"],
                              "note": event.get("note", "")})
