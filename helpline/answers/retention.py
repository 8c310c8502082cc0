"""Answers' retention for ``helpline purge`` (registered from ``AnswersConfig.ready``), and
the visitor's erasure of a question that was handed off to chat."""

from __future__ import annotations

import datetime as dt
import uuid

from helpline.common import purge

from .models import QuestionLog


@purge.register("answers.questions", "Questions asked on the answer page: clear the question "
                                     "text (status, language and scores stay)")
def questions_purge(cutoff: dt.datetime, dry_run: bool) -> int:
    rows = QuestionLog.objects.filter(created_at__lt=cutoff).exclude(question="")
    if dry_run:
        return rows.count()
    return rows.update(question="")


def question_forget(log_token: str) -> int:
    """Clear the text of the question behind a hand-off token (a visitor deleted the
    conversation it started). Returns how many rows changed; a malformed token changes none."""
    try:
        token = uuid.UUID(str(log_token))
    except ValueError:
        return 0
    return QuestionLog.objects.filter(log_token=token).update(question="")
