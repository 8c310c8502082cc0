"""Reusable reads of the answer log."""

from __future__ import annotations

import datetime

from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from helpline.common.exceptions import NotAllowed

from .models import QuestionLog


def check_can_view_questions(user) -> None:
    if not (user and user.is_authenticated and user.has_perm("answers.view_unanswered")):
        raise NotAllowed()


def unanswered_questions(user, *, days: int = 30, lang: str | None = None, limit: int = 200) -> QuerySet:
    """What people asked that the content did not answer, most frequent first (scrubbed text)."""
    check_can_view_questions(user)
    since = timezone.now() - datetime.timedelta(days=days)
    qs = QuestionLog.objects.filter(status=QuestionLog.Status.NO_ANSWER, created_at__gte=since)
    if lang:
        qs = qs.filter(lang=lang)
    return (
        qs.values("question", "lang")
        .annotate(times=Count("id"), last_asked=Max("created_at"))
        .order_by("-times", "-last_asked")[:limit]
    )


def outcome_counts(user, *, days: int = 30) -> dict[str, int]:
    check_can_view_questions(user)
    since = timezone.now() - datetime.timedelta(days=days)
    rows = QuestionLog.objects.filter(created_at__gte=since).values("status").annotate(n=Count("id"))
    counts = {status: 0 for status in QuestionLog.Status.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts
