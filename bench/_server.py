"""A throw-away Helpline server for benchmarks: fresh SQLite with the bundled content."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]


def prepare_server(workers: int, *, prefix: str = "helpline-bench-"):
    """Migrate, load content and collect static files in a temporary folder, start uvicorn.

    Returns (process, base URL, TemporaryDirectory); the caller stops the process
    and cleans up the folder.
    """
    tmp = tempfile.TemporaryDirectory(prefix=prefix)
    env = dict(os.environ, HELPLINE_VAR_DIR=tmp.name, SECRET_KEY="bench-only-secret-key",
               HELPLINE_HTTPS="0", DEBUG="0", DJANGO_SETTINGS_MODULE="helpline.settings",
               LOG_LEVEL="WARNING")
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    py = sys.executable
    for args in (["migrate", "-v0"], ["loadcontent"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([py, "-m", "helpline", *args], cwd=REPO, env=env, check=True,
                       stdout=subprocess.DEVNULL)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [py, "-m", "uvicorn", "helpline.asgi:application", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers), "--http", "httptools",
         "--loop", "uvloop", "--no-access-log",
         "--log-level", "warning", "--lifespan", "off"], cwd=REPO, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return proc, url, tmp
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")
