"""What a chat leaves on the visitor's device (issue 14, finding 3)."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from helpline.accounts.testing import make_staff

OPEN = {"chat": {"always_open": True}}

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@override_settings(HELPLINE_HOURS=OPEN)
def test_visitor_session_cookie_lasts_for_the_browser_session_only():
    client = Client()
    response = client.post("/en/chat/", {"first_name": "Ana", "message": "hello"})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert not cookie["expires"] and not cookie["max-age"]
    assert client.session.get_expire_at_browser_close()


@override_settings(HELPLINE_HOURS=OPEN)
def test_staff_sessions_keep_their_lifetime():
    client = Client()
    client.force_login(make_staff("sam", "specialist"))
    assert not client.session.get_expire_at_browser_close()


@override_settings(HELPLINE_HOURS=OPEN)
def test_every_chat_page_says_no_store():
    client = Client()
    assert _no_store(client.get("/en/chat/"))
    assert _no_store(client.post("/en/chat/", {"first_name": "", "message": ""}))
    assert _no_store(client.get("/en/chat/callback/"))
    client.post("/en/chat/", {"first_name": "Ana", "message": "hello"})
    assert _no_store(client.get("/en/chat/room/"))
    assert _no_store(client.post("/en/chat/end/"))
    assert _no_store(client.get("/en/chat/feedback/"))
    assert _no_store(client.get("/en/my-chat/delete/"))
    staff = Client()
    staff.force_login(make_staff("sue", "specialist"))
    assert _no_store(staff.get("/en/chat/console/"))
    assert _no_store(staff.get("/en/chat/console/queue.json"))


@override_settings(HELPLINE_HOURS=OPEN)
def test_an_ended_chat_is_not_shown_again():
    client = Client()
    client.post("/en/chat/", {"first_name": "Ana", "message": "my lump on the left side"})
    assert "my lump on the left side" in client.get("/en/chat/room/").content.decode()
    client.post("/en/chat/end/")
    room = client.get("/en/chat/room/", follow=True)
    assert "my lump on the left side" not in room.content.decode()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_browser_storage_holds_no_token_and_is_cleared_on_end_and_quick_exit():
    import json

    from playwright.sync_api import sync_playwright

    from helpline.common.testing import launch_chromium, running_server

    stored = "[localStorage.getItem('helpline.chat'), sessionStorage.getItem('helpline.chat')]"
    with running_server(HELPLINE_HOURS_JSON=json.dumps(OPEN),
                        HELPLINE_QUICK_EXIT_URL="https://exit.example/") as server, \
            sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
            page.route("https://exit.example/**", lambda route: route.fulfill(body="bye"))

            def start(text):
                page.goto(server.url + "/en/chat/")
                page.get_by_label("What would you like to talk about? (optional)").fill(text)
                page.get_by_role("button", name="Start chat").click()
                page.wait_for_url("**/en/chat/room/")
                page.wait_for_function("sessionStorage.getItem('helpline.chat') !== null")
                return page.locator("#chat-app").get_attribute("data-token")

            token = start("first chat")
            local, session = page.evaluate(stored)
            assert local is None and token not in session
            # the launcher still offers to return to the chat in progress
            page.goto(server.url + "/en/")
            launcher = page.locator("#chat-launcher")
            assert launcher.locator("summary").inner_text() == launcher.get_attribute(
                "data-resume-label")
            page.goto(server.url + "/en/chat/room/")
            # End chat: the saved state is gone
            page.get_by_role("button", name="End chat").click()
            page.wait_for_url("**/en/chat/feedback/")
            assert page.evaluate(stored) == [None, None]
            # Quick exit from a second chat: gone too
            start("second chat")
            page.locator("#quick-exit").click()
            page.wait_for_url("https://exit.example/**")
            page.goto(server.url + "/en/")
            assert page.evaluate(stored) == [None, None]
        finally:
            browser.close()
