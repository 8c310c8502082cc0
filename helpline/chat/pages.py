"""What the chat pages and the console's first paint show: page contexts, their
strings and forms, and the websocket paths. Reads only — every write is in
``services``, every query in ``selectors``.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from . import selectors
from .forms import (
    PREFERRED_TIME_CHOICES,
    AvailabilityForm,
    CallbackOutcomeForm,
    TransferForm,
    WrapUpForm,
)
from .models import Conversation, SpecialistStatus


def websocket_path(kind: str, conversation: Conversation | None = None) -> str:
    """The websocket path of the chat's consumers (see docs/chat-protocol.md)."""
    if kind == "visitor":
        return f"/ws/chat/visitor/{conversation.token}/"
    if kind == "staff":
        return f"/ws/chat/staff/{conversation.pk}/"
    return "/ws/chat/console/"


# --------------------------------------------------------------------------- visitor


def visitor_room_context(conversation: Conversation) -> dict:
    position = None
    if conversation.status == Conversation.Status.WAITING:
        position = selectors.queue_positions().get(conversation.token.hex, {}).get("position")
    strings = {
        "you": _("You"), "specialist": _("Specialist"), "system": _("Helpline"),
        "waiting": _("Waiting for a specialist."),
        "position": _("You are number %(position)s in line."),
        "wait": _("Estimated wait: about %(minutes)s min."),
        "wait_unknown": _("We cannot estimate the wait right now."),
        "none_online": _("No specialist is on duty for your language at this moment. You "
                         "keep your place in line, or call us 24 hours a day at %(phone)s.")
        % {"phone": settings.HELPLINE["PHONE"]},
        "joined": _("%(name)s, %(role)s, has joined the chat."),
        "with_you": _("%(name)s, %(role)s, is chatting with you."),
        "ended": _("This chat has ended."),
        "abandoned": _("This chat has ended."),
        "rate": _("Rate this chat or get the transcript"),
        "connecting": _("Connecting…"),
        "reconnecting": _("Connection lost. Reconnecting…"),
        "connected": _("Connected."),
        "not_sent": _("Not sent yet: it will be sent when the connection is back."),
        "unavailable": _("Live chat is briefly unavailable. Your messages are kept; "
                         "trying again…"),
        "error": _("Something went wrong: %(message)s"),
        "too_long": _("Your message is too long."),
        "new_message": _("New message from %(name)s"),
    }
    return {
        "conversation": conversation,
        "history": selectors.messages_after(conversation, 0),
        "position": position,
        "ws_path": websocket_path("visitor", conversation),
        "max_chars": selectors.chat_setting("MAX_MESSAGE_CHARS"),
        "strings": strings,
    }


# --------------------------------------------------------------------------- console


def console_strings() -> dict:
    return {
        "nobody": _("Nobody is waiting."), "open": _("Open"), "accept": _("Accept"),
        "urgent": _("Urgent"), "chat": _("Chat"), "callback": _("Callback"),
        "transferred": _("Transferred to you"), "transferred_other": _("Transferred"),
        "note": _("Note:"),
        "urgent_alert": _("Urgent: the visitor in conversation %(id)s described signs that "
                          "need attention now."),
        "urgent_open": _("Open the conversation"),
        "other_language": _("In another language (%(lang)s)"),
        "connected": _("Console connected."), "reconnecting": _("Console disconnected. Reconnecting…"),
        "visitor": _("Visitor"), "you": _("You"), "error": _("Error: %(message)s"),
        "no_suggestions": _("No suggestions yet."), "insert": _("Insert"),
        "source": _("Source"), "new_chat": _("A new conversation is waiting."),
        "no_active": _("No active chats."), "anonymous": _("Anonymous visitor"),
        "not_sent": _("Not sent yet: it will be sent when the connection is back."),
        "revoked": _("You no longer have access to this live view. Reload the page."),
    }


def console_snapshot(user) -> dict:
    """The console's queue frame (the same object the console socket sends), plus
    ``queue`` (the items) for the page's polling fallback (``queue.json``)."""
    selectors.check_console_access(user)
    _profile, frame = selectors.console_frame(user)
    return {**frame, "queue": frame["items"]}


def console_context(user, *, status_form=None) -> dict:
    snapshot = console_snapshot(user)
    status = selectors.specialist_status_for(user) or SpecialistStatus(
        user=user, languages=["en"], display_name=user.first_name[:40])
    if status_form is None:
        status_form = AvailabilityForm(initial={
            "available": "available" if status.available else "away",
            "languages": status.languages, "max_concurrent": status.max_concurrent,
        })
    return {
        "queue": snapshot["queue"],
        "mine": selectors.active_for(user),
        "status": status,
        "routable": selectors.is_routable(status),
        "status_form": status_form,
        "ws_path": websocket_path("console"),
        "strings": console_strings(),
    }


def wrapup_form_for(conversation: Conversation, data=None) -> WrapUpForm:
    initial = {"topics": conversation.topics, "referrals": conversation.referrals_text,
               "notes": conversation.notes}
    return WrapUpForm(data, initial=initial, topics=selectors.wrapup_topics(),
                      resources=selectors.referral_resources(conversation.language),
                      language=(translation.get_language() or "en")[:2])


def console_conversation_context(user, conversation: Conversation, *, transfer_form=None,
                                 wrapup_form=None, outcome_form=None) -> dict:
    """The conversation page of the console, for a conversation ``user`` may see
    (``selectors.conversation_for_staff``)."""
    from helpline.accounts.roles import SUPERVISOR, has_role

    assigned_name = ""
    if conversation.assigned_to:
        assigned_name = (conversation.assigned_to.get_full_name()
                         or conversation.assigned_to.get_username())
    is_mine = conversation.assigned_to_id == user.pk
    suggestions = []
    if conversation.channel == Conversation.Channel.CHAT:
        suggestions = selectors.suggestions(conversation.pk, conversation.language)
    return {
        "conversation": conversation,
        "history": selectors.messages_after(conversation, 0, limit=5000),
        "handoff": conversation.handoff_context or None,
        "is_mine": is_mine,
        "can_act": is_mine or has_role(user, SUPERVISOR),
        "assigned_name": assigned_name,
        "transfer_form": transfer_form or TransferForm(
            specialists=selectors.transfer_targets(user)),
        "wrapup_form": wrapup_form or wrapup_form_for(conversation),
        "outcome_form": outcome_form or CallbackOutcomeForm(),
        "preferred_time_label": dict(PREFERRED_TIME_CHOICES).get(
            conversation.callback_preferred_time, conversation.callback_preferred_time),
        "suggestions": suggestions,
        "canned": selectors.canned_groups(conversation.language),
        "referrals": selectors.referrals_recorded(conversation),
        "ws_path": websocket_path("staff", conversation),
        "max_chars": selectors.chat_setting("MAX_MESSAGE_CHARS"),
        "strings": console_strings(),
    }
