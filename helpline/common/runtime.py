"""Process set-up for long-running servers: the garbage collector.

A chat server holds thousands of open sockets, each with its consumer, scope,
session and protocol objects. With CPython's default thresholds (700, 10, 10)
every in-flight message promotes objects into the oldest generation, so a full
collection runs every few seconds and walks the whole heap: with 2,000 sockets
that is a 150–300 ms pause for every socket in the process, which is what the
slowest 1 % of chat deliveries waited on.

:func:`tune_garbage_collector` (called once per server process by
``helpline.asgi``) does two standard things:

* ``gc.freeze()`` after start-up: modules, classes, settings and URL patterns
  live as long as the process, so later collections skip them;
* a larger first threshold (``HELPLINE_GC_THRESHOLDS``, default
  ``20000,20,20``): young collections run a thirtieth as often, so far fewer
  short-lived objects are caught alive and promoted, and full collections
  become rare. Cycles are still collected; they just wait a little longer.

Reference counting frees almost everything at once either way; only objects
in reference cycles wait for a collection.
"""

from __future__ import annotations

import gc

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_THRESHOLDS = (20_000, 20, 20)


def parse_thresholds(value: str) -> tuple[int, ...] | None:
    """``"20000,20,20"`` → (20000, 20, 20); ``"default"`` or empty → None (leave Python's)."""
    value = (value or "").strip().lower()
    if value in ("", "default", "python"):
        return None
    try:
        numbers = tuple(int(part) for part in value.split(","))
    except ValueError:
        numbers = ()
    if not 1 <= len(numbers) <= 3 or any(n < 1 for n in numbers):
        raise ImproperlyConfigured(
            f"HELPLINE_GC_THRESHOLDS must be one to three positive whole numbers separated "
            f'by commas (e.g. "20000,20,20"), or "default"; got {value!r}.'
        )
    return numbers


def tune_garbage_collector() -> tuple[int, ...]:
    """Freeze start-up objects and apply the configured thresholds; returns them."""
    thresholds = getattr(settings, "HELPLINE_GC_THRESHOLDS", DEFAULT_THRESHOLDS)
    gc.collect()
    gc.freeze()
    if thresholds:
        gc.set_threshold(*thresholds)
    return gc.get_threshold()
