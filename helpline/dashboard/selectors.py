"""Supervisor dashboard figures: aggregate SQL only, never a Python loop over rows.

Every figure is for a period (local dates, both ends included) and an optional
language. ``check_can_view_dashboard`` guards every entry point.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Avg, Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from helpline.chat import selectors as chat_selectors
from helpline.common.exceptions import NotAllowed
from helpline.phone import selectors as phone_selectors

PERMISSION = "dashboard.view_dashboard"
UNANSWERED_LIMIT = 25


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    language: str | None = None  # "en", "es" or None for all

    @property
    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        tz = timezone.get_default_timezone()
        first = dt.datetime.combine(self.start, dt.time(), tzinfo=tz)
        after = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), tzinfo=tz)
        return first, after


def check_can_view_dashboard(user) -> None:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(PERMISSION):
        raise NotAllowed(_("Only supervisors can see the dashboard."))


def _conversations(period: Period):
    from helpline.chat.models import Conversation

    first, after = period.bounds
    qs = Conversation.objects.filter(created_at__gte=first, created_at__lt=after)
    if period.language:
        qs = qs.filter(language=period.language)
    return qs.order_by()


def _conversation_where(period: Period) -> tuple[str, list]:
    """The period/language filter as SQL on chat_conversation, for the raw queries."""
    first, after = period.bounds
    adapt = connection.ops.adapt_datetimefield_value
    sql = "created_at >= %s AND created_at < %s"
    params: list = [adapt(first), adapt(after)]
    if period.language:
        sql += " AND language = %s"
        params.append(period.language)
    return sql, params


def conversation_totals(period: Period) -> dict:
    """Channel counts, abandonment and ratings in one scan of the period's conversations."""
    chat = Q(channel="chat")
    aggregates = {
        "chat": Count("id", filter=chat),
        "callback": Count("id", filter=Q(channel="callback")),
        "ended": Count("id", filter=chat & ~Q(status="waiting")),
        "abandoned": Count("id", filter=chat & Q(status="abandoned")),
        "rated": Count("rating"),
        "rating_avg": Avg("rating"),
    }
    for score in range(1, 6):
        aggregates[f"r{score}"] = Count("id", filter=Q(rating=score))
    if connection.vendor == "postgresql":
        return _conversation_totals_postgres(period, list(aggregates))
    return _conversations(period).aggregate(**aggregates)


_PG_TOTALS = {
    "chat": "COUNT(*) FILTER (WHERE channel = 'chat')",
    "callback": "COUNT(*) FILTER (WHERE channel = 'callback')",
    "ended": "COUNT(*) FILTER (WHERE channel = 'chat' AND status <> 'waiting')",
    "abandoned": "COUNT(*) FILTER (WHERE channel = 'chat' AND status = 'abandoned')",
    "rated": "COUNT(rating)",
    "rating_avg": "AVG(rating)::float8",
    **{f"r{n}": f"COUNT(*) FILTER (WHERE rating = {n})" for n in range(1, 6)},
}
_PG_WAIT = "EXTRACT(EPOCH FROM (accepted_at - queued_at))"
_PG_WAITED = "channel = 'chat' AND accepted_at IS NOT NULL"


def _conversation_totals_postgres(period: Period, keys: list[str]) -> dict:
    """On PostgreSQL the wait percentiles join the same single scan (ordered-set + FILTER)."""
    where, params = _conversation_where(period)
    columns = [_PG_TOTALS[key] for key in keys] + [
        f"percentile_disc(0.5) WITHIN GROUP (ORDER BY {_PG_WAIT}) FILTER (WHERE {_PG_WAITED})",
        f"percentile_disc(0.9) WITHIN GROUP (ORDER BY {_PG_WAIT}) FILTER (WHERE {_PG_WAITED})",
        f"COUNT(*) FILTER (WHERE {_PG_WAITED})",
    ]
    sql = f"SELECT {', '.join(columns)} FROM chat_conversation WHERE {where}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    totals = dict(zip(keys, row[: len(keys)], strict=True))
    totals["waits"] = _wait_result(*row[len(keys):])
    return totals


def _wait_result(p50, p90, count) -> dict:
    return {
        "p50": None if p50 is None else round(float(p50), 1),
        "p90": None if p90 is None else round(float(p90), 1),
        "count": count or 0,
    }


def contacts_by_channel(period: Period, totals: dict | None = None) -> list[tuple[str, int]]:
    from helpline.chat.models import Conversation

    totals = totals or conversation_totals(period)
    rows = [(str(label), totals[value] or 0) for value, label in Conversation.Channel.choices]
    return [*rows, (_("Phone call"), phone_selectors.phone_totals(period)["total"])]


def contacts_by_topic(period: Period) -> list[tuple[str, int]]:
    """Wrap-up topics (a JSON list per conversation) counted by the database."""
    where, params = _conversation_where(period)
    if connection.vendor == "postgresql":
        sql = (
            "SELECT t.topic, COUNT(*) FROM chat_conversation c "
            "CROSS JOIN LATERAL jsonb_array_elements_text(c.topics) AS t(topic) "
            f"WHERE {where} AND c.topics <> '[]'::jsonb GROUP BY t.topic ORDER BY 2 DESC, 1"
        )
    else:
        sql = (
            "SELECT j.value, COUNT(*) FROM chat_conversation c, json_each(c.topics) j "
            f"WHERE {where} GROUP BY j.value ORDER BY 2 DESC, 1"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    labels = _topic_labels()
    return [(labels.get(code, code), n) for code, n in rows]


def _topic_labels() -> dict[str, str]:
    from helpline.chat.selectors import wrapup_topic_labels

    return wrapup_topic_labels(_lang())


def _lang() -> str:
    from django.utils import translation

    return (translation.get_language() or "en")[:2]


def wait_times(period: Period, totals: dict | None = None) -> dict:
    """Seconds from joining the chat queue to a specialist accepting (nearest-rank p50/p90)."""
    if totals and "waits" in totals:
        return totals["waits"]
    where, params = _conversation_where(period)
    where += " AND channel = 'chat' AND accepted_at IS NOT NULL"
    if connection.vendor == "postgresql":
        sql = (
            "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY s), "
            "percentile_disc(0.9) WITHIN GROUP (ORDER BY s), COUNT(*) FROM ("
            "SELECT EXTRACT(EPOCH FROM (accepted_at - queued_at)) AS s FROM chat_conversation "
            f"WHERE {where}) w"
        )
    else:
        sql = (
            "WITH w AS (SELECT (julianday(accepted_at) - julianday(queued_at)) * 86400.0 AS s "
            f"FROM chat_conversation WHERE {where}), "
            "r AS (SELECT s, ROW_NUMBER() OVER (ORDER BY s) AS rn, COUNT(*) OVER () AS n FROM w) "
            "SELECT MIN(CASE WHEN rn >= 0.5 * n THEN s END), "
            "MIN(CASE WHEN rn >= 0.9 * n THEN s END), COUNT(*) FROM r"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return _wait_result(*cursor.fetchone())


def abandonment(period: Period, totals: dict | None = None) -> dict:
    """Chats that ended before a specialist joined, out of all chats that left the queue."""
    totals = totals or conversation_totals(period)
    ended = totals["ended"] or 0
    rate = (totals["abandoned"] / ended) if ended else None
    return {"ended": ended, "abandoned": totals["abandoned"] or 0,
            "rate": None if rate is None else round(100 * rate, 1)}


def handled_per_specialist(period: Period) -> list[dict]:
    """Closed conversations per specialist (grouped by id first, then the few names)."""
    from django.contrib.auth import get_user_model

    rows = list(
        _conversations(period).filter(status="closed", assigned_to__isnull=False)
        .values("assigned_to")
        .annotate(n=Count("id"), chats=Count("id", filter=Q(channel="chat")),
                  callbacks=Count("id", filter=Q(channel="callback")), avg_rating=Avg("rating"))
    )
    users = {
        u["id"]: u for u in get_user_model().objects.filter(
            pk__in=[r["assigned_to"] for r in rows]
        ).values("id", "username", "first_name", "last_name")
    }
    result = []
    for r in rows:
        user = users[r["assigned_to"]]
        result.append({
            "name": f"{user['first_name']} {user['last_name']}".strip() or user["username"],
            "username": user["username"], "handled": r["n"], "chats": r["chats"],
            "callbacks": r["callbacks"],
            "avg_rating": None if r["avg_rating"] is None else round(r["avg_rating"], 2),
        })
    result.sort(key=lambda row: (-row["handled"], row["username"]))
    return result


def ratings(period: Period, totals: dict | None = None) -> dict:
    totals = totals or conversation_totals(period)
    average = totals["rating_avg"]
    return {
        "distribution": [(str(score), totals[f"r{score}"] or 0) for score in range(5, 0, -1)],
        "count": totals["rated"] or 0,
        "average": None if average is None else round(average, 2),
    }


def _questions(period: Period):
    from helpline.answers.models import QuestionLog

    first, after = period.bounds
    qs = QuestionLog.objects.filter(created_at__gte=first, created_at__lt=after)
    if period.language:
        qs = qs.filter(lang=period.language)
    return qs.order_by()


def answer_use(period: Period) -> dict:
    totals = _questions(period).aggregate(
        total=Count("id"),
        answered=Count("id", filter=Q(status="answered")),
        no_answer=Count("id", filter=Q(status="no_answer")),
        urgent=Count("id", filter=Q(status="urgent")),
        handed_off=Count("id", filter=Q(handed_off=True)),
    )
    return {key: value or 0 for key, value in totals.items()}


def unanswered_questions(period: Period, limit: int = UNANSWERED_LIMIT) -> list[dict]:
    """The most-asked questions the content did not answer, scrubbed again for display."""
    from helpline.common.privacy import scrub

    rows = (
        # No reviewed answer, or the person said the answer did not help.
        _questions(period).filter(Q(status="no_answer") | Q(helpful=False))
        .values("question", "lang")
        .annotate(n=Count("id"), last=Max("created_at")).order_by("-n", "-last")[:limit]
    )
    return [{"question": scrub(r["question"]), "lang": r["lang"], "count": r["n"],
             "last_asked": r["last"]} for r in rows]


def helpful_votes(period: Period) -> dict:
    """ "Was this helpful?": answers overall and each article version, votes given in the period."""
    from helpline.answers.selectors import answer_feedback_counts
    from helpline.articles.selectors import article_feedback_counts

    first, after = period.bounds
    return {
        "answers": answer_feedback_counts(since=first, until=after, language=period.language),
        "articles": article_feedback_counts(since=first, until=after, language=period.language),
    }


def referrals_by_need(period: Period) -> list[tuple[str, int]]:
    from helpline.resources.selectors import referral_totals_by_need

    first, after = period.bounds
    return referral_totals_by_need(since=first, until=after, language=period.language)


# --- Daily series ------------------------------------------------------------

def _days(period: Period) -> list[dt.date]:
    return [period.start + dt.timedelta(days=n) for n in range((period.end - period.start).days + 1)]


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def daily_contacts(period: Period) -> list[dict]:
    """Chats and callbacks per local day, every day of the period (zeros included)."""
    from django.db.models.functions import TruncDate

    rows = (
        _conversations(period)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_default_timezone()))
        .values("day")
        .annotate(chat=Count("id", filter=Q(channel="chat")),
                  callback=Count("id", filter=Q(channel="callback")))
    )
    by_day = {_as_date(r["day"]): r for r in rows}
    return [{"day": day, "chat": by_day.get(day, {}).get("chat", 0),
             "callback": by_day.get(day, {}).get("callback", 0)} for day in _days(period)]


def daily_waits(period: Period) -> list[dict]:
    """Nearest-rank p50/p90 of the chat wait (seconds) per local day, as ``wait_times``."""
    where, params = _conversation_where(period)
    where += " AND channel = 'chat' AND accepted_at IS NOT NULL"
    tz = str(timezone.get_default_timezone())
    if connection.vendor == "postgresql":
        sql = (
            "SELECT (created_at AT TIME ZONE %s)::date AS day, "
            "percentile_disc(0.5) WITHIN GROUP (ORDER BY s), "
            "percentile_disc(0.9) WITHIN GROUP (ORDER BY s), COUNT(*) FROM ("
            "SELECT created_at, EXTRACT(EPOCH FROM (accepted_at - queued_at)) AS s "
            f"FROM chat_conversation WHERE {where}) w GROUP BY 1 ORDER BY 1"
        )
        params = [tz, *params]
    else:
        # Django's own SQLite function turns a stored UTC time into a local date.
        sql = (
            "WITH w AS (SELECT django_datetime_cast_date(created_at, %s, %s) AS day, "
            "(julianday(accepted_at) - julianday(queued_at)) * 86400.0 AS s "
            f"FROM chat_conversation WHERE {where}), "
            "r AS (SELECT day, s, ROW_NUMBER() OVER (PARTITION BY day ORDER BY s) AS rn, "
            "COUNT(*) OVER (PARTITION BY day) AS n FROM w) "
            "SELECT day, MIN(CASE WHEN rn >= 0.5 * n THEN s END), "
            "MIN(CASE WHEN rn >= 0.9 * n THEN s END), COUNT(*) FROM r GROUP BY day ORDER BY day"
        )
        params = [tz, connection.timezone_name, *params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        by_day = {_as_date(day): _wait_result(p50, p90, n) for day, p50, p90, n in cursor.fetchall()}
    empty = {"p50": None, "p90": None, "count": 0}
    return [{"day": day, **by_day.get(day, empty)} for day in _days(period)]


def daily_answers(period: Period) -> list[dict]:
    """Answer service outcomes per local day."""
    from django.db.models.functions import TruncDate

    rows = (
        _questions(period)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_default_timezone()))
        .values("day")
        .annotate(answered=Count("id", filter=Q(status="answered")),
                  no_answer=Count("id", filter=Q(status="no_answer")),
                  urgent=Count("id", filter=Q(status="urgent")))
    )
    by_day = {_as_date(r["day"]): r for r in rows}
    return [{"day": day, **{key: by_day.get(day, {}).get(key, 0)
                            for key in ("answered", "no_answer", "urgent")}}
            for day in _days(period)]


def dashboard_summary(user, period: Period) -> dict:
    """Every figure of the dashboard (supervisors only)."""
    check_can_view_dashboard(user)
    totals = conversation_totals(period)
    return {
        "period": period,
        "channels": contacts_by_channel(period, totals),
        "topics": contacts_by_topic(period),
        "waits": wait_times(period, totals),
        "abandonment": abandonment(period, totals),
        "specialists": handled_per_specialist(period),
        "ratings": ratings(period, totals),
        "answers": answer_use(period),
        "unanswered": unanswered_questions(period),
        "helpful": helpful_votes(period),
        "referrals": referrals_by_need(period),
        "phone": phone_selectors.phone_summary(period),

        "daily": {"contacts": daily_contacts(period), "waits": daily_waits(period),
                  "answers": daily_answers(period)},
    }


def live_panel(user) -> dict:
    """The live panel's first render: specialists on duty, the queue and the longest wait
    per language (``chat.selectors.live_summary``, the same numbers the console socket's
    ``live_summary`` frames carry), and the socket path the page follows, or None when
    this person gets no live updates (the panel is then as of the page's time)."""
    check_can_view_dashboard(user)
    return {"summary": chat_selectors.live_summary(),
            "socket": chat_selectors.live_panel_socket(user)}


SECTIONS = ("channels", "topics", "waits", "specialists", "ratings", "answers", "unanswered",
            "helpful", "referrals", "phone", "daily-contacts", "daily-waits", "daily-answers")


def section_rows(user, period: Period, section: str) -> tuple[list[str], list[list]]:
    """One section as a header and rows, for its CSV download."""
    check_can_view_dashboard(user)
    if section == "channels":
        return ["channel", "contacts"], [list(r) for r in contacts_by_channel(period)]
    if section == "topics":
        return ["topic", "contacts"], [list(r) for r in contacts_by_topic(period)]
    if section == "waits":
        w, a = wait_times(period), abandonment(period)
        return ["measure", "value"], [
            ["accepted chats", w["count"]], ["wait p50 seconds", w["p50"]],
            ["wait p90 seconds", w["p90"]], ["chats ended", a["ended"]],
            ["chats abandoned", a["abandoned"]], ["abandonment rate percent", a["rate"]],
        ]
    if section == "specialists":
        return ["specialist", "username", "handled", "chats", "callbacks", "average rating"], [
            [r["name"], r["username"], r["handled"], r["chats"], r["callbacks"], r["avg_rating"]]
            for r in handled_per_specialist(period)
        ]
    if section == "ratings":
        return ["rating", "conversations"], [list(r) for r in ratings(period)["distribution"]]
    if section == "answers":
        use = answer_use(period)
        return ["outcome", "questions"], [[key, use[key]] for key in
                                          ("total", "answered", "no_answer", "urgent", "handed_off")]
    if section == "unanswered":
        return ["question", "language", "times asked", "last asked"], [
            [r["question"], r["lang"], r["count"], timezone.localtime(r["last_asked"]).isoformat()]
            for r in unanswered_questions(period, limit=1000)
        ]
    if section == "helpful":
        votes = helpful_votes(period)
        answers = votes["answers"]
        return ["what", "language", "yes", "no", "helpful percent"], [
            ["answers", period.language or "all", answers["yes"], answers["no"], answers["rate"]],
            *[[f"article {r['article_key']}: {r['title']}", r["language"], r["yes"], r["no"],
               r["rate"]] for r in votes["articles"]],
        ]
    if section == "referrals":
        return ["need", "resources referred"], [list(r) for r in referrals_by_need(period)]
    if section == "phone":
        return phone_selectors.phone_csv_rows(period)

    if section == "daily-contacts":
        return ["date", "chats", "callbacks", "contacts"], [
            [r["day"].isoformat(), r["chat"], r["callback"], r["chat"] + r["callback"]]
            for r in daily_contacts(period)
        ]
    if section == "daily-waits":
        return ["date", "accepted chats", "wait p50 seconds", "wait p90 seconds"], [
            [r["day"].isoformat(), r["count"], r["p50"], r["p90"]] for r in daily_waits(period)
        ]
    if section == "daily-answers":
        return ["date", "answered", "no_answer", "urgent"], [
            [r["day"].isoformat(), r["answered"], r["no_answer"], r["urgent"]]
            for r in daily_answers(period)
        ]
    raise ValueError(section)
