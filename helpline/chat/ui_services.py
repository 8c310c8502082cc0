"""Writes behind the chat pages and the specialist console, on top of the chat core
(``services``). Reads and page contexts are in ``selectors`` and ``pages``.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.utils.translation import gettext as _t

from helpline.common import mail
from helpline.common.privacy import scrub
from helpline.common.ratelimit import hit

from . import selectors

logger = logging.getLogger(__name__)

# A transcript is sent once per conversation (the counter outlives any chat's
# retention-relevant use) and at most a few times a day to one address.
TRANSCRIPT_ONCE_SECONDS = 30 * 86400
TRANSCRIPTS_PER_ADDRESS_PER_DAY = 3


# --- Visitor ---------------------------------------------------------------


def visitor_chat_start(*, language: str, first_name: str = "", first_message: str = "",
                       from_answer=None):
    """Open an anonymous chat in the page's language (with the answer handoff, if any)."""
    from helpline.common.exceptions import ApplicationError

    from . import services

    if not selectors.chat_availability(language=language)["hours_open"]:
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


def _transcript_text(conversation, language: str) -> str:
    from django.template.loader import render_to_string
    from django.utils import translation

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
    message = mail.build(subject=subject, text=_transcript_text(conversation, language),
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


def specialist_status_set(user, *, available: bool, languages: list[str], max_concurrent: int):
    from . import services

    return services.specialist_set_status(
        user, available=available, languages=list(languages), max_concurrent=max_concurrent)


def wrapup_save(user, conversation_id, *, topics=(), resources=(), referrals: str = "",
                notes: str = ""):
    """Save topics, referrals (directory entries and free text) and notes of a conversation."""
    from helpline.common.exceptions import ApplicationError

    from . import services
    from .console.models import WrapUpTopic

    conversation = selectors.conversation_for_staff(user, conversation_id)
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


def console_accept(user, conversation_id):
    from . import services

    conversation = selectors.conversation_for_staff(user, conversation_id)
    return services.conversation_accept(user, conversation.token)


def console_transfer(user, conversation_id, *, target: str, note: str = ""):
    from helpline.common.exceptions import ApplicationError

    from . import services

    token = selectors.conversation_for_staff(user, conversation_id).token
    kind, _sep, value = target.partition(":")
    if kind == "lang":
        return services.conversation_transfer(user, token, to_language=value, note=_scrub(note))
    if kind == "user" and value.isdigit():
        return services.conversation_transfer(user, token, to_user=int(value), note=_scrub(note))
    raise ApplicationError(_t("Choose a person or a language queue."), code="invalid")


def console_close(user, conversation_id):
    from . import services

    conversation = selectors.conversation_for_staff(user, conversation_id)
    return services.conversation_close(user, conversation.token)


def callback_outcome_set(user, conversation_id, *, outcome: str, note: str = ""):
    from . import services

    conversation = selectors.conversation_for_staff(user, conversation_id)
    # The note itself is in a purgeable CallbackNote row; the audit entry points to it.
    return services.callback_outcome_set(user, conversation.token, outcome, note=note)


