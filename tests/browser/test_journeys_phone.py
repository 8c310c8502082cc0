"""Logging a phone call through the console in chromium, at phone (360x740) and desktop
(1280x800) sizes: "Log a call", the record's fields, the triage message appearing when an
urgent sign is ticked (by keyboard), referrals read out, completion, and the dashboard."""

from __future__ import annotations

import importlib

import pytest

from .conftest import PHONE, login, make_specialist, new_page, server
from .test_accessibility import run_axe

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DESKTOP_800 = {"width": 1280, "height": 800}
FEVER = "Fever of 38 °C (100.4 °F) or higher"


def _seed() -> None:
    """Transactional tests empty the tables the data migrations filled: put the topics back."""
    from django.apps import apps

    from helpline.resources.services import load_sample_resources

    importlib.import_module("helpline.chat.console.migrations.0002_seed").seed(apps, None)
    load_sample_resources(if_empty=True)


def _fits(page, width: int) -> None:
    wide = page.evaluate("""w => Array.from(document.querySelectorAll('body *'))
        .filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-scroll'))
        .map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 5)""", width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, (page.url, wide)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP_800], ids=["phone", "desktop"])
def test_log_a_call_in_the_console(playwright_browser, axe_path, shots, viewport):
    from playwright.sync_api import expect

    from helpline.accounts.testing import make_staff
    from helpline.phone.models import PhoneContact
    from helpline.resources.models import Resource

    _seed()
    make_specialist("sam")
    make_staff("sue", "supervisor")
    resource = Resource.objects.filter(active=True, languages__contains="en").order_by("name").first()
    width = viewport["width"]
    with server() as srv:
        context, page = new_page(playwright_browser, viewport)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        login(page, srv.url, "sam", "/en/chat/console/")
        page.get_by_role("button", name="Log a call").click()
        page.wait_for_url("**/en/phone/c/*/")
        expect(page.get_by_role("heading", name="Call record")).to_be_visible()
        _fits(page, width)
        shots(page, "record-open")
        # axe-core needs an inline script: a second context without the CSP runs it.
        axe_context, axe_page = new_page(playwright_browser, viewport, bypass_csp=True)
        login(axe_page, srv.url, "sam", page.url.removeprefix(srv.url))
        assert run_axe(axe_page, axe_path) == []
        axe_context.close()

        page.get_by_label("Caregiver", exact=True).check()
        page.get_by_label("Side effects", exact=True).check()
        triage = page.locator('[data-triage-for="car_t_emergency"]')
        expect(triage).to_be_hidden()
        # Ticking an urgent sign with the keyboard shows the reviewed triage message at once.
        page.get_by_label(FEVER).focus()
        page.keyboard.press("Space")
        expect(triage).to_be_visible()
        expect(triage).to_contain_text("call your treatment team now")
        expect(page.locator('[data-triage-for="crisis"]')).to_be_hidden()
        _fits(page, width)
        shots(page, "urgent-sign")
        page.get_by_label(str(resource), exact=True).check()
        page.get_by_label("Notes").fill("Asked what to do about a fever at home, 212-555-0188")
        page.get_by_label("Duration in minutes").fill("7")
        page.get_by_label("Referred", exact=True).check()
        page.get_by_role("button", name="Save and complete").click()
        page.wait_for_load_state()
        expect(page.locator("#contact-status")).to_have_text("Completed")
        expect(page.locator("#triage-saved")).to_contain_text("call your treatment team now")
        expect(page.locator("#read-out")).to_contain_text(resource.name)
        _fits(page, width)
        shots(page, "completed")
        assert errors == []

        contact = PhoneContact.objects.get()
        assert (contact.status, contact.caller_type, contact.outcome) == (
            "completed", "caregiver", "referred")
        assert contact.urgent_signs == ["fever"] and contact.duration_seconds == 420
        assert contact.topics == ["side-effects"] and "212-555-0188" not in contact.notes

        # The list of calls, in Spanish too.
        page.goto(srv.url + "/es/phone/")
        expect(page.get_by_role("button", name="Registrar una llamada")).to_be_visible()
        _fits(page, width)
        context.close()

        # The supervisor sees the call on the dashboard.
        context, page = new_page(playwright_browser, viewport)
        login(page, srv.url, "sue", "/en/staff/dashboard/")
        figures = page.locator("#phone-figures")
        expect(figures).to_contain_text("Calls")
        expect(figures.locator("dd").first).to_have_text("1")
        expect(page.locator("#c-channels-desc")).to_contain_text("Phone call: 1")
        _fits(page, width)
        shots(page, "dashboard")
        context.close()
