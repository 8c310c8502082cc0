"""Rate limits: counting, windows, the 429 responses, and sharing through Redis."""

from __future__ import annotations

import json
import threading
import uuid

import pytest
import time_machine
from django.core.cache import caches
from django.http import HttpResponse, JsonResponse
from django.test import RequestFactory

from helpline.common import ratelimit as rl
from helpline.common.testing import REDIS_URL


@pytest.fixture(autouse=True)
def _clear_cache():
    caches["default"].clear()
    yield
    caches["default"].clear()


def test_hit_allows_up_to_limit_then_denies() -> None:
    key = f"t:{uuid.uuid4()}"
    assert [rl.hit(key, 3, 60) for _ in range(5)] == [True, True, True, False, False]


def test_keys_are_independent() -> None:
    assert rl.hit("a:1", 1, 60)
    assert not rl.hit("a:1", 1, 60)
    assert rl.hit("a:2", 1, 60)


def test_window_rolls_over() -> None:
    with time_machine.travel(1_000_000_000.0, tick=False) as traveller:
        assert rl.hit("w", 1, 10)
        assert not rl.hit("w", 1, 10)
        traveller.shift(10)
        assert rl.hit("w", 1, 10)


def test_zero_limit_denies() -> None:
    assert not rl.hit("zero", 0, 60)


def test_reset_forgets_count() -> None:
    assert rl.hit("r", 1, 60)
    assert not rl.hit("r", 1, 60)
    rl.reset("r", 60)
    assert rl.hit("r", 1, 60)


def test_hit_is_atomic_under_threads() -> None:
    results: list[bool] = []
    lock = threading.Lock()

    def worker():
        for _ in range(25):
            allowed = rl.hit("threads", 40, 60)
            with lock:
                results.append(allowed)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 40
    assert len(results) == 200


@rl.ratelimit("test-page", 2, 60)
def page_view(request):
    return HttpResponse("ok")


@rl.ratelimit("test-api", 1, 60, methods=("POST",))
def api_view(request):
    return JsonResponse({"ok": True})


@rl.ratelimit("test-async", 1, 60)
async def async_view(request):
    return HttpResponse("ok")


def _request(rf: RequestFactory, path: str, method: str = "get", ip: str = "10.0.0.1", **extra):
    request = getattr(rf, method)(path, REMOTE_ADDR=ip, **extra)
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    return request


def test_decorator_page_gets_friendly_429(rf: RequestFactory) -> None:
    assert page_view(_request(rf, "/en/ask/")).status_code == 200
    assert page_view(_request(rf, "/en/ask/")).status_code == 200
    response = page_view(_request(rf, "/en/ask/"))
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    body = response.content.decode()
    assert "Too many requests" in body
    assert "<html" in body
    # Another address is counted separately.
    assert page_view(_request(rf, "/en/ask/", ip="10.0.0.2")).status_code == 200


def test_decorator_page_in_spanish(rf: RequestFactory) -> None:
    from django.utils import translation

    for _ in range(2):
        page_view(_request(rf, "/es/ask/", ip="10.9.9.9"))
    with translation.override("es"):
        response = page_view(_request(rf, "/es/ask/", ip="10.9.9.9"))
    assert response.status_code == 429
    assert "Demasiadas solicitudes" in response.content.decode()


def test_decorator_api_gets_json_429_and_counts_only_post(rf: RequestFactory) -> None:
    for _ in range(3):
        assert api_view(_request(rf, "/api/answers")).status_code == 200
    assert api_view(_request(rf, "/api/answers", "post")).status_code == 200
    response = api_view(_request(rf, "/api/answers", "post"))
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    payload = json.loads(response.content)
    assert payload["error"] == "rate_limited"
    assert payload["retry_after"] >= 1
    assert "Too many requests" in payload["message"]


async def test_decorator_wraps_async_views(rf: RequestFactory) -> None:
    first = await async_view(_request(rf, "/en/chat/", ip="10.1.1.1"))
    second = await async_view(_request(rf, "/en/chat/", ip="10.1.1.1"))
    assert (first.status_code, second.status_code) == (200, 429)


def test_trusted_proxy_header(rf: RequestFactory, settings) -> None:
    settings.HELPLINE_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    request = _request(rf, "/", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8")
    assert rl.client_ip(request) == "5.6.7.8"
    settings.HELPLINE_TRUSTED_PROXY_HEADER = ""
    assert rl.client_ip(request) == "10.0.0.1"


def test_fails_open_when_cache_is_down(settings) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    from django.core.cache import cache

    assert cache.__class__.__name__ == "ConnectionProxy"
    assert rl.hit("down", 1, 60) is True
    assert rl.hit("down", 1, 60) is True


@pytest.mark.redis
def test_shared_through_redis_between_processes(settings) -> None:
    """Two OS processes (like two ASGI workers) share one counter through Redis."""
    import subprocess
    import sys

    key = f"shared:{uuid.uuid4()}"
    code = (
        "import django, os, json;"
        "os.environ['DJANGO_SETTINGS_MODULE']='helpline.settings';django.setup();"
        "from helpline.common.ratelimit import hit;"
        f"print(json.dumps([hit({key!r}, 30, 120) for _ in range(20)]))"
    )
    env = {**__import__("os").environ, "REDIS_URL": REDIS_URL, "HELPLINE_CHANNEL_PREFIX": "rltest"}
    procs = [
        subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [json.loads(p.communicate(timeout=60)[0]) for p in procs]
    allowed = sum(v for out in outputs for v in out)
    assert allowed == 30
