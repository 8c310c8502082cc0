"""Retention: anonymize or remove personal data older than the retention period.

``helpline purge`` (``management/commands/purge.py``) runs every registered
step. A step is a function ``(cutoff: datetime, dry_run: bool) -> int`` that
returns how many records it changed (or would change, in a dry run). Apps can
add steps with ``@register("app.thing", "what it does")``; the built-in steps
below cover chat conversations and callbacks, answer logs, referrals, the
newsletter, volunteers and expired sessions. A step whose app or model is not
installed reports 0.

What is kept: dates, language, status, urgency, topics, ratings and counts, so
the supervisor dashboard's figures survive. What goes: message text, names,
phone numbers, notes, free-text comments, e-mail addresses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q
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


def retention_days() -> int:
    return int(settings.HELPLINE.get("RETENTION_DAYS", 365))


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


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
        return True
    except Exception:  # noqa: BLE001
        return False


# --- built-in steps --------------------------------------------------------------

_CONVERSATION_TEXT_FIELDS = {
    "visitor_name": "", "notes": "", "rating_comment": "", "transfer_note": "",
    "callback_phone": "", "callback_preferred_time": "", "callback_reason": "",
    "referrals_text": "", "handoff_token": "",
}


@register("chat.conversations",
          "Chats and callback requests: delete the messages; clear names, phone numbers, "
          "notes (call-back notes too), comments and the answer hand-off (dates, status, topics and ratings stay)")
def _conversations(cutoff: dt.datetime, dry_run: bool) -> int:
    Conversation = _model("chat.Conversation")
    if Conversation is None:
        return 0
    fields = {name: value for name, value in _CONVERSATION_TEXT_FIELDS.items()
              if _has_field(Conversation, name)}
    not_empty = Q()
    for name in fields:
        not_empty |= ~Q(**{name: ""})
    if _has_field(Conversation, "handoff_context"):
        not_empty |= ~Q(handoff_context={})
        fields["handoff_context"] = {}
    Message = _model("chat.Message")
    old = Conversation.objects.filter(created_at__lt=cutoff)
    if Message is not None:
        with_messages = Message.objects.filter(conversation__created_at__lt=cutoff).values(
            "conversation_id")
        not_empty |= Q(pk__in=with_messages)
    CallbackNote = _model("chat.CallbackNote")
    if CallbackNote is not None:
        with_notes = CallbackNote.objects.filter(conversation__created_at__lt=cutoff).exclude(
            note="").values("conversation_id")
        not_empty |= Q(pk__in=with_notes)
    ids = list(old.filter(not_empty).values_list("pk", flat=True))
    if dry_run or not ids:
        return len(ids)
    if Message is not None:
        Message.objects.filter(conversation_id__in=ids).delete()
    if CallbackNote is not None:
        CallbackNote.objects.filter(conversation_id__in=ids).exclude(note="").update(note="")
    Conversation.objects.filter(pk__in=ids).update(**fields)
    return len(ids)


@register("answers.questions", "Questions asked on the answer page: clear the question text "
                               "(status, language and scores stay)")
def _questions(cutoff: dt.datetime, dry_run: bool) -> int:
    QuestionLog = _model("answers.QuestionLog")
    if QuestionLog is None:
        return 0
    rows = QuestionLog.objects.filter(created_at__lt=cutoff).exclude(question="")
    if dry_run:
        return rows.count()
    return rows.update(question="")


@register("resources.referrals", "Referrals: clear the free-text note (resources and needs stay)")
def _referrals(cutoff: dt.datetime, dry_run: bool) -> int:
    Referral = _model("resources.Referral")
    if Referral is None:
        return 0
    rows = Referral.objects.filter(created_at__lt=cutoff).exclude(note="")
    if dry_run:
        return rows.count()
    return rows.update(note="")


@register("outreach.subscribers", "Newsletter: delete addresses that unsubscribed or never "
                                  "confirmed before the cut-off")
def _subscribers(cutoff: dt.datetime, dry_run: bool) -> int:
    Subscriber = _model("outreach.Subscriber")
    if Subscriber is None:
        return 0
    rows = Subscriber.objects.filter(
        Q(status="unsubscribed", unsubscribed_at__lt=cutoff)
        | Q(status="pending", requested_at__lt=cutoff)
    )
    if dry_run:
        return rows.count()
    return rows.delete()[0]


@register("outreach.deliveries", "Newsletter: delete old per-address delivery records")
def _deliveries(cutoff: dt.datetime, dry_run: bool) -> int:
    Delivery = _model("outreach.Delivery")
    if Delivery is None:
        return 0
    rows = Delivery.objects.filter(claimed_at__lt=cutoff)
    if dry_run:
        return rows.count()
    return rows.delete()[0]


@register("outreach.volunteers", "Volunteer sign-ups: delete those older than the cut-off")
def _volunteers(cutoff: dt.datetime, dry_run: bool) -> int:
    VolunteerInterest = _model("outreach.VolunteerInterest")
    if VolunteerInterest is None:
        return 0
    rows = VolunteerInterest.objects.filter(created_at__lt=cutoff)
    if dry_run:
        return rows.count()
    return rows.delete()[0]


@register("sessions.expired", "Expired sign-in and visitor sessions")
def _sessions(cutoff: dt.datetime, dry_run: bool) -> int:
    Session = _model("sessions.Session")
    if Session is None:
        return 0
    rows = Session.objects.filter(expire_date__lt=timezone.now())
    if dry_run:
        return rows.count()
    return rows.delete()[0]
