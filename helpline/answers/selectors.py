"""Reusable reads of the answer log."""

from __future__ import annotations

import datetime

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from helpline.common.exceptions import NotAllowed

from .models import QuestionLog


def check_can_view_questions(user) -> None:
    if not (user and user.is_authenticated and user.has_perm("answers.view_unanswered")):
        raise NotAllowed()


def _on_unanswered_list():
    """No reviewed answer, or the person said the answer did not help (whatever its status)."""
    return Q(status=QuestionLog.Status.NO_ANSWER) | Q(helpful=False)


def unanswered_questions(user, *, days: int = 30, lang: str | None = None, limit: int = 200) -> QuerySet:
    """What people asked that the content did not answer, most frequent first (scrubbed text).

    Includes answers marked "not helpful"; leaves out questions an editor has
    already linked to a section. ``entry_id`` is one log entry of the group.
    """
    check_can_view_questions(user)
    since = timezone.now() - datetime.timedelta(days=days)
    qs = QuestionLog.objects.filter(_on_unanswered_list(), created_at__gte=since,
                                    linked_at__isnull=True)
    if lang:
        qs = qs.filter(lang=lang)
    return (
        qs.values("question", "lang")
        .annotate(times=Count("id"), last_asked=Max("created_at"), entry_id=Max("id"),
                  not_helpful=Count("id", filter=Q(helpful=False)))
        .order_by("-times", "-last_asked")[:limit]
    )


def linked_questions(user, *, days: int = 30, limit: int = 50) -> list[dict]:
    """Questions editors linked to a section lately (live once the section's draft is published)."""
    check_can_view_questions(user)
    since = timezone.now() - datetime.timedelta(days=days)
    return list(
        QuestionLog.objects.filter(linked_at__gte=since)
        .values("question", "lang", "linked_version_id", "linked_anchor")
        .annotate(linked_at=Max("linked_at"), times=Count("id"))
        .order_by("-linked_at")[:limit]
    )


def answer_feedback_counts(*, since=None, until=None, language: str | None = None) -> dict:
    """Helpful votes on answers given in a period: yes, no, rate (percent) and reasons for "no"."""
    from helpline.common.feedback import HelpfulReason

    qs = QuestionLog.objects.filter(helpful__isnull=False)
    if since is not None:
        qs = qs.filter(helpful_at__gte=since)
    if until is not None:
        qs = qs.filter(helpful_at__lt=until)
    if language:
        qs = qs.filter(lang=language)
    qs = qs.order_by()
    totals = qs.aggregate(yes=Count("id", filter=Q(helpful=True)),
                          no=Count("id", filter=Q(helpful=False)))
    yes, no = totals["yes"] or 0, totals["no"] or 0
    labels = dict(HelpfulReason.choices)
    reasons = [
        (str(labels.get(r["helpful_reason"], r["helpful_reason"])), r["n"])
        for r in qs.filter(helpful=False).exclude(helpful_reason="").values("helpful_reason")
        .annotate(n=Count("id")).order_by("-n", "helpful_reason")
    ]
    return {"yes": yes, "no": no, "rate": round(100 * yes / (yes + no), 1) if yes + no else None,
            "reasons": reasons}


def outcome_counts(user, *, days: int = 30) -> dict[str, int]:
    check_can_view_questions(user)
    since = timezone.now() - datetime.timedelta(days=days)
    rows = QuestionLog.objects.filter(created_at__gte=since).values("status").annotate(n=Count("id"))
    counts = {status: 0 for status in QuestionLog.Status.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts
