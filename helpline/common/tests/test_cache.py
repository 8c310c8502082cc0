"""The cache degrades to misses when Redis is down, and works normally when it is up."""

from __future__ import annotations

import pytest

from helpline.common.cache import ResilientRedisCache
from helpline.common.testing import REDIS_URL


def _cache(location: str) -> ResilientRedisCache:
    return ResilientRedisCache(location, {"OPTIONS": {"socket_connect_timeout": 1,
                                                      "socket_timeout": 1},
                                          "KEY_PREFIX": "resilient-test"})


def test_down_redis_reads_miss_and_writes_are_dropped() -> None:
    cache = _cache("redis://127.0.0.1:1/0")
    assert cache.get("k", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("k", 1) is False
    assert cache.set("k", 1) is None
    assert cache.delete("k") is False
    assert cache.has_key("k") is False
    with pytest.raises(ValueError):
        cache.incr("k")


@pytest.mark.redis
def test_up_redis_works_normally() -> None:
    cache = _cache(REDIS_URL)
    cache.delete("k")
    assert cache.add("k", 1, timeout=30) is True
    assert cache.add("k", 1, timeout=30) is False
    assert cache.incr("k") == 2
    assert cache.get("k") == 2
    cache.delete("k")
