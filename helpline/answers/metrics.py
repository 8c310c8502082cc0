"""Answer service metrics: outcomes and latency of logged answers (summed over workers)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

from helpline.common.metrics import LATENCY_BUCKETS

ANSWERS = Counter("helpline_answers_total", "Questions answered, by outcome and language.",
                  ["outcome", "lang"])
ANSWER_LATENCY = Histogram("helpline_answer_seconds", "Time to answer a question (service only).",
                           buckets=LATENCY_BUCKETS)


def on_question_logged(sender, instance, created: bool, **kwargs) -> None:
    if not created:
        return
    ANSWERS.labels(instance.status, instance.lang).inc()
    if instance.latency_ms is not None:
        ANSWER_LATENCY.observe(float(instance.latency_ms) / 1000.0)


def index_ready() -> None:
    """Readiness: the answer index of this process is loaded (built on first use)."""
    from .services import live_index

    if len(live_index()) == 0:
        raise LookupError("the answer index has no passages")
