"""The queue watcher's cost does not grow with the number of open consoles."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from helpline.chat import services
from helpline.chat.layers import InMemoryChannelLayer
from helpline.chat.watcher import QueueWatcher

from .conftest import count_queries

pytestmark = pytest.mark.django_db(transaction=True)

adb = sync_to_async



async def test_a_queue_change_and_a_tick_cost_the_same_for_one_console_or_a_hundred():
    from .conftest import make_staff

    for _ in range(30):
        await adb(services.conversation_start)(language="en")
    staff = [await adb(make_staff)() for _ in range(100)]
    watcher = QueueWatcher()
    watcher.layer = InMemoryChannelLayer(capacity=10)
    counts = {}
    for consoles in (1, 100):
        watcher.consoles = {f"chat.console{i}": staff[i].pk for i in range(consoles)}
        watcher.staff_sockets = {}
        counts[consoles] = (await count_queries(watcher.refresh),
                            await count_queries(watcher.heartbeat),
                            await count_queries(watcher.check_on_duty))
        # Every console heard of the change once, as a version number (no rows copied).
        for i in range(consoles):
            event = await watcher.layer.receive(f"chat.console{i}")
            assert event == {"type": "chat.queue_rows", "version": watcher.version}
    assert counts[1] == counts[100], counts
    assert counts[1][0] <= 2 and len(watcher.queue_rows) == 30
