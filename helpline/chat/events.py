"""Publishing chat events on the channel layer — always after the transaction commits.

Services call :func:`publish` inside their transaction; the event is handed to
the channel layer by ``transaction.on_commit``, so no participant ever sees a
message or state that could still roll back. Outside a transaction the event is
sent at once.

Group names:

* ``chat.conv.<token hex>`` — every socket of one conversation (visitor, staff);
* ``chat.queue`` — one listener per server process (see ``watcher.QueueWatcher``),
  told "the queue changed" so that process reads the queue once, pushes positions
  to its own waiting visitors and lets its own consoles filter the shared rows;
* ``chat.user.<id>`` — every console socket of one staff member;
* ``chat.supervisors`` — every supervisor's console socket (urgent alerts).
"""

from __future__ import annotations

import asyncio
import logging
import os

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)

QUEUE_GROUP = "chat.queue"


def conversation_group(token) -> str:
    hex_ = token.hex if hasattr(token, "hex") else str(token).replace("-", "")
    return f"chat.conv.{hex_}"


def user_group(user_id: int) -> str:
    return f"chat.user.{user_id}"


# Every supervisor's console: urgent flags on any conversation reach them live.
SUPERVISORS_GROUP = "chat.supervisors"


PUBLISHERS = 16
_outboxes: dict = {}  # event loop -> [(asyncio.Queue, publisher task)] * PUBLISHERS


def _enqueue(layer, group: str, event: dict) -> None:
    """Runs in the event loop: hand the event to one of this loop's publisher tasks.

    A group always goes to the same publisher, so one conversation's events
    leave in commit order; a fixed number of publishers bounds the channel
    layer's concurrent connections (a task per event exhausts a Redis pool
    under load) while a slow round trip for one conversation does not hold up
    the others.
    """
    loop = asyncio.get_running_loop()
    entries = _outboxes.get(loop)
    if entries is None:
        entries = _outboxes[loop] = []
        for _ in range(PUBLISHERS):
            queue: asyncio.Queue = asyncio.Queue()
            entries.append((queue, loop.create_task(_publisher(layer, queue))))
    entries[hash(group) % PUBLISHERS][0].put_nowait((group, event))


async def _publisher(layer, queue: asyncio.Queue) -> None:
    while True:
        group, event = await queue.get()
        try:
            await layer.group_send(group, event)
        except Exception:  # noqa: BLE001 - clients recover by last_seq; keep publishing
            log.exception("chat: could not publish %s to %s", event.get("type"), group)


def send_now(group: str, event: dict) -> None:
    """Send to a group from synchronous code (a service, a thread).

    Inside an ASGI server the service runs in a worker thread of the server's
    event loop: the send is handed to that loop without waiting for it (so the
    database thread is not held up; callbacks run in the order they were
    scheduled). Elsewhere (management commands, tests) it is sent and awaited.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if (
        loop is not None
        and getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) == os.getpid()
        and loop.is_running()
    ):
        loop.call_soon_threadsafe(_enqueue, layer, group, event)
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:  # noqa: BLE001 - delivery is best effort; clients resync by last_seq
        log.exception("chat: could not publish %s to %s", event.get("type"), group)


def publish(group: str, event: dict) -> None:
    """Send ``event`` to ``group`` once the current transaction has committed."""
    transaction.on_commit(lambda: send_now(group, event))


def queue_changed() -> None:
    """Tell every server process that the waiting queue changed (after commit)."""
    publish(QUEUE_GROUP, {"type": "queue.changed"})


# --------------------------------------------------------------------------- frames
#
# Every frame a console or a JSON view sends about the queue is built here, from
# plain rows (``selectors.queue_rows`` / ``selectors.console_profile``), so the
# socket and the HTTP fallback cannot drift apart.


def waited_label(seconds: int) -> str:
    from django.utils.translation import gettext as _

    minutes, secs = divmod(int(seconds), 60)
    if minutes >= 60:
        return _("%(h)d h %(m)d min") % {"h": minutes // 60, "m": minutes % 60}
    if minutes:
        return _("%(m)d min") % {"m": minutes}
    return _("%(s)d s") % {"s": secs}


def queue_item(row: dict, now, viewer_id: int | None) -> dict:
    """One queue row as a console sees it. ``transferred_to_me`` is true only for the
    person a transfer names (a supervisor sees others' transfers as ``transferred``)."""
    waited = max(0, int((now - row["queued_at"]).total_seconds()))
    return {
        "id": row["id"],
        "channel": row["channel"],
        "language": row["language"],
        "urgent": row["urgent"],
        "visitor_name": row["visitor_name"],
        "waited_seconds": waited,
        "waited_label": waited_label(waited),
        "question": (row.get("handoff_context") or {}).get("question", "")[:300],
        "callback_preferred_time": row["callback_preferred_time"],
        "transfer_note": row["transfer_note"],
        "transferred": row["transfer_to_id"] is not None,
        "transferred_to_me": viewer_id is not None and row["transfer_to_id"] == viewer_id,
    }


def queue_items(rows: list[dict], profile: dict, now, limit: int | None = None) -> list[dict]:
    """The shared queue filtered for one person: their languages (supervisors: all), and
    transfers only when they name nobody or this person."""
    from .selectors import chat_setting

    limit = limit or chat_setting("QUEUE_SNAPSHOT_LIMIT")
    user_id, languages = profile["user_id"], profile["languages"]
    items = []
    for row in rows:
        if not profile["supervisor"]:
            if row["language"] not in languages:
                continue
            if row["transfer_to_id"] not in (None, user_id):
                continue
        items.append(queue_item(row, now, user_id))
        if len(items) >= limit:
            break
    return items


def queue_frame(rows: list[dict], profile: dict, now) -> dict:
    """The ``queue`` frame of the console socket; the JSON view returns the same object."""
    user_id = profile["user_id"]
    return {
        "type": "queue",
        "items": queue_items(rows, profile, now),
        "mine": [{**queue_item(row, now, user_id), "status": row["status"]}
                 for row in profile["mine"]],
        "status": profile["status"],
    }


def urgent_frame(conversation_id: int, codes: list[str], assigned: bool) -> dict:
    return {"type": "urgent", "id": conversation_id, "codes": list(codes), "assigned": assigned}


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


def live_summary_frame(summary: dict) -> dict:
    """The ``live_summary`` frame (supervisors: the dashboard's live panel and their
    consoles), from ``selectors.live_summary``. Times are ISO 8601 with an offset: a
    client ticks the longest wait from ``oldest_chat_since`` against ``at`` (the
    server's clock when the figures were read)."""

    def figures(entry: dict) -> dict:
        return {
            "on_duty": entry["on_duty"],
            "queue": entry["queue"],
            "callbacks": entry["callbacks"],
            "oldest_chat_since": _iso(entry["oldest_chat_since"]),
            "longest_wait_seconds": entry["longest_wait_seconds"],
        }

    return {
        "type": "live_summary",
        "at": _iso(summary["at"]),
        "languages": [{"language": entry["language"], **figures(entry)}
                      for entry in summary["languages"]],
        "total": figures(summary["total"]),
    }
