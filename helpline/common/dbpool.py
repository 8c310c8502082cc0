"""PostgreSQL connection-pool checks that cost a round trip only when they can matter.

Django's ``CONN_HEALTH_CHECKS`` with a pool checks every connection on every
checkout: one extra round trip for each database call. Chat sockets make a short
call per message, so that doubled the round trips of a post. A connection that
went back to the pool moments ago is as healthy as the last query that used it;
the ones worth checking have sat idle (a database restart or a dropped network
link happens in the gaps). So :func:`check_if_idle` checks a connection that
has been idle for more than ``IDLE_CHECK_SECONDS`` (or was never used), and
otherwise only refuses one that psycopg already knows is broken or closed; the
pool then replaces it. :func:`mark_returned` is the pool's ``reset`` callback,
which notes when each connection came back.
"""

from __future__ import annotations

import time

IDLE_CHECK_SECONDS = 5.0
_RETURNED_AT = "_helpline_returned_at"


def mark_returned(conn) -> None:
    setattr(conn, _RETURNED_AT, time.monotonic())


def check_if_idle(conn) -> None:
    import psycopg
    from psycopg_pool import ConnectionPool

    if conn.closed or conn.broken:
        raise psycopg.OperationalError("the connection is closed or broken")
    returned_at = getattr(conn, _RETURNED_AT, None)
    if returned_at is None or time.monotonic() - returned_at > IDLE_CHECK_SECONDS:
        ConnectionPool.check_connection(conn)
