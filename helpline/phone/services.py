"""Writes for the phone line. Every rule is enforced here; views and webhooks are thin.

Each transition checks, writes, audits once, and sends its event after commit.

Specialists (``user`` needs ``phone.add_phonecontact``):
    contact_open, contact_update, contact_complete, agent_line_set
The voice integration (Twilio webhooks; the actor is the system):
    call_enqueue, call_connected, call_left_queue, call_callback_requested, call_ended,
    agent_authenticate, agent_verify, agent_take_next, agent_call_ended
Retention: ``retention.py``.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpline.common import audit
from helpline.common.exceptions import ApplicationError, NotAllowed
from helpline.common.privacy import scrub

from . import events, selectors
from .models import CallEvent, PhoneAgent, PhoneContact

S = PhoneContact.Status
NOTES_MAX = 4000
MAX_PIN_FAILURES = 5
LOCK_MINUTES = 15


# --------------------------------------------------------------------------- helpers

def _clean_language(language) -> str:
    if language not in selectors.LANGUAGES:
        raise ApplicationError(_("Choose English or Spanish."), code="invalid")
    return language


def _check_edit(user, contact: PhoneContact) -> None:
    selectors.check_can_log(user)
    if not selectors.can_edit(user, contact):
        raise NotAllowed(_("Only the specialist who took this call or a supervisor can change it."))


def _once(call_sid: str, kind: str, data: dict | None = None) -> bool:
    """Record that webhook ``kind`` was applied to ``call_sid``; False if it already was."""
    try:
        with transaction.atomic():
            CallEvent.objects.create(call_sid=call_sid[:64], kind=kind[:40], data=data or {})
    except IntegrityError:
        return False
    return True


def _seconds(value) -> int | None:
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        return None
    return seconds if 0 <= seconds < 7 * 86400 else None


# --------------------------------------------------------------------------- specialists

def contact_open(user, *, callback_id=None, language: str | None = None,
                 now: dt.datetime | None = None) -> PhoneContact:
    """"Log a call": a new record owned by ``user``, timed from now.

    With ``callback_id`` (a callback request in the chat queue) the record is
    linked to that request and takes its language; opening it again returns the
    same record.
    """
    from helpline.chat import selectors as chat_selectors

    selectors.check_can_log(user)
    now = now or timezone.now()
    if callback_id is not None:
        request = chat_selectors.conversation_by_id(callback_id)
        if request is None or request.channel != "callback":
            raise ApplicationError(_("This callback request does not exist."), code="not_found")
        if not chat_selectors.can_view(user, request):
            raise NotAllowed(_("This callback request belongs to another specialist."))
        existing = PhoneContact.objects.filter(
            callback_id=request.pk, specialist=user, status__in=(S.ACTIVE, S.ENDED)).first()
        if existing is not None:
            return existing
        language = request.language
    language = _clean_language(language or "en")
    with transaction.atomic():
        contact = PhoneContact.objects.create(
            source=PhoneContact.Source.LOGGED, status=S.ACTIVE, specialist=user,
            language=language, callback_id=request.pk if callback_id is not None else None,
            created_at=now, answered_at=now,
        )
        audit.record(user, "phone.contact_open", contact,
                     data={"callback": request.pk} if callback_id is not None else None)
        events.contact(contact, "opened")
    return contact


def _clean_record(contact: PhoneContact, *, caller_type="", language=None, topics=(),
                  urgent_signs=(), notes="", duration_minutes=None, outcome="") -> dict:
    from helpline.chat.selectors import unknown_wrapup_topics

    if caller_type and caller_type not in PhoneContact.CallerType.values:
        raise ApplicationError(_("Choose who called."), code="invalid")
    if outcome and outcome not in PhoneContact.Outcome.values:
        raise ApplicationError(_("Choose an outcome."), code="invalid")
    language = _clean_language(language or contact.language)
    topics = [str(t) for t in topics][:20]
    if unknown_wrapup_topics(topics):
        raise ApplicationError(_("Unknown topic."), code="invalid")
    codes = {sign["code"] for sign in selectors.urgent_signs(language)}
    urgent_signs = [str(c) for c in urgent_signs]
    if set(urgent_signs) - codes:
        raise ApplicationError(_("Unknown urgent sign."), code="invalid")
    if not isinstance(notes, str) or len(notes) > NOTES_MAX:
        raise ApplicationError(_("Notes are limited to %(n)d characters.") % {"n": NOTES_MAX},
                               code="invalid")
    duration = None
    if duration_minutes not in (None, ""):
        try:
            minutes = float(duration_minutes)
        except (TypeError, ValueError):
            raise ApplicationError(_("The duration must be a number of minutes."), code="invalid") from None
        if not 0 <= minutes <= 600:
            raise ApplicationError(_("The duration must be between 0 and 600 minutes."), code="invalid")
        duration = round(minutes * 60)
    return {
        "caller_type": caller_type or "", "language": language, "topics": topics,
        "urgent_signs": urgent_signs, "urgent": bool(urgent_signs),
        "notes": scrub(notes.replace("\x00", "").strip()), "outcome": outcome or "",
        "duration_seconds": duration,
    }


def _refer(user, contact: PhoneContact, resources, email: str) -> dict:
    """New directory referrals of this call (each resource once), and the e-mailed list."""
    from helpline.resources import services as resources_services

    ids = []
    for item in resources or ():
        try:
            ids.append(int(item))
        except (TypeError, ValueError):
            raise ApplicationError(_("Unknown service."), code="invalid") from None
    new = [i for i in dict.fromkeys(ids) if i not in contact.resource_ids]
    changes: dict = {}
    referral = None
    if new:
        # No chat conversation and no callback: the resources app records it as a phone referral.
        referral = resources_services.referral_create(user, new, language=contact.language)
        changes = {"referral_ids": [*contact.referral_ids, referral.pk],
                   "resource_ids": [*contact.resource_ids, *new]}
    if email:
        from helpline.resources.selectors import resources_by_ids

        chosen = resources_by_ids(changes.get("resource_ids", contact.resource_ids))
        if not chosen:
            raise ApplicationError(_("Choose at least one service to send."), code="empty")
        resources_services.resource_list_email(chosen, email, contact.language,
                                               client_key=f"phone:{contact.token}")
    return changes


def _save(user, token, *, complete: bool, resources=(), email: str = "", **fields) -> PhoneContact:
    contact = selectors.contact_for(user, token)
    _check_edit(user, contact)
    if not contact.is_editable:
        raise ApplicationError(_("This call record is already completed."), code="closed")
    values = _clean_record(contact, **fields)
    now = timezone.now()
    if complete:
        if not values["caller_type"]:
            raise ApplicationError(_("Choose who called before completing the record."), code="invalid")
        if not values["outcome"]:
            raise ApplicationError(_("Choose an outcome before completing the record."), code="invalid")
        if values["duration_seconds"] is None:
            if contact.handle_seconds is not None:
                values["duration_seconds"] = contact.handle_seconds
            elif contact.source == PhoneContact.Source.LOGGED:
                values["duration_seconds"] = int((now - contact.created_at).total_seconds())
    with transaction.atomic():
        # Lock the row: two saves of one record apply one after the other.
        contact = PhoneContact.objects.select_for_update().get(pk=contact.pk)
        if not contact.is_editable:
            raise ApplicationError(_("This call record is already completed."), code="closed")
        values.update(_refer(user, contact, resources, (email or "").strip()))
        if complete:
            values.update(status=S.COMPLETED, completed_at=now,
                          ended_at=contact.ended_at or now)
        if contact.specialist_id is None:
            values["specialist"] = user
        PhoneContact.objects.filter(pk=contact.pk).update(**values)
        contact.refresh_from_db()
        audit.record(user, "phone.contact_complete" if complete else "phone.contact_update", contact,
                     data={"outcome": contact.outcome, "urgent": contact.urgent,
                           "topics": contact.topics, "emailed": bool(email),
                           **({"specialist": contact.specialist_id}
                              if contact.specialist_id != user.pk else {})})
        events.contact(contact, "completed" if complete else "updated")
    return contact


def contact_update(user, token, **fields) -> PhoneContact:
    """Save the record as it stands (it stays open)."""
    return _save(user, token, complete=False, **fields)


def contact_complete(user, token, **fields) -> PhoneContact:
    """Save and close the record: who called and the outcome are then required."""
    return _save(user, token, complete=True, **fields)


def _normalize_number(number: str) -> str:
    from helpline.chat.forms import normalize_phone

    try:
        return normalize_phone(number)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), code="invalid") from None


def agent_line_set(user, *, phone_number: str, pin: str) -> tuple[PhoneAgent, str]:
    """Set one's agent-line number and PIN. Returns the agent and a one-time verification code.

    The number is verified when its owner calls the agent line from it and keys
    in the code; until then it cannot take calls.
    """
    selectors.check_can_log(user)
    number = _normalize_number(phone_number)
    if not (isinstance(pin, str) and pin.isdigit() and 4 <= len(pin) <= 8):
        raise ApplicationError(_("The PIN must be 4 to 8 digits."), code="invalid")
    taken = PhoneAgent.objects.filter(phone_number=number).exclude(user=user).exists()
    if taken:
        raise ApplicationError(_("This number is already another specialist's agent line."),
                               code="invalid")
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        agent, _created = PhoneAgent.objects.update_or_create(user=user, defaults={
            "phone_number": number, "pin_hash": make_password(pin),
            "verification_hash": make_password(code), "verified_at": None,
            "failed_attempts": 0, "locked_until": None,
        })
        audit.record(user, "phone.agent_line_set", agent)
        events.agent(user.pk, agent.is_busy)
    return agent, code


# --------------------------------------------------------------------------- voice: callers

def call_enqueue(call_sid: str, language: str, now: dt.datetime | None = None) -> PhoneContact:
    """A caller chose a language and joins that language's queue (idempotent by call)."""
    language = _clean_language(language)
    now = now or timezone.now()
    with transaction.atomic():
        contact, created = PhoneContact.objects.get_or_create(
            call_sid=call_sid[:64],
            defaults={"source": PhoneContact.Source.TWILIO, "status": S.QUEUED,
                      "language": language, "queued_at": now, "created_at": now},
        )
        if created:
            audit.record(None, "phone.call_queued", contact, data={"language": language})
            events.contact(contact, "queued")
    return contact


def call_connected(call_sid: str, agent_call_sid: str, queue_time=None,
                   now: dt.datetime | None = None) -> PhoneContact | None:
    """The caller was taken off the queue by a specialist's agent line."""
    now = now or timezone.now()
    agent = selectors.agent_by_call(agent_call_sid)
    with transaction.atomic():
        contact = PhoneContact.objects.select_for_update().filter(call_sid=call_sid).first()
        if contact is None or contact.status != S.QUEUED:
            return contact  # replayed, or a call we never queued
        wait = _seconds(queue_time)
        if wait is None and contact.queued_at:
            wait = int((now - contact.queued_at).total_seconds())
        PhoneContact.objects.filter(pk=contact.pk).update(
            status=S.ACTIVE, answered_at=now, wait_seconds=wait,
            specialist=agent.user if agent else None)
        contact.refresh_from_db()
        audit.record(agent.user if agent else None, "phone.call_connected", contact,
                     data={"wait_seconds": wait})
        events.contact(contact, "connected")
    return contact


def call_left_queue(call_sid: str, result: str, queue_time=None,
                    now: dt.datetime | None = None) -> PhoneContact | None:
    """The caller left the queue (Twilio's ``QueueResult``): a hang-up there is abandonment."""
    now = now or timezone.now()
    with transaction.atomic():
        contact = PhoneContact.objects.select_for_update().filter(call_sid=call_sid).first()
        if contact is None or contact.status != S.QUEUED:
            return contact
        if result not in ("hangup", "error", "system-error"):
            return contact
        wait = _seconds(queue_time)
        if wait is None and contact.queued_at:
            wait = int((now - contact.queued_at).total_seconds())
        PhoneContact.objects.filter(pk=contact.pk).update(status=S.ABANDONED, wait_seconds=wait,
                                                          ended_at=now)
        contact.refresh_from_db()
        audit.record(None, "phone.call_abandoned", contact, data={"wait_seconds": wait})
        events.contact(contact, "abandoned")
    return contact


def call_callback_requested(call_sid: str, from_number: str, language: str,
                            now: dt.datetime | None = None) -> PhoneContact:
    """The caller pressed the key for a callback: a request in the same queue as the web form.

    The caller's number goes to the callback request only (never on the call record).
    Pressing it again, or a replay, returns the same record and request.
    """
    from helpline.chat import services as chat_services

    language = _clean_language(language)
    now = now or timezone.now()
    contact = call_enqueue(call_sid, language, now)
    if contact.callback_id:
        return contact
    with transaction.atomic():
        contact = PhoneContact.objects.select_for_update().get(pk=contact.pk)
        if contact.callback_id:
            return contact
        if contact.status != S.QUEUED:
            raise ApplicationError(_("This call is no longer waiting."), code="closed")
        request = chat_services.callback_request_create(
            phone=from_number, language=language, preferred_time="asap",
            reason="Phone caller who waited in the queue", now=now)
        wait = int((now - contact.queued_at).total_seconds()) if contact.queued_at else None
        PhoneContact.objects.filter(pk=contact.pk).update(
            status=S.CALLBACK, callback_id=request.pk, outcome=PhoneContact.Outcome.CALLBACK_NEEDED,
            wait_seconds=wait, ended_at=now)
        contact.refresh_from_db()
        audit.record(None, "phone.call_callback_requested", contact,
                     data={"callback": request.pk})
        events.contact(contact, "callback")
    return contact


def call_ended(call_sid: str, call_status: str, duration=None,
               now: dt.datetime | None = None) -> PhoneContact | None:
    """A call status callback: closes (or creates) the call's record, frees an agent line.

    Idempotent: each (call, status) is applied once; a replay changes nothing.
    """
    now = now or timezone.now()
    if not call_sid or not _once(call_sid, f"status:{call_status}"[:40],
                                 {"duration": _seconds(duration)}):
        return selectors.contact_by_call(call_sid)
    if call_status not in ("completed", "busy", "no-answer", "canceled", "failed"):
        return selectors.contact_by_call(call_sid)
    if CallEvent.objects.filter(call_sid=call_sid, kind="agent-line").exists():
        agent = selectors.agent_by_call(call_sid)
        if agent is not None:
            _agent_free(agent, call_sid)
        return None
    with transaction.atomic():
        contact = PhoneContact.objects.select_for_update().filter(call_sid=call_sid).first()
        if contact is None:
            # Hung up in the greeting or the language menu: counted, never queued.
            contact = PhoneContact.objects.create(
                call_sid=call_sid[:64], source=PhoneContact.Source.TWILIO, status=S.ABANDONED,
                created_at=now, ended_at=now)
            audit.record(None, "phone.call_abandoned", contact, data={"in": "menu"})
            events.contact(contact, "abandoned")
            return contact
        if contact.status == S.QUEUED:
            wait = int((now - contact.queued_at).total_seconds()) if contact.queued_at else None
            PhoneContact.objects.filter(pk=contact.pk).update(status=S.ABANDONED, wait_seconds=wait,
                                                              ended_at=now)
            change = "abandoned"
        elif contact.status == S.ACTIVE:
            handle = contact.handle_seconds
            if handle is None and contact.answered_at:
                handle = int((now - contact.answered_at).total_seconds())
            PhoneContact.objects.filter(pk=contact.pk).update(status=S.ENDED, handle_seconds=handle,
                                                              ended_at=now)
            change = "ended"
        else:
            return contact
        contact.refresh_from_db()
        audit.record(None, f"phone.call_{change}", contact,
                     data={"call_status": call_status, "duration": _seconds(duration)})
        events.contact(contact, change)
    return contact


# --------------------------------------------------------------------------- voice: agents

def agent_line_called(call_sid: str) -> None:
    """Note that ``call_sid`` is a specialist calling the agent line (not a caller)."""
    _once(call_sid, "agent-line")


def agent_signed_in(call_sid: str, agent: PhoneAgent) -> None:
    """The PIN was right on this agent-line call: later steps of the call trust it."""
    if _once(call_sid, "agent-auth", {"agent": agent.pk}):
        audit.record(agent.user, "phone.agent_signed_in", agent)


def agent_identify(from_number: str) -> PhoneAgent | None:
    try:
        number = _normalize_number(from_number)
    except ApplicationError:
        return None
    return selectors.agent_by_number(number)


def _check_secret(agent: PhoneAgent, digits: str, hashed: str, action: str) -> bool:
    now = timezone.now()
    with transaction.atomic():
        agent = PhoneAgent.objects.select_for_update().get(pk=agent.pk)
        if agent.locked_until and agent.locked_until > now:
            audit.record(agent.user, f"{action}_locked", agent)
            return False
        ok = bool(digits) and bool(hashed) and check_password(digits, hashed)
        if ok:
            PhoneAgent.objects.filter(pk=agent.pk).update(failed_attempts=0, locked_until=None)
            return True
        failures = agent.failed_attempts + 1
        lock = now + dt.timedelta(minutes=LOCK_MINUTES) if failures >= MAX_PIN_FAILURES else None
        PhoneAgent.objects.filter(pk=agent.pk).update(failed_attempts=failures, locked_until=lock)
        audit.record(agent.user, f"{action}_failed", agent, data={"failures": failures})
    return False


def agent_verify(from_number: str, code: str) -> PhoneAgent | None:
    """Verify an agent line: its owner called from the number and keyed in the code."""
    agent = agent_identify(from_number)
    if agent is None or agent.is_verified:
        return agent
    if not _check_secret(agent, code, agent.verification_hash, "phone.agent_verify"):
        return None
    with transaction.atomic():
        PhoneAgent.objects.filter(pk=agent.pk).update(verified_at=timezone.now(),
                                                      verification_hash="")
        agent.refresh_from_db()
        audit.record(agent.user, "phone.agent_verified", agent)
    return agent


def agent_authenticate(from_number: str, pin: str) -> PhoneAgent | None:
    """A verified agent line and the right PIN, else None (failures audited, then locked)."""
    agent = agent_identify(from_number)
    if agent is None or not agent.is_verified:
        return None
    if not _check_secret(agent, pin, agent.pin_hash, "phone.agent_pin"):
        return None
    return agent


def agent_take_next(agent: PhoneAgent, agent_call_sid: str) -> str | None:
    """Pick the language queue whose first caller has waited longest; mark the agent busy.

    Returns that language, or None when nobody waits in the specialist's languages.
    """
    waiting = selectors.waiting_languages(selectors.agent_languages(agent))
    if not waiting:
        return None
    language = waiting[0][0]
    with transaction.atomic():
        PhoneAgent.objects.filter(pk=agent.pk).update(busy_call_sid=agent_call_sid[:64],
                                                      busy_since=timezone.now())
        audit.record(agent.user, "phone.agent_take", agent, data={"language": language})
        events.agent(agent.user_id, True)
    return language


def agent_call_ended(agent_call_sid: str, dequeued_call_sid: str = "", duration=None,
                     now: dt.datetime | None = None) -> PhoneContact | None:
    """The agent line's bridge to a caller ended: record the handle time, free the agent."""
    now = now or timezone.now()
    contact = None
    if dequeued_call_sid and _once(dequeued_call_sid, "agent-done", {"agent": agent_call_sid}):
        with transaction.atomic():
            contact = PhoneContact.objects.select_for_update().filter(
                call_sid=dequeued_call_sid).first()
            if contact is not None and contact.status == S.ACTIVE:
                handle = _seconds(duration)
                if handle is None and contact.answered_at:
                    handle = int((now - contact.answered_at).total_seconds())
                PhoneContact.objects.filter(pk=contact.pk).update(
                    status=S.ENDED, handle_seconds=handle, ended_at=now)
                contact.refresh_from_db()
                audit.record(contact.specialist, "phone.call_ended", contact,
                             data={"handle_seconds": handle})
                events.contact(contact, "ended")
    agent = selectors.agent_by_call(agent_call_sid)
    if agent is not None:
        _agent_free(agent, agent_call_sid)
    return contact or selectors.contact_by_call(dequeued_call_sid)


def _agent_free(agent: PhoneAgent, call_sid: str) -> None:
    with transaction.atomic():
        freed = PhoneAgent.objects.filter(pk=agent.pk, busy_call_sid=call_sid).update(
            busy_call_sid="", busy_since=None)
        if freed:
            audit.record(agent.user, "phone.agent_free", agent)
            events.agent(agent.user_id, False)


def agent_line_verify_by_operator(agent: PhoneAgent, *, note: str = "") -> PhoneAgent:
    """An operator (``helpline phoneagent --verified``) vouches for the number without a test call."""
    with transaction.atomic():
        PhoneAgent.objects.filter(pk=agent.pk).update(verified_at=timezone.now(),
                                                      verification_hash="")
        agent.refresh_from_db()
        audit.record(None, "phone.agent_verified", agent, data={"by": "operator", "note": note[:200]})
    return agent
