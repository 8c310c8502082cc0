"""The chat pages in Debian's chromium: a visitor and a specialist, each in a real browser
page at phone width, talking through a real server. Checks the scripts, not just the HTML:
keyboard use, text-only rendering, who joined, live messages, reload without loss or repeats."""

from __future__ import annotations

import json
import re

import pytest

from helpline.common.testing import launch_chromium, running_server

OPEN_JSON = json.dumps({"chat": {"always_open": True}})

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _seed_console_lists() -> None:
    """Transactional tests empty every table afterwards, data migrations included: put the
    seeded canned responses and topics back (the migration's own function)."""
    import importlib

    from django.apps import apps

    importlib.import_module("helpline.chat.console.migrations.0002_seed").seed(apps, None)


def _phone_page(browser):
    return browser.new_context(viewport={"width": 360, "height": 740}).new_page()


def _start_chat(browser, base_url: str, first_message: str):
    """A visitor at phone width starts a chat from the start page; returns the room page."""
    page = _phone_page(browser)
    page.goto(base_url + "/en/chat/")
    page.get_by_label("What would you like to talk about? (optional)").fill(first_message)
    page.get_by_role("button", name="Start chat").click()
    page.wait_for_url("**/en/chat/room/")
    return page


def _no_overflow(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1, page.url


@pytest.mark.django_db(transaction=True)
def test_visitor_and_specialist_in_real_browsers(staff_factory):
    from django.core.management import call_command
    from playwright.sync_api import expect, sync_playwright

    call_command("loadcontent", verbosity=0)  # articles for suggested passages
    _seed_console_lists()
    alice = staff_factory(first_name="Alice", languages=["en"])
    with running_server(HELPLINE_HOURS_JSON=OPEN_JSON) as server, sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            problems: list[str] = []
            visitor = _phone_page(browser)
            visitor.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            visitor.on("pageerror", lambda e: problems.append(str(e)))

            # The launcher is on the home page and opens with the keyboard.
            visitor.goto(server.url + "/en/")
            visitor.locator("#chat-launcher summary").focus()
            visitor.keyboard.press("Enter")
            expect(visitor.locator("#chat-launcher [data-chat-start]")).to_be_visible()
            _no_overflow(visitor)

            # Start by keyboard only.
            visitor.goto(server.url + "/en/chat/")
            visitor.get_by_label("First name (optional)").focus()
            visitor.keyboard.type("Ann")
            visitor.keyboard.press("Tab")
            visitor.keyboard.type("Hello")
            visitor.keyboard.press("Tab")
            visitor.keyboard.press("Enter")
            visitor.wait_for_url("**/en/chat/room/")
            expect(visitor.locator("#chat-nojs")).to_be_hidden()
            expect(visitor.locator("#chat-compose")).to_be_visible()
            expect(visitor.locator("#chat-status")).to_contain_text("in line")
            # The live position frame adds the wait estimate (none yet: nobody accepted lately).
            expect(visitor.locator("#chat-status")).to_contain_text("estimate the wait")
            _no_overflow(visitor)

            # HTML typed by the visitor stays text; Enter sends.
            visitor.get_by_label("Your message").fill('<img src=x id="pwned"> is this normal?')
            visitor.get_by_label("Your message").press("Enter")
            mine = visitor.locator("#chat-log li.mine").last
            expect(mine).to_contain_text('<img src=x id="pwned"> is this normal?')
            expect(mine).not_to_have_class("pending")
            assert visitor.locator("#pwned").count() == 0

            # The specialist signs in, sees the chat in the live queue and accepts it.
            staff = _phone_page(browser)
            staff.on("pageerror", lambda e: problems.append(str(e)))
            staff.goto(server.url + "/en/staff/login/")
            staff.get_by_label("Username").fill(alice.username)
            staff.get_by_label("Password").fill("correct-horse-battery")
            staff.get_by_role("button", name="Sign in").click()
            staff.goto(server.url + "/en/chat/console/")
            row = staff.locator("#queue-body tr", has_text="Ann")
            expect(row).to_be_visible()
            row.get_by_role("button", name="Accept").click()
            staff.wait_for_url("**/en/chat/console/c/*/")
            expect(visitor.locator("#chat-status")).to_contain_text("Alice")

            # Live messages both ways; the specialist inserts a canned response.
            staff.locator(".canned-list button.insert").first.click()
            reply = staff.get_by_label("Reply")
            expect(reply).to_have_value("Hello, thank you for reaching out. I'm a cancer "
                                        "information specialist. How can I help you today?")
            reply.press("Enter")
            expect(visitor.locator("#chat-log li").last).to_contain_text("How can I help you today?")
            # The server acks the sender instead of echoing: both pages still show the line,
            # numbered, in order (a line without its seq once made later lines jump above it).
            staff_line = staff.locator("#chat-log li").last
            expect(staff_line).to_contain_text("How can I help you today?")
            expect(staff_line).not_to_have_class(re.compile("pending"))
            expect(staff_line).to_have_attribute("data-seq", re.compile(r"^\d+$"))
            for page in (visitor, staff):
                live = page.locator("#chat-log li").evaluate_all(
                    "items => items.map(li => Number(li.dataset.seq || 0))")
                assert 0 not in live and live == sorted(live), live
            visitor.get_by_label("Your message").fill("What are the signs of cytokine release syndrome?")
            visitor.get_by_label("Your message").press("Enter")
            expect(staff.locator("#chat-log li").last).to_contain_text("cytokine release syndrome?")

            # Suggested passages follow the visitor's last message; Insert quotes one with its link.
            suggestion = staff.locator("#suggestions li", has=staff.locator(
                "a[href*='cytokine-release-syndrome']")).first
            expect(suggestion).to_be_visible()
            suggestion.get_by_role("button", name="Insert").click()
            expect(reply).to_have_value(re.compile(r"^“.+”\n— .+: .*cytokine-release-syndrome", re.S))
            reply.fill("")

            # A reload shows every message once, in order.
            visitor.reload()
            expect(visitor.locator("#chat-compose")).to_be_visible()
            visitor.wait_for_timeout(500)
            seqs = visitor.locator("#chat-log li[data-seq]").evaluate_all(
                "items => items.map(li => Number(li.dataset.seq))")
            assert seqs == sorted(set(seqs)) and seqs == list(range(1, len(seqs) + 1))

            # The specialist closes; the visitor's page says so and offers the rating page.
            staff.get_by_role("button", name="Close conversation").click()
            expect(visitor.locator("#chat-status")).to_contain_text("ended")
            expect(visitor.locator("#chat-compose")).to_be_hidden()
            visitor.get_by_role("button", name="Rate this chat or get the transcript").click()
            visitor.wait_for_url("**/en/chat/feedback/")
            visitor.get_by_label("5 – Very helpful").check()
            visitor.get_by_role("button", name="Send feedback").click()
            expect(visitor.locator("body")).to_contain_text("we have your rating")
            _no_overflow(visitor)
            assert not [p for p in problems if "Content Security Policy" in p or "Error" in p], problems
        finally:
            browser.close()


@pytest.mark.django_db(transaction=True)
def test_visitor_page_survives_a_server_crash_without_losing_or_repeating_messages():
    from playwright.sync_api import expect, sync_playwright

    from helpline.chat.models import Message
    from helpline.common.testing import ServerProcess, free_port, server_env

    port = free_port()
    env = server_env(HELPLINE_HOURS_JSON=OPEN_JSON)
    server = ServerProcess(port=port, env=env).start()
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            try:
                page = _start_chat(browser, server.url, "First")
                expect(page.locator("#chat-compose")).to_be_visible()
                expect(page.locator("#chat-connection")).to_be_hidden()

                server.kill()  # the connection drops
                expect(page.locator("#chat-connection")).to_contain_text("Reconnecting")
                box = page.get_by_label("Your message")
                box.fill("Typed while offline")
                box.press("Enter")
                expect(page.locator("#chat-log li.pending")).to_have_count(1)

                server = ServerProcess(port=port, env=env).start()
                expect(page.locator("#chat-log li.pending")).to_have_count(0, timeout=30000)
                expect(page.locator("#chat-connection")).to_be_hidden(timeout=30000)
                texts = page.locator("#chat-log li").evaluate_all(
                    "items => items.map(li => li.lastChild.textContent)")
                assert texts == ["First", "Typed while offline"]
                # A reload shows the same, once each.
                page.reload()
                page.wait_for_timeout(1000)
                assert page.locator("#chat-log li").count() == 2
                assert page.locator("#chat-log li.pending").count() == 0
            finally:
                browser.close()
    finally:
        server.stop()
    # Stored once on the server.
    assert list(Message.objects.filter(sender="visitor").order_by("seq")
                .values_list("text", flat=True)) == ["First", "Typed while offline"]


@pytest.mark.redis
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_visitor_page_says_chat_is_unavailable_while_redis_is_down_and_recovers():
    """Redis (the channel layer) stops: the page says live chat is briefly unavailable,
    keeps the typed line and retries; when Redis is back the line is sent once."""
    import uuid

    from playwright.sync_api import expect, sync_playwright

    from helpline.chat.models import Message
    from helpline.common.testing import PrivateRedis

    redis = PrivateRedis().start()
    try:
        with running_server(HELPLINE_HOURS_JSON=OPEN_JSON,
                            REDIS_URL=redis.url,
                            HELPLINE_CHANNEL_PREFIX=f"uiredis{uuid.uuid4().hex[:6]}") as server, \
                sync_playwright() as pw:
            browser = launch_chromium(pw)
            try:
                page = _start_chat(browser, server.url, "First")
                expect(page.locator("#chat-connection")).to_be_hidden()

                redis.stop()
                connection = page.locator("#chat-connection")
                expect(connection).to_contain_text("briefly unavailable", timeout=15000)
                box = page.get_by_label("Your message")
                box.fill("Typed while chat was unavailable")
                box.press("Enter")
                expect(page.locator("#chat-log li.pending")).to_have_count(1)
                page.wait_for_timeout(2000)  # it keeps retrying and keeps saying so
                expect(connection).to_contain_text("briefly unavailable")

                redis.start()
                expect(page.locator("#chat-log li.pending")).to_have_count(0, timeout=45000)
                expect(connection).to_be_hidden(timeout=10000)
            finally:
                browser.close()
    finally:
        redis.stop()
    assert list(Message.objects.filter(sender="visitor").order_by("seq")
                .values_list("text", flat=True)) == ["First", "Typed while chat was unavailable"]


@pytest.mark.django_db(transaction=True)
def test_spanish_visitor_is_told_when_nobody_is_on_duty_for_their_language(staff_factory):
    """Only an English-speaking specialist is on duty: the Spanish visitor keeps a place in
    line and is told, in Spanish, that nobody is on duty for Spanish (no wait estimate)."""
    from playwright.sync_api import expect, sync_playwright

    staff_factory(first_name="Alice", languages=["en"])
    with running_server(HELPLINE_HOURS_JSON=OPEN_JSON) as server, sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = _phone_page(browser)
            page.goto(server.url + "/es/chat/")
            page.get_by_role("button", name="Iniciar el chat").click()
            page.wait_for_url("**/es/chat/room/")
            status = page.locator("#chat-status")
            expect(status).to_contain_text("ningún especialista de turno para su idioma")
            expect(status).to_contain_text("1-800-555-0199")
            assert "calcular la espera" not in status.inner_text()
            _no_overflow(page)
        finally:
            browser.close()
