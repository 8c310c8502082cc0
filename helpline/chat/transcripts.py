"""Conversation transcripts for staff: scrubbed views and exports (CSV, PDF),
and the visitor's right to delete their own conversation.

Rules (enforced here, whatever the interface):

* A scrubbed transcript may be read and exported by supervisors (and
  administrators), and read by the assigned specialist.
* The stored original (unscrubbed) may be opened only by the assigned
  specialist and supervisors; every opening by someone other than the assigned
  specialist is written to the audit log, as is every export.
* A visitor may delete a conversation from the browser session that started it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.core import signing
from django.utils.translation import gettext_noop

from helpline.accounts.roles import ADMINISTRATOR, SPECIALIST, SUPERVISOR, has_role
from helpline.answers.retention import question_forget
from helpline.common import privacy
from helpline.common.audit import record
from helpline.common.exceptions import ApplicationError, NotAllowed
from helpline.common.privacy import scrub
from helpline.resources.retention import referrals_forget_conversation

from .selectors import conversation_by_id, conversation_by_token, session_holds_conversation

EXPORT_FIELDS = ["conversation", "channel", "language", "seq", "sent_at", "sender", "text"]


@dataclass(frozen=True)
class TranscriptLine:
    seq: int
    sent_at: object
    sender: str
    sender_label: str
    text: str


def _roles(user) -> tuple[bool, bool, bool]:
    return has_role(user, SUPERVISOR), has_role(user, ADMINISTRATOR), has_role(user, SPECIALIST)


def _conversation(conversation_id):
    conversation = conversation_by_id(conversation_id)
    if conversation is None:
        raise ApplicationError(gettext_noop("No such conversation."), code="not_found")
    return conversation


# --- links -------------------------------------------------------------------------
# Staff never see a conversation's token (the visitor's). A transcript link carries the
# conversation's id signed for one staff session: it cannot be guessed, and it does not
# work in another session (a forwarded or bookmarked link, another person's browser).

_REF_SALT = "helpline.transcript-link."


def transcript_ref(conversation_id: int, session_key: str) -> str:
    """The URL reference for a transcript, valid in the session ``session_key`` only."""
    return signing.dumps(int(conversation_id), salt=_REF_SALT + (session_key or ""))


def transcript_ref_resolve(ref: str, session_key: str | None) -> int:
    """The conversation id of a link made for this session, or ``not_found``."""
    try:
        if not session_key:
            raise signing.BadSignature
        value = signing.loads(str(ref), salt=_REF_SALT + session_key)
        return int(value)
    except (signing.BadSignature, TypeError, ValueError):
        raise ApplicationError(gettext_noop("No such conversation."), code="not_found") from None


def check_can_read(user, conversation, *, original: bool) -> None:
    if not getattr(user, "is_authenticated", False):
        raise NotAllowed(gettext_noop("Sign in to read transcripts."))
    supervisor, administrator, specialist = _roles(user)
    assigned = specialist and conversation.assigned_to_id == user.pk
    if original:
        if not (supervisor or assigned):
            raise NotAllowed(gettext_noop(
                "Only the assigned specialist and supervisors may open the original."))
    elif not (supervisor or administrator or assigned):
        raise NotAllowed(gettext_noop("You may not read this conversation."))


def check_can_export(user) -> None:
    supervisor, administrator, _ = _roles(user) if getattr(user, "is_authenticated", False) else (
        False, False, False)
    if not (supervisor or administrator):
        raise NotAllowed(gettext_noop("Only supervisors can export transcripts."))


def _lines(conversation, *, original: bool) -> list[TranscriptLine]:
    from .services.referrals import is_card

    lines = []
    for message in conversation.messages.order_by("seq"):
        label = message.sender_label if message.sender != "visitor" else ""
        # A resource card is the directory's text (a service's own phone and address), not
        # anyone's personal data: it is shown as sent.
        text = message.text if original or is_card(message) else scrub(message.text)
        lines.append(TranscriptLine(message.seq, message.created_at, message.sender,
                                    label if original else scrub(label), text))
    return lines


def transcript_read(user, conversation_id, *, original: bool = False, request=None):
    """The conversation and its lines, scrubbed unless ``original``; audited."""
    conversation = _conversation(conversation_id)
    check_can_read(user, conversation, original=original)
    if conversation.assigned_to_id != user.pk:  # viewing a conversation not one's own
        record(user, "chat.view_original" if original else "chat.view_transcript",
               conversation, data={"original": original}, request=request)
    return conversation, _lines(conversation, original=original)


def transcript_export_csv(user, conversation_ids, *, request=None) -> bytes:
    """A scrubbed CSV of one or more conversations (supervisors)."""
    check_can_export(user)
    conversations = [_conversation(pk) for pk in conversation_ids]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_FIELDS)
    for conversation in conversations:
        for line in _lines(conversation, original=False):
            writer.writerow([
                conversation.pk, conversation.channel, conversation.language, line.seq,
                line.sent_at.isoformat(), line.sender, _csv_safe(line.text),
            ])
        record(user, "chat.export", conversation, data={"format": "csv"}, request=request)
    return buffer.getvalue().encode("utf-8")


def _csv_safe(text: str) -> str:
    """Defuse spreadsheet formulas (=, +, -, @ at the start of a cell)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def transcript_export_pdf(user, conversation_id, *, request=None) -> bytes:
    """A scrubbed PDF of one conversation (supervisors)."""
    check_can_export(user)
    conversation = _conversation(conversation_id)
    from django.conf import settings
    from django.template.loader import render_to_string
    from weasyprint import HTML

    html = render_to_string("common/transcript_pdf.html", {
        "conversation": conversation, "lines": _lines(conversation, original=False),
        "HELPLINE": settings.HELPLINE,
    })
    from helpline.common import paper

    pdf = HTML(string=html, base_url=None).write_pdf(stylesheets=[paper.stylesheet()])
    record(user, "chat.export", conversation, data={"format": "pdf"}, request=request)
    return pdf


def conversation_delete_by_visitor(token, *, session, request=None) -> bool:
    """Delete a conversation (and its messages) for the visitor whose browser
    session started it; the token only names it.

    Returns False when this session did not start a conversation with that token
    (the answer is the same for a wrong token, someone else's and an already
    deleted one).
    """
    if not session_holds_conversation(session, token):
        return False
    conversation = conversation_by_token(token)
    if conversation is None:
        return False
    conversation_id = conversation.pk
    _forget_copies(conversation)
    conversation.delete()  # messages and call-back notes go with it
    # No address: the entry must not say who deleted what.
    record(None, "chat.visitor_delete", data={"conversation_id": conversation_id})
    return True


privacy.register_visitor_delete(conversation_delete_by_visitor)


def _forget_copies(conversation) -> None:
    """Every other copy of the visitor's words or token: referrals keep their resources
    and needs (counts) but lose the token and note; the answer-page question that was
    handed off is cleared."""
    referrals_forget_conversation(conversation.token)
    if conversation.handoff_token:
        question_forget(conversation.handoff_token)
