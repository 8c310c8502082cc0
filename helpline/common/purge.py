"""Retention: anonymize or remove personal data older than the retention period.

``helpline purge`` (``management/commands/purge.py``) runs every registered
step. A step is a function ``(cutoff: datetime, dry_run: bool) -> int`` that
returns how many records it changed (or would change, in a dry run). Each app
owns its steps in ``<app>/retention.py`` (``@register("app.thing", "what it
does")``), imported from its ``AppConfig.ready``; this module knows no app and
only adds the expired-sessions step. The periods come from one settings block,
``HELPLINE_RETENTION`` (``DAYS``, and ``PENDING_SIGNUP_DAYS`` for newsletter
sign-ups never confirmed: see ``outreach/retention.py``).

What is kept: dates, language, status, urgency, topics, ratings and counts, so
the supervisor dashboard's figures survive. What goes: message text, names,
phone numbers, notes, free-text comments, e-mail addresses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

StepFn = Callable[[dt.datetime, bool], int]


@dataclass(frozen=True)
class Step:
    name: str
    description: str
    fn: StepFn


@dataclass(frozen=True)
class StepResult:
    name: str
    description: str
    count: int


_STEPS: dict[str, Step] = {}


def register(name: str, description: str) -> Callable[[StepFn], StepFn]:
    """Add (or replace) a retention step."""

    def decorator(fn: StepFn) -> StepFn:
        _STEPS[name] = Step(name, description, fn)
        return fn

    return decorator


def steps() -> list[Step]:
    return list(_STEPS.values())


def period_days(name: str) -> int:
    """A period from ``settings.HELPLINE_RETENTION`` (``DAYS``, ``PENDING_SIGNUP_DAYS``)."""
    return int(settings.HELPLINE_RETENTION[name])


def retention_days() -> int:
    return period_days("DAYS")


def cutoff_for(days: int | None = None, now: dt.datetime | None = None) -> dt.datetime:
    days = retention_days() if days is None else days
    if days < 1:
        raise ValueError("The retention period must be at least 1 day.")
    return (now or timezone.now()) - dt.timedelta(days=days)


def run(
    *,
    days: int | None = None,
    dry_run: bool = False,
    only: list[str] | None = None,
    now: dt.datetime | None = None,
) -> list[StepResult]:
    """Run the steps (each in its own transaction). Nothing is written in a dry run."""
    cutoff = cutoff_for(days, now)
    unknown = [name for name in (only or []) if name not in _STEPS]
    if unknown:
        raise ValueError(f"Unknown step: {', '.join(unknown)}")
    results = []
    for step in steps():
        if only and step.name not in only:
            continue
        with transaction.atomic():
            count = step.fn(cutoff, dry_run)
            if dry_run:
                transaction.set_rollback(True)
        results.append(StepResult(step.name, step.description, count))
    return results


@register("sessions.expired", "Expired sign-in and visitor sessions")
def _sessions(cutoff: dt.datetime, dry_run: bool) -> int:
    from django.contrib.sessions.models import Session

    rows = Session.objects.filter(expire_date__lt=timezone.now())
    if dry_run:
        return rows.count()
    return rows.delete()[0]
