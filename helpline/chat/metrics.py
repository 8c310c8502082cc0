"""Chat metrics: open sockets and messages (summed over workers), and the queue read at scrape time."""

from __future__ import annotations

from django.utils import timezone
from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily

from helpline.common.metrics import live_gauge

OPEN_SOCKETS = live_gauge("helpline_chat_open_sockets", "Open chat websockets, by kind.", ["kind"])
MESSAGES = Counter("helpline_chat_messages_total", "Chat messages stored, by sender.", ["sender"])


def queue_metrics():
    """Queue length and oldest wait per language, specialists on duty per language."""
    from .selectors import specialists_online_by_language, waiting_queue

    now = timezone.now()
    length = GaugeMetricFamily("helpline_chat_queue_length", "Conversations waiting, by language.",
                               labels=["language"])
    oldest = GaugeMetricFamily("helpline_chat_queue_oldest_wait_seconds",
                               "How long the longest-waiting conversation has waited, by language.",
                               labels=["language"])
    on_duty = GaugeMetricFamily("helpline_chat_specialists_on_duty",
                                "Specialists available and online, by language they take.",
                                labels=["language"])
    waiting: dict[str, tuple[int, float]] = {}
    for language, created in waiting_queue().values_list("language", "queued_at"):
        count, longest = waiting.get(language, (0, 0.0))
        waiting[language] = (count + 1, max(longest, (now - created).total_seconds()))
    online = specialists_online_by_language(now)
    for language in sorted(set(waiting) | set(online) | {"en", "es"}):
        count, longest = waiting.get(language, (0, 0.0))
        length.add_metric([language], count)
        oldest.add_metric([language], round(longest, 1))
        on_duty.add_metric([language], online.get(language, 0))
    yield length
    yield oldest
    yield on_duty
