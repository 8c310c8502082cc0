"""Reads for the journey app: saved timelines, article links, warning signs."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import steps as S
from .models import SavedTimeline
from .services import token_digest
from .timeline import TimelineInput


def saved_timeline_get(token: str) -> SavedTimeline | None:
    """The live (not expired) saved timeline for this link, or None."""
    if not token or len(token) > 100:
        return None
    return SavedTimeline.objects.filter(
        token_digest=token_digest(token), expires_at__gt=timezone.now()
    ).first()


def input_from_data(data: dict) -> TimelineInput:
    def day(value: str) -> dt.date | None:
        return dt.date.fromisoformat(value) if value else None

    return TimelineInput(
        leukapheresis=day(data.get("leukapheresis", "")),
        infusion=day(data.get("infusion", "")),
        infusion_time=(
            dt.time.fromisoformat(data["infusion_time"]) if data.get("infusion_time") else None
        ),
        time_zone=data.get("time_zone") or "America/New_York",
        product=data.get("product", ""),
    )


def article_links(language: str) -> dict[str, dict]:
    """{article key: {"url", "language"}} for the journey's articles that are public.

    Prefers the person's language, falls back to the other language, and leaves
    an article out when no version of it is published (the step shows no link).
    """
    from helpline.articles.selectors import public_versions

    versions = public_versions(keys=[S.TREATMENT_STEPS, S.AT_HOME])
    found: dict[str, dict] = {}
    for version in versions:
        key = version.article.key
        current = found.get(key)
        if current is None or (version.language == language and current["language"] != language):
            found[key] = {"url": version.get_absolute_url(), "language": version.language}
    return found


def warning_signs(language: str) -> list[dict]:
    """The urgent signs from the answer service's triage rules, grouped by category.

    One source of truth: ``helpline.answers.triage.URGENT_SIGNS``. Returns
    [{"category": str, "signs": [{"code", "label"}]}] with CAR T emergencies first.
    """
    from helpline.answers.triage import URGENT_SIGNS

    groups: dict[str, list[dict]] = {}
    for sign in URGENT_SIGNS:
        label = sign.label_es if language == "es" else sign.label_en
        groups.setdefault(sign.category, []).append({"code": sign.code, "label": label})
    order = sorted(groups, key=lambda c: (c != "car_t_emergency", c != "crisis", c))
    return [{"category": category, "signs": groups[category]} for category in order]
