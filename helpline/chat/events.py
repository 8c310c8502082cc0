"""Publishing chat events on the channel layer — always after the transaction commits.

Services call :func:`publish` inside their transaction; the event is handed to
the channel layer by ``transaction.on_commit``, so no participant ever sees a
message or state that could still roll back. Outside a transaction the event is
sent at once.

Group names:

* ``chat.conv.<token hex>`` — every socket of one conversation (visitor, staff);
* ``chat.queue`` — one listener per server process (see ``consumers.QueueWatcher``),
  told "the queue changed" so that process recomputes positions for its own
  waiting visitors and queue snapshots for its own consoles;
* ``chat.user.<id>`` — every console socket of one staff member.
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


_pending: set = set()


def _spawn(layer, group: str, event: dict) -> None:
    task = asyncio.get_running_loop().create_task(layer.group_send(group, event))
    _pending.add(task)
    task.add_done_callback(_finished)


def _finished(task) -> None:
    _pending.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.error("chat: could not publish an event", exc_info=task.exception())


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
        loop.call_soon_threadsafe(_spawn, layer, group, event)
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
