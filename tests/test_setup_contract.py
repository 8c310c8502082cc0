"""The set-up contract: what `make serve` does works on an empty machine folder."""

import os
import re
import subprocess
import sys
import time
import urllib.request

import pytest

from helpline.common.testing import REPO_DIR, free_port


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "HELPLINE_TESTING", "DEBUG"}}
    env.update(HELPLINE_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="helpline.settings",
               **extra)
    return env


def test_secret_key_is_required_when_debug_is_off(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=REPO_DIR, env=_env(tmp_path, DEBUG="0"), capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.slow
def test_serve_pipeline_answers_both_languages(tmp_path):
    """migrate + loadcontent --if-empty + collectstatic + uvicorn, as `make serve` runs them."""
    env = _env(tmp_path, SECRET_KEY="contract-test-key", HELPLINE_HTTPS="0", DEBUG="0")
    for args in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"],
                 ["loadcontent", "--if-empty"], ["loadcontent", "--if-empty"]):
        done = subprocess.run([sys.executable, "-m", "helpline", *args], cwd=REPO_DIR, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
    assert "nothing to do" in done.stdout  # the second load found the content there
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "helpline.asgi:application", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        cwd=REPO_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        statuses = {}
        while time.monotonic() < deadline and len(statuses) < 2:
            for path in ("/en/", "/es/"):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
                        statuses[path] = (r.status, r.read().decode())
                except OSError:
                    time.sleep(0.3)
        assert statuses["/en/"][0] == 200 and '<html lang="en">' in statuses["/en/"][1]
        assert statuses["/es/"][0] == 200 and '<html lang="es">' in statuses["/es/"][1]
        assert "CAR T" in statuses["/en/"][1]
        # Static files: content-hashed names, compressed, cached for a long time.
        css = re.search(r'href="(/static/helpline/css/site\.[0-9a-f]{12}\.css)"', statuses["/en/"][1])
        assert css, "the stylesheet is not served under a hashed name"
        request = urllib.request.Request(f"http://127.0.0.1:{port}{css.group(1)}",
                                         headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=5) as r:
            assert r.status == 200
            assert r.headers["Content-Encoding"] == "gzip"
            assert "immutable" in r.headers["Cache-Control"]
            assert int(r.headers["Cache-Control"].split("max-age=")[1].split(",")[0]) >= 365 * 86400
    finally:
        server.terminate()
        server.wait(10)
