"""Against a real uvicorn process: nothing stored by default, saving and deleting work,
and (with Debian's chromium) the page works at 360 px, by keyboard, and prints clean."""

from __future__ import annotations

import re

import httpx
import pytest

from helpline.common.testing import launch_chromium, running_server
from helpline.journey.models import SavedTimeline

from .test_views import row_counts

DATES = {"leukapheresis": "2026-12-01", "infusion": "2027-01-05", "infusion_time": "09:30",
         "time_zone": "America/New_York", "product": "carvykti"}


def csrf(client: httpx.Client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_real_server_stores_nothing_unless_asked():
    with running_server() as server, httpx.Client(base_url=server.url, timeout=30) as client:
        token = csrf(client, "/es/timeline/")
        before = row_counts()
        result = client.post("/es/timeline/", data={**DATES, "csrfmiddlewaretoken": token})
        assert result.status_code == 200, server.log()
        assert "1 de diciembre de 2026" in result.text
        ics = client.post("/es/timeline/calendar.ics", data={**DATES, "csrfmiddlewaretoken": token})
        assert ics.status_code == 200 and b"TZID=America/New_York" in ics.content
        bad = client.post("/es/timeline/", data={**DATES, "infusion": "2026-11-01",
                                                  "csrfmiddlewaretoken": token})
        assert bad.status_code == 400 and "debe ser posterior" in bad.text
        assert row_counts() == before

        saved = client.post("/en/timeline/save/", data={**DATES, "expires_in_days": "30",
                                                         "csrfmiddlewaretoken": token})
        assert saved.status_code == 303
        assert SavedTimeline.objects.count() == 1
        link = saved.headers["location"].split("?")[0]
        assert client.get(link).status_code == 200
        deleted = client.post(link + "delete/", data={"csrfmiddlewaretoken": token})
        assert deleted.status_code == 200
        assert SavedTimeline.objects.count() == 0
        assert client.get(link).status_code == 404


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_phone_width_keyboard_and_print():
    from playwright.sync_api import sync_playwright

    with running_server() as server, sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": 360, "height": 740})
            problems: list[str] = []
            page.on("console", lambda msg: "Content Security Policy" in msg.text
                    and problems.append(msg.text))
            page.on("response", lambda r: r.status >= 400 and "/static/" in r.url
                    and problems.append(f"{r.status} {r.url}"))
            page.goto(f"{server.url}/es/timeline/")
            page.focus("#id_leukapheresis")
            page.keyboard.type("12012026")  # typed into the date field as month/day/year
            page.fill("#id_infusion", "2027-01-05")
            page.select_option("#id_product", "yescarta")
            page.focus("#id_product")
            page.keyboard.press("Tab")
            page.keyboard.press("Enter")  # the submit button, reached by keyboard
            page.wait_for_selector("#timeline-heading")
            body = page.inner_text("main")
            assert "1 de diciembre de 2026" in body
            assert "Del 31 de diciembre de 2026 al 2 de enero de 2027" in body
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, width
            page.emulate_media(media="print")
            assert not page.is_visible("form.journey-form")
            assert page.is_visible("#step-infusion")
            page.emulate_media(media="screen")
            page.goto(f"{server.url}/en/timeline/at-home/")
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            assert page.is_visible("#warning-signs-card")
            assert not problems, problems  # CSP violations, missing stylesheets or scripts
        finally:
            browser.close()
    assert SavedTimeline.objects.count() == 0
