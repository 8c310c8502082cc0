"""PostgreSQL pool checks (helpline.common.dbpool) against a real server."""

from __future__ import annotations

import pytest

from helpline.common import dbpool
from helpline.common.testing import POSTGRES_URL

pytestmark = pytest.mark.postgres


@pytest.fixture
def pool(monkeypatch):
    import psycopg_pool

    checks = []
    real_check = psycopg_pool.ConnectionPool.check_connection

    def counted(conn):
        checks.append(conn)
        real_check(conn)

    monkeypatch.setattr(psycopg_pool.ConnectionPool, "check_connection", staticmethod(counted))
    pool = psycopg_pool.ConnectionPool(POSTGRES_URL, min_size=1, max_size=1, open=True,
                                       check=dbpool.check_if_idle, reset=dbpool.mark_returned)
    pool.checks = checks
    yield pool
    pool.close()


def backend_pid(conn) -> int:
    return conn.execute("SELECT pg_backend_pid()").fetchone()[0]


def terminate(pid: int) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_connection_back_from_recent_use_is_handed_out_without_a_round_trip(pool):
    with pool.connection() as conn:  # never used before: checked
        first = backend_pid(conn)
    assert len(pool.checks) == 1
    for _ in range(5):
        with pool.connection() as conn:
            assert backend_pid(conn) == first
    assert len(pool.checks) == 1


def test_an_idle_connection_killed_by_the_server_is_replaced_before_use(pool, monkeypatch):
    with pool.connection() as conn:
        dead = backend_pid(conn)
    terminate(dead)
    monkeypatch.setattr(dbpool, "IDLE_CHECK_SECONDS", 0.0)  # it has now been idle "long"
    with pool.connection() as conn:
        assert backend_pid(conn) != dead  # the caller never saw the dead one
    assert len(pool.checks) >= 2


def test_a_connection_known_to_be_broken_is_refused_without_a_round_trip(pool):
    import psycopg

    with pool.connection() as conn:
        dead = backend_pid(conn)
    conn = pool.getconn()
    terminate(dead)
    with pytest.raises(psycopg.OperationalError):
        conn.execute("SELECT 1")
    assert conn.broken or conn.closed
    with pytest.raises(psycopg.OperationalError):
        dbpool.check_if_idle(conn)
    pool.putconn(conn)
    with pool.connection() as fresh:
        assert backend_pid(fresh) != dead


@pytest.mark.django_db
def test_the_sites_pool_uses_these_checks():
    from django.db import connection

    pool = connection.pool
    assert pool is not None, "DATABASE_POOL_MAX_SIZE=0?"
    assert pool._check is dbpool.check_if_idle
    assert pool._reset is dbpool.mark_returned
