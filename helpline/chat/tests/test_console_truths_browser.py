"""What the console and the public pages claim, checked in Debian's chromium against a real
server: an urgent flag raised mid-chat is shown and announced without a reload (to the
assigned specialist and to a supervisor), suggestions are in the conversation's language and
absent rather than off-topic, and chat is offered as open only while someone is on duty."""

from __future__ import annotations

import json

import pytest

from helpline.common.testing import launch_chromium, running_server

OPEN_JSON = json.dumps({"chat": {"always_open": True}})

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _page(browser):
    return browser.new_context(viewport={"width": 360, "height": 740}).new_page()


def _sign_in(browser, base_url: str, user):
    page = _page(browser)
    page.goto(base_url + "/en/staff/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    return page


@pytest.mark.django_db(transaction=True)
def test_urgent_flag_mid_chat_alerts_specialist_and_supervisor_live_and_suggestions_stay_on_topic(
        staff_factory):
    from django.core.management import call_command
    from playwright.sync_api import expect, sync_playwright

    call_command("loadcontent", verbosity=0)  # articles for suggested passages
    alice = staff_factory(first_name="Alice", languages=["en"])
    sue = staff_factory("supervisor", first_name="Sue", languages=["en"])
    with running_server(HELPLINE_HOURS_JSON=OPEN_JSON) as server, sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            visitor = _page(browser)
            visitor.goto(server.url + "/en/chat/")
            visitor.get_by_label("What would you like to talk about? (optional)").fill("Hello")
            visitor.get_by_role("button", name="Start chat").click()
            visitor.wait_for_url("**/en/chat/room/")

            staff = _sign_in(browser, server.url, alice)
            staff.goto(server.url + "/en/chat/console/")
            staff.locator("#queue-body tr[data-id]").first.get_by_role(
                "button", name="Accept").click()
            staff.wait_for_url("**/en/chat/console/c/*/")
            conversation_url = staff.url
            # Alice also keeps her console home open, as specialists do.
            home = staff.context.new_page()
            home.goto(server.url + "/en/chat/console/")
            supervisor = _sign_in(browser, server.url, sue)
            supervisor.goto(server.url + "/en/chat/console/")
            for page in (staff, home, supervisor):
                expect(page.locator("#console-alert")).to_be_hidden()
            expect(visitor.locator("#chat-status")).to_contain_text("Alice")

            # On topic: English passages only, none marked as another language.
            visitor.get_by_label("Your message").fill(
                "What are the signs of cytokine release syndrome?")
            visitor.get_by_label("Your message").press("Enter")
            suggestions = staff.locator("#suggestions li[lang]")
            expect(suggestions.first).to_be_visible()
            langs = suggestions.evaluate_all("items => items.map(li => li.lang)")
            assert langs and set(langs) == {"en"}, langs
            assert staff.locator("#suggestions li[data-other-language]").count() == 0

            # Off topic: nothing is suggested (and so nothing can be inserted).
            visitor.get_by_label("Your message").fill("What is the weather tomorrow in Paris?")
            visitor.get_by_label("Your message").press("Enter")
            expect(staff.locator("#suggestions")).to_contain_text("No suggestions yet.")
            assert staff.locator("#suggestions button.insert").count() == 0

            # Mid-chat, the visitor describes an urgent sign: no page is reloaded.
            visitor.get_by_label("Your message").fill("He has a fever of 38.5 tonight")
            visitor.get_by_label("Your message").press("Enter")
            for page in (staff, home, supervisor):
                alert = page.locator("#console-alert[role=alert]")
                expect(alert).to_be_visible()
                expect(alert).to_contain_text("Urgent")
            assert staff.url == conversation_url
            # The supervisor's alert leads to the conversation.
            supervisor.locator("#console-alert a").click()
            supervisor.wait_for_url(conversation_url)
        finally:
            browser.close()


@pytest.mark.django_db(transaction=True)
def test_launcher_claims_chat_only_while_a_specialist_is_on_duty(staff_factory):
    from playwright.sync_api import expect, sync_playwright

    alice = staff_factory(first_name="Alice", languages=["en"], online=False)  # console closed
    with running_server(HELPLINE_HOURS_JSON=OPEN_JSON) as server, sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            visitor = _page(browser)
            visitor.goto(server.url + "/en/")
            visitor.locator("#chat-launcher summary").click()
            launcher = visitor.locator("#chat-launcher")
            expect(launcher).to_contain_text("No specialist is on duty for chat at this moment.")
            expect(launcher.get_by_role("link", name="Ask us to call you back")).to_be_visible()
            expect(launcher.locator("a[href^='tel:']")).to_be_visible()
            assert launcher.locator("[data-chat-start]").count() == 0
            visitor.goto(server.url + "/en/chat/")
            expect(visitor.locator("#chat-none-on-duty")).to_be_visible()

            # Alice opens her console: she is on duty, and the same pages now offer chat.
            staff = _sign_in(browser, server.url, alice)
            staff.goto(server.url + "/en/chat/console/")
            expect(staff.locator("#console-connection")).to_contain_text("Console connected.")
            visitor.goto(server.url + "/en/")
            visitor.locator("#chat-launcher summary").click()
            expect(launcher).to_contain_text("Live chat is open now.")
            expect(launcher.locator("[data-chat-start]")).to_be_visible()
            visitor.goto(server.url + "/en/chat/")
            assert visitor.locator("#chat-none-on-duty").count() == 0
        finally:
            browser.close()
