"""Services behind the chat pages and the specialist console.

The chat core (``services.py``) owns conversations, messages, the queue and
routing. This module adds what the interfaces need on top of it: availability
for the launcher, callback requests from the form, feedback and transcripts,
canned responses, the wrap-up, callback outcomes and suggested passages.
Permissions are checked here, not only in the views.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _t

from helpline.common import mail
from helpline.common.privacy import scrub
from helpline.common.ratelimit import hit

logger = logging.getLogger(__name__)

# A transcript is sent once per conversation (the counter outlives any chat's
# retention-relevant use) and at most a few times a day to one address.
TRANSCRIPT_ONCE_SECONDS = 30 * 86400
TRANSCRIPTS_PER_ADDRESS_PER_DAY = 3


# --- Hours ----------------------------------------------------------------

def chat_availability(now: datetime | None = None, language: str | None = None) -> dict:
    """Live chat for ``language`` (default: the active one) now.

    ``open`` is claimed only when the hours allow it *and* a specialist is on duty
    for that language; ``hours_open`` and ``on_duty`` say which part is missing;
    ``opens_at`` is the next opening when the hours are the reason.
    """
    from django.utils import translation

    from helpline.chat import hours

    from .selectors import on_duty

    now = now or timezone.now()
    language = (language or translation.get_language() or "en")[:2]
    hours_open = hours.is_open("chat", now)
    staffed = hours_open and on_duty(language, now)
    opens_at = None if hours_open else hours.next_opening("chat", now)
    if opens_at is not None:
        opens_at = timezone.localtime(opens_at)
    return {"open": staffed, "hours_open": hours_open, "on_duty": staffed,
            "opens_at": opens_at, "known": True}


# --- Visitor ---------------------------------------------------------------

def handoff_context(log_token) -> dict | None:
    """What the answer service showed the visitor (question + passages), or None."""
    from helpline.answers.services import get_handoff_context

    try:
        return get_handoff_context(str(log_token)) or None
    except Exception:  # noqa: BLE001 - a broken handoff must never stop a chat page
        logger.exception("chat: could not read the handoff context")
        return None


def visitor_conversation(token):
    from .selectors import conversation_by_token

    return conversation_by_token(token)


def visitor_chat_start(*, language: str, first_name: str = "", first_message: str = "",
                       from_answer=None):
    """Open an anonymous chat in the page's language (with the answer handoff, if any)."""
    from helpline.common.exceptions import ApplicationError

    from . import services

    if not chat_availability(language=language)["hours_open"]:
        raise ApplicationError(_t("Live chat is closed now."), code="closed")
    conversation = services.conversation_start(
        language=language, visitor_name=first_name,
        handoff_token=str(from_answer) if from_answer else None,
        first_message=first_message or None,
    )
    if conversation.urgent and first_message:
        # The first message described urgent signs: the reviewed urgent message is
        # shown at once (no human has joined yet, so the automatic line is allowed).
        from helpline.answers.triage import assess

        result = assess(first_message, language)
        if result.urgent and result.message:
            services.bot_message_post(conversation, result.message,
                                      data={"kind": "urgent", "codes": result.matched})
    return conversation


def visitor_room_context(conversation) -> dict:
    from . import selectors

    position = None
    if conversation.status == conversation.Status.WAITING:
        position = selectors.queue_positions().get(conversation.token.hex, {}).get("position")
    from django.utils.translation import gettext as _

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


def websocket_path(kind: str, conversation=None) -> str:
    """The websocket path of the chat core's consumers (see docs/chat-protocol.md)."""
    if kind == "visitor":
        return f"/ws/chat/visitor/{conversation.token}/"
    if kind == "staff":
        return f"/ws/chat/staff/{conversation.pk}/"
    return "/ws/chat/console/"


def visitor_chat_end(conversation):
    """The visitor ends the chat; ending an already ended chat changes nothing."""
    from . import services

    if not conversation.is_open:
        return conversation
    return services.conversation_close_by_visitor(conversation.token)


def visitor_feedback_record(conversation, *, rating: int | None, comment: str = ""):
    """Optional rating (1-5) and comment after the chat ended; comment scrubbed of contact data."""
    from helpline.common.exceptions import ApplicationError

    from . import services

    comment = _scrub((comment or "").strip())
    if rating is None and not comment:
        raise ApplicationError(_t("Choose a rating or write a comment."), code="empty")
    if conversation.is_open:
        raise ApplicationError(_t("You can rate the chat after it ends."), code="invalid")
    return services.conversation_rate(conversation.token, rating, comment)


def _scrub(text: str) -> str:
    return scrub(text)


def _allowed(key: str, limit: int, window: int) -> bool:
    return hit(key, limit, window)


def transcript_text(conversation, language: str) -> str:
    from django.template.loader import render_to_string
    from django.utils import translation

    from . import selectors

    with translation.override(language):
        return render_to_string("chat/transcript.txt", {
            "conversation": conversation,
            "messages": selectors.messages_after(conversation, 0, limit=5000),
            "HELPLINE": settings.HELPLINE,
        })


def visitor_transcript_send(conversation, *, email: str, language: str) -> None:
    """E-mail the transcript once. The address is not stored anywhere."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email
    from django.utils import translation
    from django.utils.translation import gettext as _

    from helpline.common.exceptions import ApplicationError

    try:
        validate_email(email)
    except ValidationError:
        raise ApplicationError(_("Enter a valid e-mail address."), code="invalid") from None
    # Not a mail relay: one transcript per conversation, a few per address per day.
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    if not (_allowed(f"chat-transcript:{conversation.token}", 1, TRANSCRIPT_ONCE_SECONDS)
            and _allowed(f"chat-transcript-to:{address}", TRANSCRIPTS_PER_ADDRESS_PER_DAY, 86400)):
        raise ApplicationError(
            _("You have asked for this transcript several times. Please try again later."),
            code="rate_limited")
    with translation.override(language):
        subject = _("Your chat with %(name)s") % {"name": settings.HELPLINE["NAME"]}
    message = mail.build(subject=subject, text=transcript_text(conversation, language),
                         to=[email], language=language)
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - SMTP or network trouble: tell the visitor
        logger.warning("chat: transcript not sent: %s", exc.__class__.__name__)
        raise ApplicationError(
            _("We could not send the e-mail just now. Please try again later."), code="mail_failed"
        ) from exc


def callback_request_create(*, first_name: str, phone: str, preferred_time: str, language: str,
                            reason: str, from_answer=None, ip: str = ""):
    """A callback request from the form; it enters the specialists' queue like a chat."""
    from django.utils.translation import gettext as _

    from helpline.common.exceptions import ApplicationError

    from . import services
    from .forms import PREFERRED_TIME_CHOICES

    labels = dict(PREFERRED_TIME_CHOICES)
    if preferred_time not in labels:
        raise ApplicationError(_("Choose a time for the call."), code="invalid")
    return services.callback_request_create(
        phone=phone, language=language, preferred_time=preferred_time, reason=reason,
        visitor_name=first_name, handoff_token=str(from_answer) if from_answer else None,
    )


# --- Console ---------------------------------------------------------------

def is_console_user(user) -> bool:
    from helpline.accounts.roles import SPECIALIST, SUPERVISOR, has_role

    return has_role(user, SPECIALIST) or has_role(user, SUPERVISOR)


def check_console_access(user) -> None:
    from helpline.common.exceptions import NotAllowed

    if not is_console_user(user):
        raise NotAllowed(_t("The console is for specialists and supervisors."))


def console_snapshot(user) -> dict:
    """The console's queue frame (the same object the console socket sends), plus
    ``queue`` (the items) for the page's polling fallback."""
    from . import events, selectors

    check_console_access(user)
    now = timezone.now()
    frame = events.queue_frame(selectors.queue_rows(), selectors.console_profile(user, now), now)
    return {**frame, "queue": frame["items"]}


def console_strings() -> dict:
    from django.utils.translation import gettext as _

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


def console_context(user, *, status_form=None) -> dict:
    from . import selectors, services
    from .forms import AvailabilityForm

    snapshot = console_snapshot(user)
    status = services.specialist_status_get(user)
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


def specialist_status_set(user, *, available: bool, languages: list[str], max_concurrent: int):
    from . import services

    return services.specialist_set_status(
        user, available=available, languages=list(languages), max_concurrent=max_concurrent)


def console_conversation_for(user, conversation_id):
    """The conversation if this user may see it (assigned, or queued in their languages).

    Staff name a conversation by its id: the token is the visitor's, never shown to staff.
    """
    from helpline.common.exceptions import ApplicationError, NotAllowed

    from . import selectors

    check_console_access(user)
    conversation = selectors.conversation_by_id(conversation_id)
    if conversation is None:
        raise ApplicationError(_t("This conversation does not exist."), code="not_found")
    if not selectors.can_view(user, conversation):
        raise NotAllowed(_t("You cannot see this conversation."))
    return conversation


def _can_act(user, conversation) -> bool:
    from helpline.accounts.roles import SUPERVISOR, has_role

    return conversation.assigned_to_id == user.pk or has_role(user, SUPERVISOR)


def transfer_targets(user, conversation):
    """Other staff who could take this conversation (specialists and supervisors)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from helpline.accounts.roles import SPECIALIST, SUPERVISOR

    return list(
        get_user_model().objects.filter(is_active=True)
        .filter(Q(groups__name__in=[SPECIALIST, SUPERVISOR]) | Q(is_superuser=True))
        .exclude(pk=user.pk).distinct().order_by("first_name", "username")[:200]
    )


def canned_groups(language: str) -> list[dict]:
    """Canned responses, the conversation's language first, then the other one."""
    from django.utils.translation import gettext as _

    from .console.models import CannedResponse

    other = "es" if language == "en" else "en"
    names = {"en": _("English"), "es": _("Spanish")}
    return [
        {"language": code, "label": names[code],
         "items": list(CannedResponse.objects.filter(active=True, language=code))}
        for code in (language, other)
    ]


def topics_for_form():
    from .console.models import WrapUpTopic

    return list(WrapUpTopic.objects.filter(active=True))


def resources_for_form(conversation) -> list:
    from helpline.resources.selectors import search_resources

    try:
        return [m.resource for m in search_resources(language=conversation.language)][:200]
    except Exception:  # noqa: BLE001 - the directory must not break the console
        logger.exception("chat: could not list resources")
        return []


def wrapup_form(conversation, data=None):
    from django.utils import translation

    from .forms import WrapUpForm

    initial = {"topics": conversation.topics, "referrals": conversation.referrals_text,
               "notes": conversation.notes}
    return WrapUpForm(data, initial=initial, topics=topics_for_form(),
                      resources=resources_for_form(conversation),
                      language=(translation.get_language() or "en")[:2])


def wrapup_save(user, conversation_id, *, topics=(), resources=(), referrals: str = "",
                notes: str = ""):
    """Save topics, referrals (directory entries and free text) and notes of a conversation."""
    from helpline.common.exceptions import ApplicationError

    from . import services
    from .console.models import WrapUpTopic

    conversation = console_conversation_for(user, conversation_id)
    known = set(WrapUpTopic.objects.filter(code__in=list(topics)).values_list("code", flat=True))
    unknown = [t for t in topics if t not in known]
    if unknown:
        raise ApplicationError(_t("Unknown topic: %(topics)s") % {"topics": ", ".join(unknown)},
                               code="invalid")
    conversation = services.conversation_wrap_up(
        user, conversation.token, topics=list(topics), notes=_scrub(notes),
        referrals_text=_scrub(referrals), resources=resources)
    if resources:
        from helpline.resources.services import referral_create

        kwargs = {"conversation": conversation}
        if conversation.channel == conversation.Channel.CALLBACK:
            kwargs = {"conversation": conversation, "callback": conversation}
        referral_create(user, [int(r) for r in resources], **kwargs)
    return conversation


def referrals_recorded(conversation) -> list[str]:
    from helpline.resources.models import ReferralItem

    return list(ReferralItem.objects.filter(referral__conversation_token=conversation.token)
                .values_list("resource_name", flat=True))


def console_accept(user, conversation_id):
    from . import services

    conversation = console_conversation_for(user, conversation_id)
    return services.conversation_accept(user, conversation.token)


def console_transfer(user, conversation_id, *, target: str, note: str = ""):
    from helpline.common.exceptions import ApplicationError

    from . import services

    token = console_conversation_for(user, conversation_id).token
    kind, _sep, value = target.partition(":")
    if kind == "lang":
        return services.conversation_transfer(user, token, to_language=value, note=_scrub(note))
    if kind == "user" and value.isdigit():
        return services.conversation_transfer(user, token, to_user=int(value), note=_scrub(note))
    raise ApplicationError(_t("Choose a person or a language queue."), code="invalid")


def console_close(user, conversation_id):
    from . import services

    conversation = console_conversation_for(user, conversation_id)
    return services.conversation_close(user, conversation.token)


def callback_outcome_set(user, conversation_id, *, outcome: str, note: str = ""):
    from . import services

    conversation = console_conversation_for(user, conversation_id)
    # The note itself is in a purgeable CallbackNote row; the audit entry points to it.
    return services.callback_outcome_set(user, conversation.token, outcome, note=note)


def suggestions_for(user, conversation_id, text: str | None = None, k: int = 3) -> list[dict]:
    """Knowledge-base passages for the visitor's last message (or ``text``); see
    ``selectors.suggestions``. Suggestions are a help, never a blocker."""
    from . import selectors

    conversation = console_conversation_for(user, conversation_id)
    try:
        return selectors.suggestions(conversation.pk, conversation.language, text, k=k)
    except Exception:  # noqa: BLE001 - suggestions are a help, never a blocker
        logger.exception("chat: suggestions failed")
        return []


def console_conversation_context(user, conversation_id, *, transfer_form=None, wrapup_form_=None,
                                 outcome_form=None, **kwargs) -> dict:
    from . import selectors
    from .forms import PREFERRED_TIME_CHOICES, CallbackOutcomeForm, TransferForm

    wrapup_form_ = kwargs.get("wrapup_form", wrapup_form_)
    conversation = console_conversation_for(user, conversation_id)
    if conversation.assigned_to_id and conversation.assigned_to_id != user.pk:
        # Audit: a supervisor opened a conversation that is not their own.
        from helpline.common.audit import record

        record(user, "chat.view_other", conversation)
    can_act = _can_act(user, conversation)
    assigned_name = ""
    if conversation.assigned_to:
        assigned_name = conversation.assigned_to.get_full_name() or conversation.assigned_to.get_username()
    return {
        "conversation": conversation,
        "history": selectors.messages_after(conversation, 0, limit=5000),
        "handoff": conversation.handoff_context or None,
        "is_mine": conversation.assigned_to_id == user.pk,
        "can_act": can_act,
        "assigned_name": assigned_name,
        "transfer_form": transfer_form or TransferForm(
            specialists=transfer_targets(user, conversation)),
        "wrapup_form": wrapup_form_ or wrapup_form(conversation),
        "outcome_form": outcome_form or CallbackOutcomeForm(),
        "preferred_time_label": dict(PREFERRED_TIME_CHOICES).get(
            conversation.callback_preferred_time, conversation.callback_preferred_time),
        "suggestions": (suggestions_for(user, conversation.pk) if conversation.channel == "chat"
                        else []),
        "canned": canned_groups(conversation.language),
        "referrals": referrals_recorded(conversation),
        "ws_path": websocket_path("staff", conversation),
        "max_chars": selectors.chat_setting("MAX_MESSAGE_CHARS"),
        "strings": console_strings(),
    }
