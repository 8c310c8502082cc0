import pytest
from django.core.management import call_command

from helpline.common.testing import launch_chromium, running_server


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_directory_and_outreach_pages_at_phone_width_by_keyboard():
    from playwright.sync_api import sync_playwright

    call_command("loadresources")
    with running_server() as server, sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": 360, "height": 740})
            problems: list[str] = []
            page.on("console", lambda msg: "Content Security Policy" in msg.text
                    and problems.append(msg.text))
            page.on("response", lambda r: r.status >= 400 and "/static/" in r.url
                    and problems.append(f"{r.status} {r.url}"))
            page.goto(f"{server.url}/es/resources/")
            page.select_option("#id_need", "lodging")
            page.focus("#id_zip")
            page.keyboard.type("19104")
            page.keyboard.press("Enter")  # submits the search form
            page.wait_for_selector("#results-heading")
            body = page.inner_text("main")
            assert "Sample: Hope House lodging (Philadelphia)" in body
            assert "Habitaciones gratuitas" in body
            assert "Harbor Rooms" not in body
            assert page.is_visible("button[data-print]")  # the script ran (no inline JS)
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            page.emulate_media(media="print")
            assert not page.is_visible("form.search-form")
            assert page.is_visible("h3:has-text(\"Hope House lodging\")")
            page.emulate_media(media="screen")
            for path in ("/es/topics/", "/es/newsletter/", "/es/volunteer/", "/es/donate/",
                         "/en/resources/"):
                page.goto(f"{server.url}{path}")
                assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
            assert not problems, problems
        finally:
            browser.close()
