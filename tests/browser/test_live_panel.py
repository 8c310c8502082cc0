"""The dashboard's live panel in chromium at 360x740: a visitor starts a chat in another
browser and the supervisor's panel shows it without a reload; the longest wait counts up
between frames; when the server goes away the panel says its figures are paused."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, login, make_specialist, new_page, server

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TOTAL = "#live-table tr.live-total"
ENGLISH = '#live-table tr[data-language="en"]'


def _no_overflow(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{page.url}: {width}px wide"


def test_the_queue_on_the_panel_changes_without_a_reload(playwright_browser, shots):
    from helpline.accounts.testing import make_staff

    make_specialist("sam")
    make_staff("sue", "supervisor")
    with server(chat_open=True) as srv:
        context, page = new_page(playwright_browser, PHONE)
        login(page, srv.url, "sue", "/en/staff/dashboard/")
        assert "/staff/dashboard/" in page.url
        expect(page.locator(f"{TOTAL} [data-field=queue]")).to_have_text("0")
        expect(page.locator(f"{TOTAL} [data-field=wait]")).to_have_text("—")
        expect(page.locator("#live-static")).to_be_hidden()  # the script took over
        page.wait_for_selector("#live-panel[data-live=on]", state="attached")  # a first frame
        _no_overflow(page)
        shots(page, "panel-empty")
        page.evaluate("window.__sameDocument = true")  # gone if the page were reloaded
        updated_before = page.locator("#live-updated").get_attribute("datetime")

        vctx, visitor = new_page(playwright_browser, PHONE)
        visitor.goto(f"{srv.url}/en/chat/")
        visitor.locator("textarea[name=message]").fill("Is a fever normal after CAR T?")
        visitor.get_by_role("button", name="Start chat").click()
        visitor.wait_for_url("**/en/chat/room/")

        expect(page.locator(f"{TOTAL} [data-field=queue]")).to_have_text("1")
        expect(page.locator(f"{ENGLISH} [data-field=queue]")).to_have_text("1")
        expect(page.locator('#live-table tr[data-language="es"] [data-field=queue]')).to_have_text("0")
        assert page.evaluate("window.__sameDocument") is True
        assert page.locator("#live-updated").get_attribute("datetime") != updated_before
        # Announced once, politely (the region is not the table, which changes every second).
        expect(page.locator("#live-announce")).to_have_text(
            re.compile(r"^In the queue: 1\. Specialists on duty: \d+\.$"))
        assert page.locator("#live-announce").get_attribute("aria-live") == "polite"
        # The longest wait counts up between frames, from the chat's start time.
        wait = page.locator(f"{TOTAL} [data-field=wait]")
        expect(wait).to_have_text(re.compile(r"^\d+ s$"))
        first = int(wait.inner_text().split()[0])
        page.wait_for_function(
            "([sel, first]) => parseInt(document.querySelector(sel).textContent, 10) >= first + 2",
            arg=[f"{TOTAL} [data-field=wait]", first], timeout=10_000)
        _no_overflow(page)
        shots(page, "panel-one-waiting")

        # The visitor leaves (ends the chat): the queue empties, still without a reload.
        visitor.locator("#chat-end-form button").click()
        visitor.wait_for_url("**/en/chat/feedback/")
        expect(page.locator(f"{TOTAL} [data-field=queue]")).to_have_text("0")
        expect(wait).to_have_text("—")
        assert page.evaluate("window.__sameDocument") is True
        vctx.close()
    # The server is gone: the panel says so and stops counting.
    expect(page.locator("#live-paused")).to_be_visible(timeout=10_000)
    assert page.locator("#live-panel").get_attribute("data-live") == "paused"
    expect(page.locator("#live-paused")).to_contain_text("Live updates paused")
    _no_overflow(page)
    shots(page, "panel-paused")
    context.close()
