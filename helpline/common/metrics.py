"""Prometheus metrics for every server process, summed across workers.

One process (the embedded default) keeps its metrics in memory. Several ASGI
workers share a directory (``PROMETHEUS_MULTIPROC_DIR``, set from
``HELPLINE_METRICS_DIR`` in settings before ``prometheus_client`` is first
imported): each process writes its own memory-mapped files there, and
``GET /metrics`` on any worker adds them up.

This module holds what every app shares (HTTP requests, e-mail, database and
Redis errors) and two registries the apps fill from their ``AppConfig.ready``:

* ``register_collector(fn)``: a function called at scrape time that yields
  ``prometheus_client`` metric families computed from the database (queue
  length, specialists on duty). Such values are the same on every worker, so
  they are not summed.
* apps define their own counters and histograms in their ``metrics.py`` with the
  names ``helpline_<app>_...``; they are summed like these.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import REGISTRY
from prometheus_client.registry import Collector
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter(
    "helpline_http_requests_total", "HTTP requests answered, by view and status.", ["view", "status"]
)
HTTP_LATENCY = Histogram(
    "helpline_http_request_seconds", "Time to answer an HTTP request, by view.", ["view"],
    buckets=LATENCY_BUCKETS,
)
EMAILS = Counter("helpline_emails_total", "E-mails handed to the mail server, by result.", ["result"])
PDF_RENDERS = Counter("helpline_pdf_renders_total", "PDF documents rendered, by kind.", ["kind"])
DATABASE_ERRORS = Counter("helpline_database_errors_total", "Database errors seen while answering.")
REDIS_ERRORS = Counter("helpline_redis_errors_total", "Redis errors seen while answering.")


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def live_gauge(name: str, documentation: str, labels: Iterable[str] = ()) -> Gauge:
    """A gauge that each process sets for itself and that /metrics sums over live processes."""
    return Gauge(name, documentation, list(labels), multiprocess_mode="livesum")


# --- collectors computed at scrape time --------------------------------------------

_COLLECTORS: list[Callable[[], Iterable]] = []


def register_collector(fn: Callable[[], Iterable]) -> None:
    if fn not in _COLLECTORS:
        _COLLECTORS.append(fn)


class _ScrapeTimeCollector(Collector):
    def collect(self):
        for fn in list(_COLLECTORS):
            try:
                yield from fn()
            except DatabaseError:
                DATABASE_ERRORS.inc()
                logger.warning("metrics collector %s: database unavailable", getattr(fn, "__name__", fn))
            except RedisError:
                REDIS_ERRORS.inc()
                logger.warning("metrics collector %s: Redis unavailable", getattr(fn, "__name__", fn))


def exposition() -> bytes:
    """The text format for this scrape: summed process metrics, then scrape-time values."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        summed = generate_latest(registry)
    else:
        summed = generate_latest(REGISTRY)
    scrape = CollectorRegistry()
    scrape.register(_ScrapeTimeCollector())
    return summed + generate_latest(scrape)


# --- access ---------------------------------------------------------------------------

def _allowed_networks() -> list[ipaddress._BaseNetwork]:
    nets = []
    for item in getattr(settings, "HELPLINE_METRICS_ALLOW", []):
        try:
            nets.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            logger.warning("HELPLINE_METRICS_ALLOW: %r is not an address or network", item)
    return nets


def may_read_metrics(request: HttpRequest) -> bool:
    """A bearer token from HELPLINE_METRICS_TOKEN, or a direct call from an allow-listed address.

    A request that came through a proxy (it carries X-Forwarded-For) never matches
    the address list: the socket address is then the proxy's, not the caller's.
    """
    token = getattr(settings, "HELPLINE_METRICS_TOKEN", "")
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and header.startswith("Bearer "):
        if hmac.compare_digest(header[len("Bearer "):].strip().encode(), token.encode()):
            return True
    if request.META.get("HTTP_X_FORWARDED_FOR"):
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in net for net in _allowed_networks())


def metrics_view(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    if not may_read_metrics(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


# --- the request middleware ----------------------------------------------------------

def counting() -> bool:
    """Whether requests are counted (``MetricsMiddleware`` is installed; HELPLINE_METRICS)."""
    return "helpline.common.metrics.MetricsMiddleware" in settings.MIDDLEWARE


def count(view: str, status: int, seconds: float) -> None:
    """Count one answered request (also those answered before Django, by the page cache)."""
    HTTP_REQUESTS.labels(view, str(status)).inc()
    HTTP_LATENCY.labels(view).observe(seconds)


def _view_label(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or "unnamed"


class MetricsMiddleware:
    """Counts every response by view and status and times it. Errors it sees are counted by kind."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        count(_view_label(request), response.status_code, time.perf_counter() - started)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, DatabaseError):
            DATABASE_ERRORS.inc()
        elif isinstance(exception, RedisError):
            REDIS_ERRORS.inc()
        return None
