"""The urgent-triage second net for chat lines, off the message path.

A visitor's line is stored, acknowledged and delivered first; the answer
service's rules check it inline (microseconds). Lines the rules let through go
to this worker, which runs the second detector (similarity to reviewed urgent
exemplars on the sentence encoder) on batches of lines in one background thread
per process, and raises the conversation's urgent flag through the same service
function as the rules. Encoding costs milliseconds per line, so doing it inline
would cap a worker at a few hundred lines a second; batched here it stays out of
the acknowledgement's way and costs a fraction per line.

The worker takes at most a share of one core (``TRIAGE_NET_DUTY`` in the chat
settings, ``HELPLINE_CHAT_TRIAGE_NET_DUTY``; 0 turns the second net off in chat): after a batch that took
t seconds it rests t * (1 - DUTY) / DUTY, so a burst of chat traffic cannot starve
the event loop that stores and delivers messages. At a helpline's real pace every
line is checked within a moment; under a load test's thousands of lines a second
the queue is bounded (``MAX_PENDING``): the oldest unchecked lines are skipped and
counted (``helpline_chat_triage_dropped_total``), never the messages themselves,
which are already stored and delivered. The rules have checked every line regardless.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass

from django.db import close_old_connections
from prometheus_client import Counter

log = logging.getLogger(__name__)

BATCH = 32
MAX_PENDING = 5000

CHECKED = Counter("helpline_chat_triage_checked_total",
                  "Chat lines checked by the urgent second net, by outcome.", ["outcome"])
DROPPED = Counter("helpline_chat_triage_dropped_total",
                  "Chat lines the second net skipped because its queue was full.")


@dataclass(frozen=True)
class Line:
    conversation_id: int
    language: str
    text: str


class SecondNet:
    def __init__(self, *, batch: int = BATCH, max_pending: int = MAX_PENDING) -> None:
        self.batch = batch
        self.pending: deque[Line] = deque(maxlen=max_pending)
        self.cond = threading.Condition()
        self.busy = 0
        self.thread: threading.Thread | None = None

    @staticmethod
    def duty() -> float:
        from .selectors import chat_setting

        return float(chat_setting("TRIAGE_NET_DUTY"))

    def submit(self, conversation_id: int, language: str, text: str) -> None:
        if self.duty() <= 0:
            return
        with self.cond:
            if len(self.pending) == self.pending.maxlen:
                DROPPED.inc()
            self.pending.append(Line(conversation_id, language, text))
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="chat-triage-net", daemon=True)
                self.thread.start()
            self.cond.notify()

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until every submitted line has been checked (for tests and shutdown)."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while self.pending or self.busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(left)
        return True

    def _run(self) -> None:
        while True:
            with self.cond:
                while not self.pending:
                    self.cond.wait()
                lines = [self.pending.popleft() for _ in range(min(self.batch, len(self.pending)))]
                self.busy = len(lines)
            started = time.perf_counter()
            try:
                self._check(lines)
            except Exception:  # noqa: BLE001 - the worker must outlive one bad batch
                log.exception("chat: urgent second net failed on a batch of %d lines", len(lines))
            finally:
                close_old_connections()
                with self.cond:
                    self.busy = 0
                    self.cond.notify_all()
            duty = min(1.0, max(0.01, self.duty()))
            if self.pending and duty < 1:
                time.sleep((time.perf_counter() - started) * (1 - duty) / duty)

    def _check(self, lines: list[Line]) -> None:
        from helpline.answers.retrieval import default_embedder
        from helpline.answers.triage import assess

        from .services import conversation_flag_urgent

        vectors = default_embedder().encode([line.text for line in lines])
        for line, vector in zip(lines, vectors):
            result = assess(line.text, line.language, vector=vector)
            CHECKED.labels("urgent" if result.urgent else "not_urgent").inc()
            if result.urgent:
                conversation_flag_urgent(line.conversation_id, result)


NET = SecondNet()
