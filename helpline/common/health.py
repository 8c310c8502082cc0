"""Readiness checks: each app registers the parts it needs to serve (from its AppConfig.ready).

``/healthz`` says the process answers (liveness). ``/readyz`` runs every check
and answers 503 naming the parts that fail, so a proxy or an orchestrator sends
no traffic to a worker that cannot serve it yet.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

_CHECKS: dict[str, Callable[[], None]] = {}


def register_check(name: str, check: Callable[[], None]) -> None:
    """``check()`` returns when the part is ready and raises (any error) when it is not."""
    _CHECKS[name] = check


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_redis() -> None:
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


def readiness() -> tuple[bool, dict[str, dict]]:
    checks: dict[str, Callable[[], None]] = {"database": check_database}
    if getattr(settings, "REDIS_URL", ""):
        checks["redis"] = check_redis
    checks.update(_CHECKS)
    parts: dict[str, dict] = {}
    for name, check in checks.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - a failing part is reported by name, never raised
            logger.warning("readiness: %s failed: %s", name, exc.__class__.__name__)
            parts[name] = {"ok": False, "error": exc.__class__.__name__}
        else:
            parts[name] = {"ok": True}
        parts[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return all(p["ok"] for p in parts.values()), parts
