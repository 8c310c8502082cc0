"""Test-suite wide set-up: service markers that skip clearly, or fail on CI."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HELPLINE_TESTING", "1")

from helpline.common import testing  # noqa: E402

_CHECKS = {
    "postgres": (
        testing.postgres_available,
        "PostgreSQL is not reachable at 127.0.0.1:5432 (set HELPLINE_TEST_POSTGRES_URL)",
    ),
    "redis": (
        testing.redis_available,
        "Redis is not reachable at 127.0.0.1:6379 (set HELPLINE_TEST_REDIS_URL)",
    ),
    "browser": (
        testing.chromium_available,
        "Debian's chromium is not installed (apt-get install chromium)",
    ),
}
_cache: dict[str, bool] = {}


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker, (check, reason) in _CHECKS.items():
        if item.get_closest_marker(marker) is None:
            continue
        if marker not in _cache:
            _cache[marker] = check()
        if marker == "postgres" and _cache[marker] and not _using_postgres():
            pytest.skip("runs in the PostgreSQL pass of `make test` (DATABASE_URL=postgres://...)")
        if not _cache[marker]:
            if testing.in_ci():
                pytest.fail(f"CI=true but {reason}", pytrace=False)
            pytest.skip(reason)


def _using_postgres() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.fixture(autouse=True)
def _clean_slate():
    """Each test starts in English with an empty cache (no leaked language or rate limits)."""
    from django.utils import translation

    translation.activate("en")
    from django.core.cache import cache

    cache.clear()
    yield
    translation.deactivate()


@pytest.fixture
def mailserver(settings):
    """A real SMTP server on 127.0.0.1 (aiosmtpd), with Django pointed at it; yields its inbox."""
    from helpline.common.smtp_testing import smtp_server, smtp_settings

    with smtp_server() as (inbox, port):
        smtp_settings(settings, port)
        yield inbox
