"""Real-browser tests: Debian's chromium driven by Playwright against a real server.

Each test starts its own uvicorn process on loopback against the test database
(``django_db(transaction=True)`` so the server sees committed data), with the
chat opening hours forced open or closed through ``HELPLINE_HOURS_JSON``.
Screenshots of every step go to ``test-artifacts/browser/`` (git-ignored).
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from helpline.accounts import testing as staff_testing
from helpline.common import testing

BROWSER_DIR = Path(__file__).resolve().parent
AXE_JS = BROWSER_DIR / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = testing.REPO_DIR / "test-artifacts" / "browser"
PASSWORD = "correct horse battery staple"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}

_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
HOURS_OPEN = json.dumps({"chat": {"weekly": {d: [["00:00", "24:00"]] for d in _DAYS},
                                  "holidays": []}})
HOURS_CLOSED = json.dumps({"chat": {"weekly": {d: [] for d in _DAYS}, "holidays": []}})


@pytest.fixture
def playwright_browser(transactional_db, monkeypatch):
    """A chromium for one test, launched after the test database is set up.

    Playwright's sync API keeps an event loop in this thread, which makes Django
    refuse ORM calls; the test's own set-up and checks are plain synchronous
    code, so allow them for this test only.
    """
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = testing.launch_chromium(p)
        yield browser
        browser.close()


@pytest.fixture
def axe_path() -> Path:
    if not AXE_JS.exists():
        reason = ("axe-core is not installed in tests/browser/node_modules "
                  "(run `npm ci` in tests/browser; `make test` does it)")
        if testing.in_ci():
            pytest.fail(f"CI=true but {reason}", pytrace=False)
        pytest.skip(reason)
    return AXE_JS


class Shots:
    """Numbered screenshots of one journey: test-artifacts/browser/<journey>/NN-step.png."""

    def __init__(self, name: str) -> None:
        self.dir = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "-", name)
        self.dir.mkdir(parents=True, exist_ok=True)
        for old in self.dir.glob("*.png"):
            old.unlink()
        self.n = 0

    def __call__(self, page, step: str) -> None:
        self.n += 1
        page.screenshot(path=str(self.dir / f"{self.n:02d}-{step}.png"), full_page=True)


@pytest.fixture
def shots(request) -> Shots:
    return Shots(request.node.name)


def load_content() -> None:
    from helpline.articles.services import content_load_directory

    content_load_directory(settings.CONTENT_DIR / "articles")


def make_specialist(username: str = "sam", *roles: str):
    from django.utils import timezone

    from helpline.chat.models import SpecialistStatus

    user = staff_testing.make_staff(username, "specialist", *roles)
    SpecialistStatus.objects.update_or_create(
        user=user, defaults={"available": True, "languages": ["en", "es"], "max_concurrent": 3,
                             "last_seen": timezone.now(), "display_name": username.title()},
    )
    return user


@contextlib.contextmanager
def server(chat_open: bool = True):
    with testing.running_server(HELPLINE_HOURS_JSON=HOURS_OPEN if chat_open else HOURS_CLOSED) as srv:
        yield srv


def new_page(browser, viewport=DESKTOP, **kwargs):
    context = browser.new_context(viewport=viewport, locale="en-US", accept_downloads=True,
                                  **kwargs)
    context.set_default_timeout(15_000)
    return context, context.new_page()


def login(page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}/en/staff/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert "/staff/login/" not in page.url, page.content()[:2000]
