"""The visitor's transcript by e-mail. (Staff transcripts, exports and the visitor's
deletion of a conversation are in ``helpline.chat.transcripts``.)"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from helpline.common import mail
from helpline.common.exceptions import ApplicationError
from helpline.common.ratelimit import hit

from ..models import Conversation
from ..selectors import messages_after
from ._core import _get, log

# A transcript is sent once per conversation (the counter outlives any chat's
# retention-relevant use) and at most a few times a day to one address.
TRANSCRIPT_ONCE_SECONDS = 30 * 86400

TRANSCRIPTS_PER_ADDRESS_PER_DAY = 3


def _transcript_text(conversation: Conversation, language: str) -> str:
    with translation.override(language):
        return render_to_string("chat/transcript.txt", {
            "conversation": conversation,
            "messages": messages_after(conversation, 0, limit=5000),
            "HELPLINE": settings.HELPLINE,
        })


def visitor_transcript_send(token, *, email: str, language: str) -> None:
    """E-mail the visitor the transcript, once. The address is not stored anywhere."""
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
