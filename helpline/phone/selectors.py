"""Reads for the phone line: contacts, agent lines, the phone queue, and dashboard figures.

Dashboard figures are aggregate SQL (no Python loop over rows); they take any
period object with ``bounds`` (aware start, exclusive end) and ``language``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import ExtractHour
from django.utils import timezone
from django.utils.translation import gettext as _

from helpline.common.exceptions import ApplicationError, NotAllowed

from .models import PhoneAgent, PhoneContact

LANGUAGES = ("en", "es")
DEFAULTS = {
    "PUBLIC_URL": "",
    "TRUST_FORWARDED": False,
    "RECORDING": False,
    "HOLD_AUDIO_URL": "",
    "ANNOUNCE_EVERY_SECONDS": 30,
    "CALLBACK_OFFER_AFTER_SECONDS": 120,
    "QUEUE_PREFIX": "helpline",
}


def phone_setting(name: str):
    return {**DEFAULTS, **(getattr(settings, "HELPLINE_PHONE", None) or {})}[name]


def voice_configured() -> bool:
    """Both Twilio credentials are set: the voice webhooks answer calls."""
    return bool(getattr(settings, "TWILIO_ACCOUNT_SID", "")
                and getattr(settings, "TWILIO_AUTH_TOKEN", ""))


def queue_name(language: str) -> str:
    return f"{phone_setting('QUEUE_PREFIX')}-{language}"


# --- permissions -------------------------------------------------------------------

def can_log(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm("phone.add_phonecontact"))


def can_see_all(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)
                and user.has_perm("phone.view_phonecontact"))


def can_edit(user, contact: PhoneContact) -> bool:
    """Specialists their own calls; supervisors any call."""
    if can_see_all(user) and user.has_perm("phone.change_phonecontact"):
        return True
    return (can_log(user) and user.has_perm("phone.change_phonecontact")
            and contact.specialist_id == user.pk)


def check_can_log(user) -> None:
    if not can_log(user):
        raise NotAllowed(_("Only specialists and supervisors can log calls."))


# --- contacts ----------------------------------------------------------------------

def contact_by_token(token) -> PhoneContact | None:
    import uuid

    try:
        token = uuid.UUID(str(token))
    except ValueError:
        return None
    return PhoneContact.objects.filter(token=token).first()


def contact_for(user, token) -> PhoneContact:
    """The contact if ``user`` may see it (own, or any for supervisors)."""
    check_can_log(user)
    contact = contact_by_token(token)
    if contact is None:
        raise ApplicationError(_("This call record does not exist."), code="not_found")
    if contact.specialist_id != user.pk and not can_see_all(user):
        raise NotAllowed(_("This call record belongs to another specialist."))
    return contact


def contacts_for(user, limit: int = 50) -> dict:
    """Calls to complete first, then recent ones: one's own, or everyone's for supervisors."""
    check_can_log(user)
    qs = PhoneContact.objects.select_related("specialist")
    if not can_see_all(user):
        qs = qs.filter(specialist=user)
    open_statuses = (PhoneContact.Status.ACTIVE, PhoneContact.Status.ENDED)
    return {
        "to_complete": list(qs.filter(status__in=open_statuses).order_by("created_at")[:limit]),
        "recent": list(qs.exclude(status__in=open_statuses).order_by("-created_at")[:limit]),
        "queued": list(PhoneContact.objects.filter(status=PhoneContact.Status.QUEUED)
                       .order_by("queued_at")[:limit]) if can_see_all(user) else [],
    }


def contact_for_callback(callback_id) -> PhoneContact | None:
    return PhoneContact.objects.filter(callback_id=callback_id).order_by("-created_at").first()


def contact_by_call(call_sid: str) -> PhoneContact | None:
    return PhoneContact.objects.filter(call_sid=call_sid).first() if call_sid else None


def waiting_languages(languages) -> list[tuple[str, object]]:
    """(language, oldest queued_at) of the phone queues with callers, longest wait first."""
    rows = (PhoneContact.objects.filter(status=PhoneContact.Status.QUEUED, language__in=list(languages))
            .values("language").annotate(n=Count("id")).order_by())
    oldest = []
    for row in rows:
        first = (PhoneContact.objects.filter(status=PhoneContact.Status.QUEUED,
                                             language=row["language"])
                 .order_by("queued_at").values_list("queued_at", flat=True).first())
        oldest.append((row["language"], first))
    return sorted(oldest, key=lambda item: item[1])


# --- agent lines ---------------------------------------------------------------------

def agent_for_user(user) -> PhoneAgent | None:
    return PhoneAgent.objects.filter(user=user).first() if getattr(user, "pk", None) else None


def agent_by_number(number: str) -> PhoneAgent | None:
    return PhoneAgent.objects.select_related("user").filter(phone_number=number).first()


def agent_by_call(call_sid: str) -> PhoneAgent | None:
    if not call_sid:
        return None
    return PhoneAgent.objects.select_related("user").filter(busy_call_sid=call_sid).first()


def agent_for_call(call_sid: str) -> PhoneAgent | None:
    """The agent whose PIN was accepted on this agent-line call, if any."""
    from .models import CallEvent

    event = CallEvent.objects.filter(call_sid=call_sid, kind="agent-auth").first()
    if event is None:
        return None
    return PhoneAgent.objects.select_related("user").filter(pk=event.data.get("agent")).first()


def agent_languages(agent: PhoneAgent) -> list[str]:
    """The languages the specialist serves (their chat status), English when unset."""
    from helpline.chat.selectors import specialist_languages

    languages = [lang for lang in specialist_languages(agent.user_id) if lang in LANGUAGES]
    return languages or ["en"]


# --- triage signs ---------------------------------------------------------------------

def urgent_signs(language: str) -> list[dict]:
    """The urgent signs of the answers app's triage, with the reviewed message for each."""
    from helpline.answers.triage import URGENT_SIGNS, urgent_message

    lang = "es" if language == "es" else "en"
    return [{"code": sign.code, "label": sign.label(lang), "category": sign.category,
             "message": urgent_message(sign.category, lang)} for sign in URGENT_SIGNS]


def urgent_message_for(codes, language: str) -> str:
    """The triage message(s) for the chosen signs, each category once."""
    seen, messages = set(), []
    for sign in urgent_signs(language):
        if sign["code"] in codes and sign["category"] not in seen:
            seen.add(sign["category"])
            messages.append(sign["message"])
    return "\n\n".join(messages)


# --- dashboard -----------------------------------------------------------------------

def _in_period(period):
    first, after = period.bounds
    qs = PhoneContact.objects.filter(created_at__gte=first, created_at__lt=after)
    if getattr(period, "language", None):
        qs = qs.filter(language=period.language)
    return qs.order_by()


def _where(period) -> tuple[str, list]:
    first, after = period.bounds
    adapt = connection.ops.adapt_datetimefield_value
    sql = "created_at >= %s AND created_at < %s"
    params: list = [adapt(first), adapt(after)]
    if getattr(period, "language", None):
        sql += " AND language = %s"
        params.append(period.language)
    return sql, params


def phone_totals(period) -> dict:
    """Calls in the period by source and state, and the urgent ones."""
    S = PhoneContact.Status
    totals = _in_period(period).aggregate(
        total=Count("id"),
        logged=Count("id", filter=Q(source=PhoneContact.Source.LOGGED)),
        voice=Count("id", filter=Q(source=PhoneContact.Source.TWILIO)),
        completed=Count("id", filter=Q(status=S.COMPLETED)),
        to_complete=Count("id", filter=Q(status__in=(S.ACTIVE, S.ENDED))),
        abandoned=Count("id", filter=Q(status=S.ABANDONED)),
        callback=Count("id", filter=Q(status=S.CALLBACK)),
        urgent=Count("id", filter=Q(urgent=True)),
    )
    return {key: value or 0 for key, value in totals.items()}


def phone_by_topic(period) -> list[tuple[str, int]]:
    where, params = _where(period)
    if connection.vendor == "postgresql":
        sql = ("SELECT t.topic, COUNT(*) FROM phone_phonecontact c "
               "CROSS JOIN LATERAL jsonb_array_elements_text(c.topics) AS t(topic) "
               f"WHERE {where} AND c.topics <> '[]'::jsonb GROUP BY t.topic ORDER BY 2 DESC, 1")
    else:
        sql = ("SELECT j.value, COUNT(*) FROM phone_phonecontact c, json_each(c.topics) j "
               f"WHERE {where} GROUP BY j.value ORDER BY 2 DESC, 1")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    from helpline.chat.selectors import wrapup_topic_labels

    labels = wrapup_topic_labels()
    return [(labels.get(code, code), n) for code, n in rows]


def _percentiles(period, column: str, extra_where: str) -> dict:
    where, params = _where(period)
    where = f"{where} AND {extra_where}"
    if connection.vendor == "postgresql":
        sql = ("SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY s), "
               "percentile_disc(0.9) WITHIN GROUP (ORDER BY s), COUNT(*) FROM ("
               f"SELECT {column} AS s FROM phone_phonecontact WHERE {where}) w")
    else:
        sql = (f"WITH w AS (SELECT {column} AS s FROM phone_phonecontact WHERE {where}), "
               "r AS (SELECT s, ROW_NUMBER() OVER (ORDER BY s) AS rn, COUNT(*) OVER () AS n FROM w) "
               "SELECT MIN(CASE WHEN rn >= 0.5 * n THEN s END), "
               "MIN(CASE WHEN rn >= 0.9 * n THEN s END), COUNT(*) FROM r")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        p50, p90, count = cursor.fetchone()
    return {"p50": None if p50 is None else int(p50), "p90": None if p90 is None else int(p90),
            "count": count or 0}


DURATION_SQL = "COALESCE(duration_seconds, handle_seconds)"


def phone_durations(period) -> dict:
    """Call length (recorded duration, else the handle time) and queue wait, p50/p90 seconds."""
    return {
        "duration": _percentiles(period, DURATION_SQL, f"{DURATION_SQL} IS NOT NULL"),
        "wait": _percentiles(period, "wait_seconds", "wait_seconds IS NOT NULL"),
    }


def phone_by_language(period) -> list[tuple[str, int]]:
    rows = _in_period(period).values("language").annotate(n=Count("id")).order_by("-n", "language")
    return [(row["language"], row["n"]) for row in rows]


def phone_by_hour(period) -> list[tuple[int, int]]:
    """Calls per local hour of the day (0-23, every hour listed)."""
    rows = dict(
        _in_period(period).annotate(h=ExtractHour("created_at", tzinfo=timezone.get_default_timezone()))
        .values("h").annotate(n=Count("id")).values_list("h", "n")
    )
    return [(hour, rows.get(hour, 0)) for hour in range(24)]


def phone_summary(period) -> dict:
    return {
        "totals": phone_totals(period),
        "topics": phone_by_topic(period),
        "durations": phone_durations(period),
        "languages": phone_by_language(period),
        "hours": phone_by_hour(period),
    }


def phone_csv_rows(period) -> tuple[list[str], list[list]]:
    """The phone figures as one CSV: (section, key, value) rows."""
    summary = phone_summary(period)
    rows = [["totals", key, value] for key, value in summary["totals"].items()]
    for name, figures in summary["durations"].items():
        rows += [[f"{name} seconds", "p50", figures["p50"]], [f"{name} seconds", "p90", figures["p90"]],
                 [f"{name} seconds", "count", figures["count"]]]
    rows += [["topic", label, n] for label, n in summary["topics"]]
    rows += [["language", lang, n] for lang, n in summary["languages"]]
    rows += [["hour", f"{hour:02d}", n] for hour, n in summary["hours"]]
    return ["section", "key", "value"], rows
