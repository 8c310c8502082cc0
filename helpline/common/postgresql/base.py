"""Django's PostgreSQL backend; its connection pool checks connections with
:func:`helpline.common.dbpool.check_if_idle` (a round trip only after idling).

Django builds the pool with ``check=`` fixed by ``CONN_HEALTH_CHECKS`` (every
checkout, or never), so the check is replaced once, when the pool is made.
"""

from django.db.backends.postgresql.base import DatabaseWrapper as PostgresDatabaseWrapper

from helpline.common import dbpool


class DatabaseWrapper(PostgresDatabaseWrapper):
    @property
    def pool(self):
        pool = super().pool
        if pool is not None and getattr(pool, "_check", None) is not dbpool.check_if_idle:
            pool._check = dbpool.check_if_idle
        return pool
