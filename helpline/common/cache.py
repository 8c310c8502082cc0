"""A Redis cache that degrades instead of failing when Redis is unreachable.

With Redis down, reads are misses and writes are dropped (logged once a
minute), so pages, answers and rate limits (which fail open) keep working;
everything is back to normal as soon as Redis answers again.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache

from .metrics import REDIS_ERRORS

log = logging.getLogger(__name__)

try:  # redis-py's errors; ConnectionError covers refused and reset connections
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    DOWN = (RedisConnectionError, RedisTimeoutError, OSError)
except ImportError:  # pragma: no cover
    DOWN = (OSError,)

_last_warning = 0.0


def _warn(operation: str) -> None:
    global _last_warning
    REDIS_ERRORS.inc()
    now = time.monotonic()
    if now - _last_warning > 60:
        _last_warning = now
        log.warning("cache: Redis unreachable during %s; serving without the cache", operation)


class ResilientRedisCache(RedisCache):
    def _safe(self, operation: str, default, func, *args, **kwargs):
        try:
            return func(*args, **kwargs)
        except DOWN:
            _warn(operation)
            return default

    def get(self, key, default=None, version=None):
        return self._safe("get", default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._safe("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._safe("has_key", False, super().has_key, key, version)

    def set(self, *args, **kwargs):
        return self._safe("set", None, super().set, *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._safe("set_many", [], super().set_many, *args, **kwargs)

    def add(self, *args, **kwargs):
        return self._safe("add", False, super().add, *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._safe("touch", False, super().touch, *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._safe("delete", False, super().delete, *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._safe("delete_many", None, super().delete_many, *args, **kwargs)

    def clear(self):
        return self._safe("clear", None, super().clear)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except DOWN as error:
            _warn("incr")
            raise ValueError("cache unavailable") from error
