"""Request ids and structured logs.

Every request gets an id (a sane ``X-Request-ID`` from the proxy, or a new one),
sent back in the ``X-Request-ID`` header, shown on the error page and attached
to every log record made while the request is answered. With
``HELPLINE_LOG_FORMAT=json`` each record is one JSON object per line; one
``helpline.request`` record per request carries the view, status and duration.
Records carry staff user ids, never what a visitor wrote.
"""

from __future__ import annotations

import contextvars
import datetime
import json
import logging
import re
import time
import uuid

from django.http import HttpRequest, HttpResponse

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("helpline_request_id", default="")
_user_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("helpline_user_id", default=None)
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

access_log = logging.getLogger("helpline.request")


def current_request_id() -> str:
    return _request_id.get()


def is_sane_request_id(value: str) -> bool:
    """Whether a proxy's ``X-Request-ID`` may be used as this request's id."""
    return bool(_SANE_ID.match(value))


def _access(method: str, status: int, view: str, started: float) -> None:
    access_log.info(
        "%s %s", method, status,
        extra={"view": view, "status": status, "method": method,
               "duration_ms": round((time.perf_counter() - started) * 1000, 2)},
    )


def log_access(request_id: str, method: str, status: int, view: str, started: float) -> None:
    """The access-log record of a request answered outside Django (the page cache's layer)."""
    if not access_log.isEnabledFor(logging.INFO):
        return
    token = _request_id.set(request_id)
    try:
        _access(method, status, view, started)
    finally:
        _request_id.reset(token)


class RequestContextMiddleware:
    """Sets the request id (and, once known, the staff user id) for logs; logs one line per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if is_sane_request_id(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        id_token = _request_id.set(request_id)
        user_token = _user_id.set(None)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            user = getattr(request, "user", None)
            if user is not None and getattr(user, "is_authenticated", False):
                _user_id.set(user.pk)
            match = getattr(request, "resolver_match", None)
            _access(request.method, response.status_code,
                    (match.view_name if match else "unmatched") or "unnamed", started)
            return response
        finally:
            _request_id.reset(id_token)
            _user_id.reset(user_token)


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        record.user_id = _user_id.get()
        return True


_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}
_EXTRA_KEYS = ("view", "status", "method", "duration_ms")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, user id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or None,
            "user_id": getattr(record, "user_id", None),
        }
        for key in _EXTRA_KEYS:
            if hasattr(record, key):
                out[key] = getattr(record, key)
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def logging_config(fmt: str, level: str) -> dict:
    formatter = ({"()": "helpline.common.logs.JsonFormatter"} if fmt == "json"
                 else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"})
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request": {"()": "helpline.common.logs.RequestContextFilter"}},
        "formatters": {"main": formatter},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "main",
                                 "filters": ["request"]}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.request": {"level": "ERROR"},
            "django.channels.server": {"level": "WARNING"},
            # One line per request only when asked for (json logs or LOG_LEVEL=DEBUG).
            "helpline.request": {"level": "INFO" if fmt == "json" else "WARNING"},
        },
    }
