"""Quick exit in a real browser (Debian's chromium): the button and Esc twice both
leave for the neutral site and replace the current history entry, so Back does
not return to the page the visitor was reading."""

from __future__ import annotations

import pytest

from helpline.common.testing import launch_chromium, running_server

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_quick_exit_button_and_double_escape() -> None:
    from playwright.sync_api import sync_playwright

    with running_server() as neutral:  # stands in for the neutral site (loopback only)
        exit_url = f"{neutral.url}/robots.txt"
        with running_server(HELPLINE_QUICK_EXIT_URL=exit_url) as server, sync_playwright() as pw:
            browser = launch_chromium(pw)
            try:
                page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                # Failed requests (but not the browser's own favicon probe).
                page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
                        if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)

                # Esc twice.
                page.goto(server.url + "/en/")
                page.goto(server.url + "/en/about/")
                page.keyboard.press("Escape")
                page.keyboard.press("Escape")
                page.wait_for_url(exit_url, timeout=10_000)
                page.go_back()
                page.wait_for_load_state()
                assert page.url == server.url + "/en/", "the about page stayed in the history"

                # The button, reached with the keyboard, in Spanish.
                page.goto(server.url + "/es/about/")
                button = page.locator("#quick-exit")
                assert button.is_visible()
                assert button.inner_text().strip() == "Salida rápida"
                button.focus()
                page.keyboard.press("Enter")
                page.wait_for_url(exit_url, timeout=10_000)
                page.go_back()
                page.wait_for_load_state()
                assert page.url != server.url + "/es/about/"

                # A single Esc (e.g. closing a menu) does not leave.
                page.goto(server.url + "/en/")
                page.keyboard.press("Escape")
                page.wait_for_timeout(1200)
                page.keyboard.press("Escape")
                page.wait_for_timeout(300)
                assert page.url == server.url + "/en/"
                assert errors == [], errors
            finally:
                browser.close()
