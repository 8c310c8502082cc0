"""Writes of the feedback loop on the answer log (the answering path is in ``services.py``).

- ``answer_feedback_record``: "Was this helpful?" on one answer, keyed by its
  ``log_token``; idempotent (one vote per answer, the last one counts). A "no"
  puts the question on the editors' unanswered list, whatever its status was.
- ``question_link``: an editor links a logged question to the section that
  answers it. The (already scrubbed) question becomes a variant of that
  section in a draft, through the articles workflow, so it is live only once
  the draft is reviewed and published.
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpline.articles import services as articles
from helpline.articles.selectors import staff_version
from helpline.common import audit
from helpline.common.exceptions import ApplicationError, NotAllowed
from helpline.common.feedback import parse_helpful, parse_reason

from .models import QuestionLog
from .selectors import check_can_view_questions


def _entry_for_token(log_token) -> QuestionLog:
    try:
        token = uuid.UUID(str(log_token))
    except (ValueError, TypeError, AttributeError) as exc:
        raise ApplicationError(_("This answer is not known."), code="unknown_answer") from exc
    try:
        return QuestionLog.objects.get(log_token=token)
    except QuestionLog.DoesNotExist as exc:
        raise ApplicationError(_("This answer is not known."), code="unknown_answer") from exc


def answer_feedback_record(log_token, *, helpful, reason="") -> QuestionLog:
    """Store yes/no (and for "no" an optional reason from the closed list) on one answer."""
    vote = parse_helpful(helpful)
    if vote is None:
        raise ApplicationError(_("Please answer yes or no."), code="bad_helpful")
    code = parse_reason(reason)
    if code is None:
        raise ApplicationError(_("Please choose a reason from the list."), code="bad_reason")
    entry = _entry_for_token(log_token)
    code = "" if vote else code
    if entry.helpful is not vote or entry.helpful_reason != code:
        entry.helpful = vote
        entry.helpful_reason = code
        entry.helpful_at = timezone.now()
        entry.save(update_fields=["helpful", "helpful_reason", "helpful_at"])
    return entry


@transaction.atomic
def question_link(actor, entry_id: int, version_id: int, anchor: str, *,
                  request=None) -> QuestionLog:
    """Link a logged question (and every identical one) to the section that answers it.

    Only editors: the actor must see the question log and be allowed to edit
    the article version (the articles workflow checks that). The question must
    be in the version's language.
    """
    check_can_view_questions(actor)
    try:
        entry = QuestionLog.objects.select_for_update().get(pk=entry_id)
    except (QuestionLog.DoesNotExist, ValueError, TypeError) as exc:
        raise ApplicationError(_("This question is not in the log."),
                               code="unknown_question") from exc
    version = staff_version(version_id)
    if version is None:
        raise ApplicationError(_("That article does not exist."), code="unknown_section")
    if not articles.can_edit(actor, version):
        raise NotAllowed(_("Only editors can link questions to sections."))
    if version.language != entry.lang:
        raise ApplicationError(
            _("Link the question to a section in the language it was asked in."),
            code="wrong_language",
        )
    revision = articles.question_variant_add(actor, version, anchor, entry.question,
                                             request=request, source=f"question-log:{entry.pk}")
    now = timezone.now()
    linked = QuestionLog.objects.filter(question=entry.question, lang=entry.lang,
                                        linked_at__isnull=True)
    count = linked.update(linked_version=version, linked_anchor=anchor, linked_at=now)
    audit.record(actor, "answers.question_link", entry,
                 data={"version": version.pk, "anchor": anchor, "revision": revision.number,
                       "entries": count},
                 request=request)
    entry.refresh_from_db()
    return entry
