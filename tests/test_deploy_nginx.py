"""The deployment in deploy/, tested: nginx (TLS, static files, HTTP and websockets) in front of two
uvicorn workers sharing PostgreSQL and Redis.

Through nginx only: an article page, its PDF, the Ask API, a static file, secure cookies and CSRF
behind the proxy (X-Forwarded-Proto), a chat between a visitor and a specialist connected to
different workers, and a restart of the visitor's worker mid-chat with nothing lost.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections
from django.test import Client
from websockets.asyncio.client import connect as ws_connect

from helpline.common import testing

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow,
              pytest.mark.django_db(transaction=True)]
adb = sync_to_async
DEPLOY = testing.REPO_DIR / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _require_nginx() -> None:
    if not Path(NGINX).exists():
        reason = "nginx is not installed (apt-get install nginx)"
        if testing.in_ci():
            pytest.fail(f"CI=true but {reason}", pytrace=False)
        pytest.skip(reason)


def render_site(template: str, values: dict[str, str]) -> str:
    """What `envsubst '${HELPLINE_...}'` does: only the named variables, nginx's own stay."""
    def sub(match: re.Match) -> str:
        return values[match.group(1)]
    return re.sub(r"\$\{(HELPLINE_[A-Z_]+)\}", sub, template)


class Nginx:
    def __init__(self, root: Path, workers: list[int], static_root: Path) -> None:
        self.root = root
        self.port = testing.free_port()
        self.http_port = testing.free_port()
        cert, key = root / "cert.pem", root / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                        "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
        self.cert = cert
        site = render_site((DEPLOY / "nginx" / "helpline.conf.template").read_text(), {
            "HELPLINE_SERVER_NAME": "localhost",
            "HELPLINE_LISTEN": f"127.0.0.1:{self.port}",
            "HELPLINE_HTTP_LISTEN": f"127.0.0.1:{self.http_port}",
            "HELPLINE_TLS_CERT": str(cert),
            "HELPLINE_TLS_KEY": str(key),
            "HELPLINE_STATIC_ROOT": str(static_root),
            "HELPLINE_UPSTREAMS": "\n    ".join(
                f"server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in workers),
        })
        (root / "helpline.conf").write_text(site)
        for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (root / name).mkdir()
        # The test's files sit in a private temporary directory: workers run as its owner.
        user = "user root;" if os.geteuid() == 0 else ""
        (root / "nginx.conf").write_text(f"""
{user}
daemon off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {root}/access.log;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    include {root}/helpline.conf;
}}
""")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"https://localhost:{self.port}"

    def start(self) -> "Nginx":
        check = subprocess.run([NGINX, "-t", "-c", str(self.root / "nginx.conf"), "-p", str(self.root)],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        self.process = subprocess.Popen([NGINX, "-c", str(self.root / "nginx.conf"), "-p", str(self.root)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.5).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError((self.root / "error.log").read_text())

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class Browser:
    """Cookies, CSRF and redirects over HTTPS through nginx, as a browser does."""

    def __init__(self, base: str, cafile: Path) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.context = ssl.create_default_context(cafile=str(cafile))
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=self.context),
            urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, method: str, path: str, data: dict | None = None, json_body=None,
                headers: dict | None = None):
        body = None
        headers = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)
        try:
            response = self.opener.open(req, timeout=30)
            return response.status, response.headers, response.read(), response.headers.get_all("Set-Cookie") or []
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read(), error.headers.get_all("Set-Cookie") or []

    def cookie(self, name: str):
        return next((c for c in self.jar if c.name == name), None)

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def _open_sockets(worker: testing.ServerProcess) -> float:
    with urllib.request.urlopen(f"{worker.url}/metrics", timeout=5) as response:
        text = response.read().decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("helpline_chat_open_sockets{"))


async def _frames(ws, until, timeout: float = 10.0) -> list[dict]:
    got = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), max(0.01, deadline - loop.time())))
        got.append(frame)
        if until(frame, got):
            return got


async def test_nginx_in_front_of_two_workers(tmp_path):
    _require_nginx()
    from helpline.articles.services import content_load_directory
    from helpline.chat.models import Conversation, Message
    from helpline.chat.tests.conftest import make_staff

    await adb(content_load_directory)(settings.CONTENT_DIR / "articles")
    static_root = tmp_path / "static"
    env = testing.server_env(STATIC_ROOT=str(static_root))
    subprocess.run([sys.executable, "-m", "helpline", "collectstatic", "--noinput", "-v0"],
                   cwd=testing.REPO_DIR, env=env, check=True, timeout=300)

    ports = [testing.free_port(), testing.free_port()]
    (tmp_path / "nginx").mkdir()
    nginx = Nginx(tmp_path / "nginx", ports, static_root)
    common = {
        "REDIS_URL": testing.REDIS_URL, "HELPLINE_CHANNEL_PREFIX": f"d{uuid.uuid4().hex[:10]}",
        "HELPLINE_HTTPS": "1", "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "localhost,127.0.0.1", "CSRF_TRUSTED_ORIGINS": nginx.url,
        "HELPLINE_HOURS_JSON": '{"chat": {"always_open": true}}',
        "HELPLINE_CHAT_TICK_SECONDS": "0.5", "HELPLINE_CHAT_QUEUE_PUSH_DEBOUNCE_SECONDS": "0.1",
        "STATIC_ROOT": str(static_root),
    }
    workers = [testing.ServerProcess(port=p, env=testing.server_env(**common)) for p in ports]
    try:
        for worker in workers:
            worker.start()
        nginx.start()
        visitor = Browser(nginx.url, nginx.cert)
        # Pages, PDF, the Ask API and a static file, all through nginx over TLS.
        status, headers, body, _ = visitor.request("GET", "/en/articles/car-t-how-it-works/")
        assert status == 200 and b"CAR T" in body
        assert "max-age" in headers.get("Strict-Transport-Security", "")
        status, headers, body, _ = visitor.request("GET", "/en/articles/car-t-how-it-works.pdf")
        assert status == 200 and body.startswith(b"%PDF")
        status, _, body, _ = visitor.request("POST", "/api/answers",
                                             json_body={"question": "What is CRS?", "lang": "en"})
        assert status == 200 and json.loads(body)["status"] in ("answered", "urgent", "no_answer")
        css = next(static_root.rglob("*.css")).relative_to(static_root).as_posix()
        status, headers, _, _ = visitor.request("GET", f"/static/{css}")
        assert status == 200 and "public" in headers.get("Cache-Control", "")
        assert visitor.request("GET", "/metrics")[0] == 403

        # X-Forwarded-Proto: the workers see HTTPS, so cookies are Secure and CSRF's
        # origin check passes for the https:// origin (it would refuse an http:// one).
        status, _, body, set_cookies = visitor.request("GET", "/en/chat/")
        assert status == 200
        assert any(c.startswith("csrftoken=") and "Secure" in c for c in set_cookies)
        csrf = visitor.cookie("csrftoken").value
        status, _, _, _ = visitor.request("POST", "/en/chat/", {"csrfmiddlewaretoken": csrf, "first_name": "Ana"},
                                          headers={"Origin": nginx.url.replace("https:", "http:"),
                                                   "Referer": nginx.url + "/en/chat/"})
        assert status == 403, "an http:// origin is refused behind a TLS proxy"
        status, _, body, set_cookies = visitor.request(
            "POST", "/en/chat/", {"csrfmiddlewaretoken": csrf, "first_name": "Ana"},
            headers={"Origin": nginx.url, "Referer": nginx.url + "/en/chat/"})
        assert status == 200, body[:500]
        assert visitor.cookie("sessionid") is not None and visitor.cookie("sessionid").secure
        ws_path = re.search(rb'data-ws-url="([^"]+)"', body).group(1).decode()
        token = re.search(rb'data-token="([^"]+)"', body).group(1).decode()
        conversation_id = await adb(lambda: Conversation.objects.get(token=token).pk)()

        spec = await adb(make_staff)()
        staff_client = Client()
        await adb(staff_client.force_login)(spec)
        staff_cookie = f"sessionid={staff_client.cookies['sessionid'].value}"
        wss = nginx.url.replace("https:", "wss:")

        async def open_visitor(last_seq: int | None = None):
            path = ws_path + (f"?last_seq={last_seq}" if last_seq is not None else "")
            return await ws_connect(wss + path, origin=nginx.url, ssl=visitor.context,
                                    additional_headers={"Cookie": visitor.cookie_header()},
                                    proxy=None, open_timeout=10)

        async def open_staff(last_seq: int | None = None):
            path = f"/ws/chat/staff/{conversation_id}/" + (f"?last_seq={last_seq}" if last_seq is not None else "")
            return await ws_connect(wss + path, origin=nginx.url, ssl=visitor.context,
                                    additional_headers={"Cookie": staff_cookie},
                                    proxy=None, open_timeout=10)

        def where() -> list[float]:
            return [_open_sockets(w) for w in workers]

        vws = await open_visitor()
        await _frames(vws, lambda f, _: f["type"] == "state")
        visitor_on = next(i for i, n in enumerate(await adb(where)()) if n == 1)
        # nginx balances connections round robin: reconnect until the specialist is on the other worker.
        for _ in range(8):
            sws = await open_staff()
            await _frames(sws, lambda f, _: f["type"] == "state")
            counts = await adb(where)()
            if counts[1 - visitor_on] == 1:
                break
            await sws.close()
            await asyncio.sleep(0.2)
        else:
            raise AssertionError("could not place the specialist on the other worker")
        await sws.send(json.dumps({"type": "accept"}))
        await _frames(sws, lambda f, _: f["type"] == "accepted")

        sent: list[str] = []
        staff_seen: list[dict] = []

        async def say(ws, n: int) -> None:
            client_id = f"v{n}"
            sent.append(client_id)
            await ws.send(json.dumps({"type": "message", "id": client_id, "text": f"visitor line {n}"}))

        for n in range(10):
            await say(vws, n)
        await _frames(vws, lambda f, got: sum(1 for g in got if g["type"] == "ack") == 10)
        staff_seen += [f for f in await _frames(
            sws, lambda f, got: sum(1 for g in got if g.get("sender") == "visitor") == 10)
            if f["type"] == "message"]

        # The visitor's worker restarts mid-chat: lines in flight, then a reconnect through nginx
        # (to the other worker while this one is down) resuming from the last seq it holds.
        for n in range(10, 15):
            await say(vws, n)
        workers[visitor_on].stop()
        with pytest.raises(Exception):
            await _frames(vws, lambda f, _: False, timeout=5)
        vws = await open_visitor(last_seq=0)
        for n in range(10, 20):
            if n >= 15:
                sent.append(f"v{n}")
            await vws.send(json.dumps({"type": "message", "id": f"v{n}", "text": f"visitor line {n}"}))
        await _frames(vws, lambda f, got: len({g["id"] for g in got if g["type"] == "ack"}) == 10, timeout=20)
        workers[visitor_on].start()
        staff_seen += [f for f in await _frames(
            sws, lambda f, got: len([g for g in got if g.get("sender") == "visitor"]) >= 10, timeout=20)
            if f["type"] == "message"]
        await vws.close()
        await sws.close()
    finally:
        nginx.stop()
        for worker in workers:
            worker.stop()
        await adb(connections.close_all)()

    stored = await adb(lambda: list(Message.objects.filter(
        conversation__token=token, sender="visitor").order_by("seq").values_list("client_id", flat=True)))()
    assert stored == [f"v{n}" for n in range(20)], "every line once, in order"
    texts = [f["text"] for f in staff_seen if f.get("sender") == "visitor"]
    assert texts == [f"visitor line {n}" for n in range(20)], "the specialist got every line once, in order"
