"""Security headers, CSP without inline script, CSRF, deploy checks, and no
stack traces or settings leaked with DEBUG off (checked on a real server)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from html.parser import HTMLParser

import pytest

from helpline.common.middleware import CONTENT_SECURITY_POLICY
from helpline.common.testing import REPO_DIR, running_server

PUBLIC_PAGES = ["/en/", "/es/", "/en/about/", "/es/privacy/", "/en/staff/login/",
                "/en/ask/", "/en/chat/", "/en/resources/", "/en/how-we-review/"]


class _InlineFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = {name.lower(): value for name, value in attrs}
        if tag == "script":
            if "src" not in names:
                self.problems.append("inline <script>")
            self._in_script = True
        if "style" in names:
            self.problems.append(f"style= on <{tag}>")
        for name in names:
            if name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}>")
        if tag == "a" and (names.get("href") or "").strip().lower().startswith("javascript:"):
            self.problems.append("javascript: link")


def _directives(policy: str) -> dict[str, str]:
    return {part.strip().split(" ", 1)[0]: part.strip() for part in policy.split(";")}


def test_policy_is_strict() -> None:
    d = _directives(CONTENT_SECURITY_POLICY)
    assert d["script-src"] == "script-src 'self'"
    assert d["frame-ancestors"] == "frame-ancestors 'none'"
    assert d["object-src"] == "object-src 'none'"
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "unsafe-eval" not in CONTENT_SECURITY_POLICY


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_headers_and_no_inline_script(client, path) -> None:
    response = client.get(path)
    if path in ("/en/", "/en/staff/login/"):
        assert response.status_code == 200
    if response.status_code != 200:
        pytest.skip(f"{path} answers {response.status_code} (page belongs to another app)")
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    finder = _InlineFinder()
    finder.feed(response.content.decode())
    assert finder.problems == [], f"{path}: {finder.problems}"


@pytest.mark.django_db
def test_quick_exit_on_public_pages(client) -> None:
    body = client.get("/en/").content.decode()
    assert 'id="quick-exit"' in body
    assert "helpline/js/site.js" in body
    script = (REPO_DIR / "helpline/static/helpline/js/site.js").read_text()
    assert "location.replace" in script and "Escape" in script


@pytest.mark.django_db
def test_csrf_enforced_on_forms() -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/en/staff/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = client.get("/en/staff/login/")
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()


def test_deploy_checks_pass_with_production_settings(tmp_path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "helpline.settings",
        "DEBUG": "0",
        "HELPLINE_TESTING": "0",
        "HELPLINE_HTTPS": "1",
        "SECRET_KEY": "k" * 10 + "a-long-random-looking-production-secret-0123456789-xyz",
        "HELPLINE_VAR_DIR": str(tmp_path),
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    found = {line.split(")")[0].split("(")[-1] for line in output.splitlines() if "(security." in line}
    # Redirect to HTTPS is the proxy's job; HSTS preload is the operator's choice.
    assert found <= {"security.W008", "security.W021"}, output


def test_production_refuses_to_start_without_secret_key(tmp_path) -> None:
    env = {**os.environ, "DEBUG": "0", "HELPLINE_TESTING": "0", "SECRET_KEY": "",
           "HELPLINE_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "helpline.settings"}
    env.pop("SECRET_KEY_FILE", None)
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"],
                            cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "must be set when DEBUG is off" in result.stderr


def _get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


LEAKS = ["Traceback", "hunter2", "test-secret-key", "DATABASES", "SECRET_KEY", "File \"",
         "Using the URLconf", "Request Method", "django.core", "RuntimeError"]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_no_stack_traces_or_settings_with_debug_off() -> None:
    with running_server(DJANGO_SETTINGS_MODULE="helpline.common.tests.faulty_settings",
                        HELPLINE_HTTPS="1") as server:
        status, headers, body = _get(f"{server.url}/boom/")
        assert status == 500
        assert "Something went wrong" in body
        for leak in LEAKS:
            assert leak not in body, leak
        status, headers, body = _get(f"{server.url}/api/boom")
        # The error carries only the request id, which the operator's log line also has.
        error = json.loads(body)
        assert status == 500 and error["error"] == "server error" and set(error) == {"error", "request_id"}
        assert error["request_id"] == headers["X-Request-ID"]
        status, headers, body = _get(f"{server.url}/en/no-such-page/")
        assert status == 404
        for leak in LEAKS:
            assert leak not in body, leak
        status, headers, body = _get(f"{server.url}/en/", {"Host": "evil.example"})
        assert status == 400
        for leak in LEAKS + ["ALLOWED_HOSTS", "evil.example"]:
            assert leak not in body, leak
        # Behind TLS (the proxy says https): HSTS and secure cookies.
        status, headers, body = _get(f"{server.url}/en/staff/login/",
                                     {"X-Forwarded-Proto": "https"})
        assert status == 200, body
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
        cookie = " ".join(headers.get_all("Set-Cookie") or [])
        assert "csrftoken=" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        # The operator still gets the traceback in the server log.
        assert "hunter2-leak" in server.log()
