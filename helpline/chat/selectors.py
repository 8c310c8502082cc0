"""Reads for chat: the queue, positions and waits, presence, history, visibility.

Ordering rule of the one queue (chats and callbacks together): urgent first,
then oldest ``queued_at`` first, then id. Positions shown to a visitor count
only conversations in the same language (the people who can serve them).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from helpline.common.exceptions import ApplicationError, NotAllowed

from .models import Conversation, Message, SpecialistStatus

log = logging.getLogger(__name__)

DEFAULTS = {
    # A console not heard from for this long is not available for routing.
    "PRESENCE_GRACE_SECONDS": 30,
    # A waiting visitor whose socket has been gone this long is "abandoned".
    "ABANDON_GRACE_SECONDS": 60,
    # How often each server process touches presence and recomputes the queue.
    "TICK_SECONDS": 5,
    # Shortest pause between two queue pushes from one process.
    "QUEUE_PUSH_DEBOUNCE_SECONDS": 0.5,
    "MAX_MESSAGE_CHARS": 4000,
    "MAX_FRAME_BYTES": 16384,
    # Per-connection flood limit: a token bucket of RATE_BURST frames refilled at RATE_PER_SECOND.
    "RATE_PER_SECOND": 5.0,
    "RATE_BURST": 20,
    # Accepts in this window give the queue's service rate for wait estimates.
    "WAIT_ESTIMATE_WINDOW_MINUTES": 60,
    "QUEUE_SNAPSHOT_LIMIT": 200,
    # The one per-specialist chat limit: its default, and the highest a specialist may set.
    "MAX_CONCURRENT": 3,
    "MAX_CONCURRENT_LIMIT": 10,
    # Share of one core the urgent second net on chat lines may use (chat.triage_net); 0 = off.
    "TRIAGE_NET_DUTY": 0.25,
}


def chat_setting(name: str):
    """A chat setting: ``settings.HELPLINE_CHAT[name]`` or its default (read at call time)."""
    return {**DEFAULTS, **getattr(settings, "HELPLINE_CHAT", {})}[name]


QUEUE_ORDER = ("-urgent", "queued_at", "id")


def conversation_by_token(token) -> Conversation | None:
    """The conversation for a visitor token, or None (bad or unknown tokens alike)."""
    try:
        value = token if isinstance(token, uuid.UUID) else uuid.UUID(str(token))
    except (ValueError, TypeError, AttributeError):
        return None
    return Conversation.objects.select_related("assigned_to").filter(token=value).first()


def conversation_by_id(conversation_id) -> Conversation | None:
    """The conversation for a staff reference (its numeric id), or None.

    Staff pages, sockets and queue snapshots name conversations by id; the token
    is the visitor's and is never shown to staff.
    """
    try:
        value = int(str(conversation_id))
    except (ValueError, TypeError):
        return None
    if value <= 0 or value > 2**62:
        return None
    return Conversation.objects.select_related("assigned_to").filter(pk=value).first()


VISITOR_SESSION_KEY = "chat_token"  # the visitor's browser session: the chat it started


def session_holds_conversation(session, token) -> bool:
    """Did this browser session start the chat ``token``? (The visitor's only credential.)"""
    if session is None or not token:
        return False
    held = session.get(VISITOR_SESSION_KEY)
    if not held:
        return False
    try:
        return uuid.UUID(str(held)) == uuid.UUID(str(token))
    except (ValueError, TypeError, AttributeError):
        return False


def waiting_queue(languages: Iterable[str] | None = None):
    """Waiting conversations and callbacks in queue order (urgent, then oldest)."""
    qs = Conversation.objects.filter(status=Conversation.Status.WAITING)
    if languages is not None:
        qs = qs.filter(language__in=list(languages))
    return qs.order_by(*QUEUE_ORDER)


def queue_for(user, limit: int | None = None) -> list[Conversation]:
    """What this staff member may see in the queue: their languages (supervisors: all)."""
    from helpline.accounts.roles import SUPERVISOR, has_role

    limit = limit or chat_setting("QUEUE_SNAPSHOT_LIMIT")
    if has_role(user, SUPERVISOR):
        qs = waiting_queue()
    else:
        status = SpecialistStatus.objects.filter(user=user).first()
        qs = waiting_queue(status.languages if status else [])
        qs = qs.filter(Q(transfer_to__isnull=True) | Q(transfer_to=user))
    return list(qs.select_related("transfer_to")[:limit])


def active_for(user) -> list[Conversation]:
    """Conversations assigned to ``user`` and still active, oldest first."""
    return list(
        Conversation.objects.filter(assigned_to=user, status=Conversation.Status.ACTIVE)
        .order_by("accepted_at", "id")
    )


def active_count(user) -> int:
    return Conversation.objects.filter(assigned_to=user, status=Conversation.Status.ACTIVE).count()


def messages_after(conversation: Conversation | int, last_seq: int = 0, upto: int | None = None,
                   limit: int = 500) -> list[Message]:
    """Messages with ``seq > last_seq`` (and ``<= upto``), in order."""
    conv_id = conversation.pk if isinstance(conversation, Conversation) else conversation
    qs = Message.objects.filter(conversation_id=conv_id, seq__gt=last_seq)
    if upto is not None:
        qs = qs.filter(seq__lte=upto)
    return list(qs.order_by("seq")[:limit])


def presence_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """A console last heard from before this moment counts as offline."""
    return (now or timezone.now()) - dt.timedelta(seconds=chat_setting("PRESENCE_GRACE_SECONDS"))


def is_online(status: SpecialistStatus | None, now: dt.datetime | None = None) -> bool:
    """Has this console been heard from within the presence grace period?"""
    if status is None or status.last_seen is None:
        return False
    return status.last_seen >= presence_cutoff(now)


def is_routable(status: SpecialistStatus | None, now: dt.datetime | None = None) -> bool:
    """Available (their own setting) and online (heartbeat within the grace period)."""
    return bool(status and status.available and is_online(status, now))


def available_specialists(language: str | None = None, now: dt.datetime | None = None):
    """Statuses of specialists who can take a new conversation now (in ``language``).

    Available, online, speaking the language, and under their concurrent limit.
    """
    cutoff = presence_cutoff(now)
    rows = (
        SpecialistStatus.objects.filter(available=True, last_seen__gte=cutoff)
        .select_related("user")
        .annotate(
            active=Count(
                "user__chat_conversations",
                filter=Q(user__chat_conversations__status=Conversation.Status.ACTIVE),
            )
        )
    )
    return [
        row for row in rows
        if row.active < row.max_concurrent and (language is None or language in row.languages)
    ]


def can_view(user, conversation: Conversation) -> bool:
    """Staff visibility: supervisors see all; a specialist sees conversations assigned
    to them, or waiting in a language they serve (and not transferred to someone else)."""
    from helpline.accounts.roles import SPECIALIST, SUPERVISOR, has_role

    if not getattr(user, "is_authenticated", False):
        return False
    if has_role(user, SUPERVISOR):
        return True
    if not has_role(user, SPECIALIST):
        return False
    if conversation.assigned_to_id == user.pk:
        return True
    if conversation.status == Conversation.Status.WAITING:
        if conversation.transfer_to_id not in (None, user.pk):
            return False
        status = SpecialistStatus.objects.filter(user=user).first()
        return bool(status and conversation.language in status.languages)
    return False


def service_rate_per_second(language: str | None = None, now: dt.datetime | None = None) -> float:
    """Accepted conversations per second over the recent window (0.0 when none)."""
    now = now or timezone.now()
    minutes = chat_setting("WAIT_ESTIMATE_WINDOW_MINUTES")
    qs = Conversation.objects.filter(accepted_at__gte=now - dt.timedelta(minutes=minutes))
    if language:
        qs = qs.filter(language=language)
    return qs.count() / (minutes * 60.0)


def estimate_wait_seconds(position: int, rate_per_second: float) -> int | None:
    """Expected wait for the ``position``-th in line at the recent service rate.

    None when nobody has been accepted recently (no basis for a guess).
    """
    if position <= 0:
        return 0
    if rate_per_second <= 0:
        return None
    return int(round(position / rate_per_second))


def specialists_online_by_language(now: dt.datetime | None = None) -> dict[str, int]:
    """How many specialists are available and online (busy or not), per language."""
    counts: dict[str, int] = {}
    for languages in SpecialistStatus.objects.filter(
        available=True, last_seen__gte=presence_cutoff(now)
    ).values_list("languages", flat=True):
        for language in set(languages or ()):
            counts[language] = counts.get(language, 0) + 1
    return counts


def on_duty(language: str, now: dt.datetime | None = None) -> bool:
    """Is anyone available, with their console open, for ``language`` right now?"""
    return specialists_online_by_language(now).get(language, 0) > 0


def queue_positions(now: dt.datetime | None = None) -> dict[str, dict]:
    """For every waiting conversation: its position in its language's line, how many
    specialists for that language are on duty, and the estimated wait (None when
    there is no basis for one, and always when nobody is on duty: a recent service
    rate says nothing then). Keys are token hex strings. One query for the queue,
    one for who is on duty, one per language for the rate."""
    now = now or timezone.now()
    rows = list(waiting_queue().values_list("token", "language"))
    if not rows:
        return {}
    online = specialists_online_by_language(now)
    counters: dict[str, int] = {}
    rates: dict[str, float] = {}
    result: dict[str, dict] = {}
    for token, language in rows:
        counters[language] = counters.get(language, 0) + 1
        on_duty = online.get(language, 0)
        if language not in rates:
            rates[language] = service_rate_per_second(language, now) if on_duty else 0.0
        position = counters[language]
        result[token.hex] = {
            "position": position,
            "specialists_online": on_duty,
            "estimated_wait_seconds": estimate_wait_seconds(position, rates[language]),
        }
    return result


def may_watch_live_summary(user) -> bool:
    """Does ``user`` get the live summary (the dashboard's live panel, ``live_summary``
    frames)? Supervisors only: the people who see every language's queue. A specialist's
    console shows their own queue and does not get it."""
    from helpline.accounts.roles import SUPERVISOR, has_role

    return bool(getattr(user, "is_active", False)) and has_role(user, SUPERVISOR)


LIVE_PANEL_SOCKET = "/ws/chat/console/?mode=panel"


def live_panel_socket(user) -> str | None:
    """The console socket path of the dashboard's live panel for ``user``, or None when
    they do not get live summaries (the panel is then rendered once, without updates)."""
    return LIVE_PANEL_SOCKET if may_watch_live_summary(user) else None


def live_summary(now: dt.datetime | None = None) -> dict:
    """Who is on duty and how long the queue is, per language and in all: the live panel.

    ``on_duty``: specialists available with a console heard from within the presence
    grace period (as routing counts them); one who serves two languages counts in each
    language and once in the total. ``queue``: waiting chats and callback requests (the
    one queue of the console), of which ``callbacks``. ``oldest_chat_since``: when the
    longest-waiting chat joined the queue (None when no chat waits) and
    ``longest_wait_seconds`` how long ago that was at ``at``; callback requests wait for
    a time the visitor chose and are not counted in it.

    Two queries whatever the size of the queue and the staff. Every language of the
    site has a row, also with nothing to show, plus any other language found waiting.
    """
    now = now or timezone.now()
    codes = [code for code, _name in settings.LANGUAGES]
    rows: dict[str, dict] = {}

    def row(code: str) -> dict:
        if code not in rows:
            rows[code] = {"language": code, "on_duty": 0, "queue": 0, "callbacks": 0,
                          "oldest_chat_since": None}
        return rows[code]

    for code in codes:
        row(code)

    waiting = (Conversation.objects.filter(status=Conversation.Status.WAITING).order_by()
               .values("language", "channel").annotate(n=Count("id"), oldest=Min("queued_at")))
    for group in waiting:
        entry = row(group["language"])
        entry["queue"] += group["n"]
        if group["channel"] == Conversation.Channel.CALLBACK:
            entry["callbacks"] += group["n"]
        else:
            entry["oldest_chat_since"] = group["oldest"]
    on_duty_total = 0
    for languages in SpecialistStatus.objects.filter(
        available=True, last_seen__gte=presence_cutoff(now)
    ).values_list("languages", flat=True):
        on_duty_total += 1
        for code in set(languages or ()):
            row(code)["on_duty"] += 1

    ordered = [rows[code] for code in codes] + [
        rows[code] for code in sorted(set(rows) - set(codes))]
    for entry in ordered:
        entry["longest_wait_seconds"] = _waited(entry["oldest_chat_since"], now)
    oldest = min((e["oldest_chat_since"] for e in ordered if e["oldest_chat_since"]),
                 default=None)
    return {
        "at": now,
        "languages": ordered,
        "total": {
            "on_duty": on_duty_total,
            "queue": sum(e["queue"] for e in ordered),
            "callbacks": sum(e["callbacks"] for e in ordered),
            "oldest_chat_since": oldest,
            "longest_wait_seconds": _waited(oldest, now),
        },
    }


def _waited(since: dt.datetime | None, now: dt.datetime) -> int | None:
    return None if since is None else max(0, int((now - since).total_seconds()))


def conversation_state(conversation: Conversation) -> dict:
    """The state frame both sides receive (no personal data beyond the first name)."""
    assigned = None
    if conversation.assigned_to_id and conversation.status == Conversation.Status.ACTIVE:
        status = SpecialistStatus.objects.filter(user_id=conversation.assigned_to_id).first()
        user = conversation.assigned_to
        name = (status.display_name if status and status.display_name else "") or (
            user.first_name if user else ""
        )
        assigned = {
            "name": name or "Specialist",
            "role": (status.role_label if status and status.role_label else "")
            or "Cancer information specialist",
        }
    return {
        "type": "state",
        "token": str(conversation.token),
        "channel": conversation.channel,
        "status": conversation.status,
        "language": conversation.language,
        "urgent": conversation.urgent,
        "assigned": assigned,
        "human_joined": conversation.human_joined_at is not None,
        "last_seq": conversation.last_seq,
    }


def message_payload(message: Message) -> dict:
    return {
        "type": "message",
        "seq": message.seq,
        "id": message.client_id,
        "sender": message.sender,
        "sender_label": message.sender_label,
        "text": message.text,
        "data": message.data,
        "created_at": message.created_at.isoformat(),
    }


def queue_item(conversation: Conversation, now: dt.datetime | None = None,
               viewer_id: int | None = None) -> dict:
    """One row of a console's queue (see ``events.queue_item``)."""
    from .events import queue_item as build

    return build(queue_row(conversation), now or timezone.now(), viewer_id)


QUEUE_ROW_FIELDS = ("id", "channel", "language", "urgent", "visitor_name", "queued_at",
                    "handoff_context", "callback_preferred_time", "transfer_note",
                    "transfer_to_id")


def queue_row(conversation: Conversation) -> dict:
    return {field: getattr(conversation, field) for field in QUEUE_ROW_FIELDS}


def queue_rows(limit: int | None = None) -> list[dict]:
    """The whole waiting queue in queue order, as plain rows (one query).

    Read once per queue change per server process and shared by every console
    of that process, each filtering it for its person (``events.queue_items``).
    """
    limit = limit or chat_setting("QUEUE_SNAPSHOT_LIMIT") * 5
    return list(waiting_queue().values(*QUEUE_ROW_FIELDS)[:limit])


def console_profile(user, now: dt.datetime | None = None) -> dict:
    """What a console needs to filter the shared queue for ``user``, plus their own chats."""
    from helpline.accounts.roles import SUPERVISOR, has_role

    now = now or timezone.now()
    status = SpecialistStatus.objects.filter(user=user).first()
    return {
        "user_id": user.pk,
        "supervisor": has_role(user, SUPERVISOR),
        "languages": list(status.languages) if status else [],
        "mine": [{**queue_row(c), "status": c.status} for c in active_for(user)],
        "status": {
            "available": bool(status and status.available),
            "online": is_online(status, now),
            "languages": list(status.languages) if status else [],
            "max_concurrent": status.max_concurrent if status else chat_setting("MAX_CONCURRENT"),
        },
    }


def console_frame(user, now: dt.datetime | None = None) -> tuple[dict, dict]:
    """A console's full view, read for one person: their profile and the queue frame
    (the same frame the console socket sends and ``queue.json`` returns)."""
    from .events import queue_frame

    now = now or timezone.now()
    profile = console_profile(user, now)
    return profile, queue_frame(queue_rows(), profile, now)


def specialist_languages(user_id: int) -> list[str]:
    """The languages a staff member takes chats in (empty when never set)."""
    languages = (SpecialistStatus.objects.filter(user_id=user_id)
                 .values_list("languages", flat=True).first())
    return list(languages or [])


def specialist_status_for(user) -> SpecialistStatus | None:
    """The specialist's status row (languages, chat limit), or None if never set."""
    if user is None or getattr(user, "pk", None) is None:
        return None
    return SpecialistStatus.objects.filter(user_id=user.pk).first()


# --------------------------------------------------------------------------- who may use the console


def is_console_user(user) -> bool:
    """Specialists and supervisors (the chat's staff roles)."""
    from helpline.accounts.roles import SPECIALIST, SUPERVISOR, has_role

    return has_role(user, SPECIALIST) or has_role(user, SUPERVISOR)


def check_console_access(user) -> None:
    if not is_console_user(user):
        raise NotAllowed(_("The console is for specialists and supervisors."))


def conversation_for_staff(user, conversation_id) -> Conversation:
    """The conversation if this staff member may see it (``can_view``), else a refusal.

    Staff name a conversation by its id: the token is the visitor's, never shown to staff.
    """
    check_console_access(user)
    conversation = conversation_by_id(conversation_id)
    if conversation is None:
        raise ApplicationError(_("This conversation does not exist."), code="not_found")
    if not can_view(user, conversation):
        raise NotAllowed(_("You cannot see this conversation."))
    return conversation


# --------------------------------------------------------------------------- pages


def chat_availability(now: dt.datetime | None = None, language: str | None = None) -> dict:
    """Live chat for ``language`` (default: the active one) now.

    ``open`` is claimed only when the hours allow it *and* a specialist is on duty
    for that language; ``hours_open`` and ``on_duty`` say which part is missing;
    ``opens_at`` is the next opening when the hours are the reason.
    """
    from django.utils import translation

    from . import hours

    now = now or timezone.now()
    language = (language or translation.get_language() or "en")[:2]
    hours_open = hours.is_open("chat", now)
    staffed = hours_open and on_duty(language, now)
    opens_at = None if hours_open else hours.next_opening("chat", now)
    if opens_at is not None:
        opens_at = timezone.localtime(opens_at)
    return {"open": staffed, "hours_open": hours_open, "on_duty": staffed,
            "opens_at": opens_at, "known": True}


def handoff_context(log_token) -> dict | None:
    """What the answer service showed the visitor (question + passages), or None
    (no token, a malformed one, an unknown one, or trouble reading it)."""
    if not log_token:
        return None
    try:
        uuid.UUID(str(log_token))
    except (ValueError, TypeError, AttributeError):
        return None
    from helpline.answers.services import get_handoff_context

    try:
        return get_handoff_context(str(log_token)) or None
    except Exception:  # noqa: BLE001 - a broken handoff must never stop a chat page or start
        log.exception("chat: could not read the handoff context")
        return None


def transfer_targets(user) -> list:
    """Other staff who could take a conversation (specialists and supervisors)."""
    from django.contrib.auth import get_user_model

    from helpline.accounts.roles import SPECIALIST, SUPERVISOR

    return list(
        get_user_model().objects.filter(is_active=True)
        .filter(Q(groups__name__in=[SPECIALIST, SUPERVISOR]) | Q(is_superuser=True))
        .exclude(pk=user.pk).distinct().order_by("first_name", "username")[:200]
    )


def canned_groups(language: str) -> list[dict]:
    """Canned responses, the conversation's language first, then the other one."""
    from .console.models import CannedResponse

    other = "es" if language == "en" else "en"
    names = {"en": _("English"), "es": _("Spanish")}
    return [
        {"language": code, "label": names[code],
         "items": list(CannedResponse.objects.filter(active=True, language=code))}
        for code in (language, other)
    ]


def wrapup_topics() -> list:
    """The active wrap-up topics, in their order."""
    from .console.models import WrapUpTopic

    return list(WrapUpTopic.objects.filter(active=True))


def wrapup_topic_labels(language: str | None = None) -> dict[str, str]:
    """{topic code: its label in ``language`` (default: the active one)}, retired topics
    included (reports name what was recorded)."""
    from django.utils import translation

    from .console.models import WrapUpTopic

    language = language or translation.get_language() or "en"
    field = "label_es" if language.startswith("es") else "label_en"
    return dict(WrapUpTopic.objects.values_list("code", field))


def unknown_wrapup_topics(codes) -> list[str]:
    """The codes among ``codes`` that name no wrap-up topic."""
    from .console.models import WrapUpTopic

    codes = list(codes)
    known = set(WrapUpTopic.objects.filter(code__in=codes).values_list("code", flat=True))
    return [code for code in codes if code not in known]


def referral_resources(language: str) -> list:
    """Directory entries a specialist may record as referred in the wrap-up."""
    from helpline.resources.selectors import search_resources

    try:
        return [match.resource for match in search_resources(language=language)][:200]
    except Exception:  # noqa: BLE001 - the directory must not break the console
        log.exception("chat: could not list resources")
        return []


def referrals_recorded(conversation: Conversation) -> list[str]:
    """Names of the resources referred in this conversation."""
    from helpline.resources.selectors import referred_resource_names

    return referred_resource_names(conversation.token)

def _quote(passage: dict) -> str:
    text = " ".join(str(passage.get("text", "")).split())
    if len(text) > 600:
        text = text[:597].rsplit(" ", 1)[0] + "…"
    source = passage.get("article", "")
    if passage.get("section"):
        source = f"{source} — {passage['section']}"
    url = passage.get("url", "")
    return f"“{text}”\n— {source}: {url}".strip()


def suggestions(conversation_id: int, language: str, text=None, k: int = 3) -> list[dict]:
    """Passages a specialist may quote for ``text`` (else the visitor's last message, else
    the handoff question), in the conversation's language, by the answer service's decision.

    Nothing is suggested unless the answer service would answer the question itself
    (its threshold decision): no passage rather than an off-topic one. A passage in
    the other language comes only where the service falls back to it, and is marked
    ``other_language``. Used by the console socket and the JSON view alike; trouble in
    the answer service gives no suggestion, never an error.
    """
    from helpline.answers.services import answer_with_index, live_index

    if not isinstance(text, str) or not text.strip():
        text = (Message.objects.filter(conversation_id=conversation_id,
                                       sender=Message.Sender.VISITOR)
                .order_by("-seq").values_list("text", flat=True).first())
        if not text:
            context = (Conversation.objects.filter(pk=conversation_id)
                       .values_list("handoff_context", flat=True).first()) or {}
            text = context.get("question", "")
    text = (text or "").strip()[:2000]
    if not text:
        return []
    try:
        result = answer_with_index(text, language, live_index())
    except Exception:  # noqa: BLE001 - suggestions are a help, never a blocker
        log.exception("chat: suggestions failed")
        return []
    if result.status == "no_answer":
        return []
    items = []
    for passage in result.passages[:k]:
        item = {key: passage.get(key) for key in ("text", "article", "section", "url", "lang",
                                                   "score")}
        item["other_language"] = passage.get("lang") != language
        if passage.get("last_reviewed"):
            item["last_reviewed"] = str(passage["last_reviewed"])
        item["quote"] = _quote(passage)
        items.append(item)
    return items
