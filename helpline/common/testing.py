"""Test support shared by every app: service checks and real server processes.

Tests that need PostgreSQL, Redis or a browser are marked (``postgres``,
``redis``, ``browser``). When the service is absent they skip and say why; with
``CI=true`` they fail instead, so CI can never pass by skipping them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

REPO_DIR = Path(__file__).resolve().parents[2]
POSTGRES_URL = os.environ.get("HELPLINE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("HELPLINE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CHROMIUM = os.environ.get("HELPLINE_CHROMIUM", "/usr/bin/chromium")
# Debian's chromium, headless, as root, on a machine with no network beyond loopback.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def tcp_reachable(url: str, timeout: float = 1.0) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 0), timeout):
            return True
    except OSError:
        return False


def postgres_available() -> bool:
    return tcp_reachable(POSTGRES_URL)


def redis_available() -> bool:
    return tcp_reachable(REDIS_URL)


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url_for_current_test_db() -> str:
    """The URL of the database the running tests use, for server subprocesses."""
    from django.db import connection

    settings_dict = connection.settings_dict
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or "postgres"
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{settings_dict['NAME']}"


@dataclass
class ServerProcess:
    """A real ASGI server (uvicorn) on loopback, started by a test."""

    port: int
    env: dict[str, str]
    workers: int = 1
    process: subprocess.Popen | None = None
    log_path: Path | None = None
    extra_args: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> "ServerProcess":
        log_dir = REPO_DIR / "var" / "test-logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / f"server-{self.port}.log"
        log = open(self.log_path, "wb")  # noqa: SIM115 - closed with the process
        cmd = [
            sys.executable, "-m", "uvicorn", "helpline.asgi:application",
            "--host", "127.0.0.1", "--port", str(self.port),
            "--workers", str(self.workers), "--no-access-log", "--log-level", "warning",
            *self.extra_args,
        ]
        self.process = subprocess.Popen(
            cmd, cwd=REPO_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early; see {self.log_path}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server did not start in {timeout}s; see {self.log_path}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path else ""

    def kill(self) -> None:
        """Kill hard (SIGKILL to the whole process group): a crash, not a shutdown."""
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def visitor_session_cookie(token) -> str:
    """A ``Cookie`` header for a visitor browser session bound to the chat ``token``,
    as the chat start page leaves it (server processes share the test database)."""
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["chat_token"] = str(token)
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def same_origin_headers(host: str = "127.0.0.1") -> list[tuple[bytes, bytes]]:
    """``Origin`` and ``Host`` of a page on this site, for in-process websocket tests
    (the scheme follows ``HTTPS``, as helpline.common.websocket.origin_allowed expects)."""
    from django.conf import settings

    scheme = "https" if settings.HTTPS else "http"
    return [(b"origin", f"{scheme}://{host}".encode()), (b"host", host.encode())]


def server_env(**overrides: str) -> dict[str, str]:
    from django.conf import settings

    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "helpline.settings",
            "HELPLINE_TESTING": "1",
            "HELPLINE_HTTPS": "0",
            "DEBUG": "0",
            # the same key as the tests, so sessions made here verify in the server
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": database_url_for_current_test_db(),
        }
    )
    env.update(overrides)
    return env


@contextlib.contextmanager
def running_server(workers: int = 1, **env_overrides: str) -> Iterator[ServerProcess]:
    server = ServerProcess(port=free_port(), env=server_env(**env_overrides), workers=workers)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def launch_chromium(playwright):
    """Debian's chromium through Playwright (never a downloaded browser)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


class PrivateRedis:
    """A throw-away ``redis-server`` on a free loopback port that a test may stop and restart."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            import pytest

            pytest.skip("redis-server is not installed (apt-get install redis-server)")
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> PrivateRedis:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.5).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.process.kill()
        raise RuntimeError("private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(5)


# --- one HTTP request through an ASGI application, in process -------------------------

@dataclass
class AsgiAnswer:
    status: int
    header_list: list[tuple[bytes, bytes]]
    body: bytes

    @property
    def headers(self) -> dict[str, str]:
        return {name.decode().lower(): value.decode() for name, value in self.header_list}

    def same_headers(self) -> dict[str, str]:
        """The headers without the one that differs on every request (X-Request-ID)."""
        return {k: v for k, v in self.headers.items() if k != "x-request-id"}


def asgi_scope(path: str, *, method: str = "GET", query: bytes = b"",
               headers: list[tuple[bytes, bytes]] = (), scheme: str = "http",
               host: bytes = b"127.0.0.1:8000") -> dict:
    """The scope of an HTTP request as uvicorn hands it to the application."""
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": scheme, "path": path, "raw_path": path.encode(), "query_string": query,
        "root_path": "", "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
        "headers": [(b"host", host), *headers],
    }


def asgi_request(app, path: str, **scope_kwargs) -> AsgiAnswer:
    """One HTTP request through ``app`` (e.g. ``helpline.asgi.application``); the keyword
    arguments are :func:`asgi_scope`'s. Sync code runs in the calling thread, so it sees
    the test's transaction; use with :func:`django_keeps_connections`."""
    import asyncio

    from asgiref.sync import async_to_sync

    scope = asgi_scope(path, **scope_kwargs)
    messages: list[dict] = []

    async def run() -> None:
        given = False

        async def receive():
            nonlocal given
            if not given:
                given = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.Event().wait()  # the client stays connected

        async def send(message):
            messages.append(message)

        await app(scope, receive, send)

    async_to_sync(run)()
    start = messages[0]
    return AsgiAnswer(start["status"], list(start["headers"]),
                      b"".join(m.get("body", b"") for m in messages[1:]))


@contextlib.contextmanager
def django_keeps_connections() -> Iterator[None]:
    """Django closes database connections around each request; a test's transaction must
    outlive the requests it sends through ASGI (Django's own test clients do the same)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@contextlib.contextmanager
def django_requests() -> Iterator[list[str]]:
    """The paths of the requests that reached Django (its request_started signal)."""
    from django.core.signals import request_started

    seen: list[str] = []

    def count(sender, **kwargs) -> None:
        seen.append(kwargs.get("scope", {}).get("path", ""))

    request_started.connect(count, weak=False)
    try:
        yield seen
    finally:
        request_started.disconnect(count)
