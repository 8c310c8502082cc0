"""Journeys (a) and (d) in a real browser, at desktop size and at 360x740 (journey e)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from helpline.accounts.testing import make_staff

from .conftest import DESKTOP, PHONE, load_content, login, new_page, server

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
VIEWPORTS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
KEY = "car-t-at-home-after-treatment"


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF"), data[:40]
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def download(page, link) -> bytes:
    with page.expect_download() as info:
        link.click()
    return open(info.value.path(), "rb").read()


def _versions():
    from helpline.articles.models import ArticleVersion

    return (ArticleVersion.objects.get(article__key=KEY, language="es"),
            ArticleVersion.objects.get(article__key=KEY, language="en"))


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_read_spanish_article_pdf_then_english(playwright_browser, viewport, shots):
    load_content()
    es, en = _versions()
    es_url, en_url = es.get_absolute_url(), en.get_absolute_url()
    es_title = es.live_revision.title
    with server() as srv:
        context, page = new_page(playwright_browser, viewport)
        page.goto(f"{srv.url}/es/articles/")
        shots(page, "spanish-index")
        page.locator(f"main a[href='{es_url}']").first.click()
        page.wait_for_url(f"**{es_url}")
        assert page.locator("h1").inner_text().strip() == es_title
        assert page.locator("html").get_attribute("lang") == "es"
        shots(page, "spanish-article")

        data = download(page, page.locator("a[type='application/pdf']"))
        text = pdf_text(data)
        first_word = es_title.split()[0]
        assert first_word in text, text[:500]

        page.locator("[data-lang-switch=en]").click()
        page.wait_for_url(f"**{en_url}")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("h1").inner_text().strip() == en.live_revision.title
        shots(page, "english-same-article")
        if viewport is PHONE:
            # Nothing wider than the phone: no sideways scrolling on the article.
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_d_edit_review_publish_marks_translation_and_changes_pdf(playwright_browser, viewport,
                                                                  shots):
    load_content()
    make_staff("eddie", "editor")
    make_staff("rita", "medical_reviewer")
    es, en = _versions()
    new_sentence = "Keep a written list of your medicines and show it at every visit."
    with server() as srv:
        context, page = new_page(playwright_browser, viewport)
        page.goto(srv.url + en.get_absolute_url())
        old_pdf = download(page, page.locator("a[type='application/pdf']"))
        assert new_sentence not in pdf_text(old_pdf).replace("\n", " ")

        login(page, srv.url, "eddie", f"/en/staff/editorial/{en.pk}/")
        shots(page, "editor-version")
        assert page.locator("[data-flag=translation-out-of-date]").count() == 0
        text = page.locator("textarea[name=text]").input_value()
        anchor = "What to watch for and what to do"
        assert anchor in text  # the first words of the summary (a folded YAML block)
        edited = text.replace(anchor, f"{new_sentence} {anchor}", 1)
        page.locator("textarea[name=text]").fill(edited)
        page.locator("input[name=change_note]").fill("Medicines list advice")
        with page.expect_navigation():
            page.get_by_role("button", name="Save draft").click()
        shots(page, "draft-saved")
        with page.expect_navigation():
            page.get_by_role("button", name="Send for medical review").click()
        assert page.locator("[data-status]").get_attribute("data-status") == "in_review"
        shots(page, "sent-for-review")
        # The public page still shows the old summary until a reviewer publishes.
        page.goto(srv.url + en.get_absolute_url())
        assert new_sentence not in page.locator(".summary").inner_text()
        context.close()

        context, page = new_page(playwright_browser, viewport)
        login(page, srv.url, "rita", f"/en/staff/editorial/{en.pk}/")
        with page.expect_navigation():
            page.get_by_role("button", name="Publish (medical review passed)").click()
        assert page.locator("[data-status]").get_attribute("data-status") == "published"
        shots(page, "published")
        page.goto(f"{srv.url}/en/staff/editorial/{es.pk}/")
        assert page.locator("[data-flag=translation-out-of-date]").count() == 1
        shots(page, "spanish-out-of-date")

        page.goto(srv.url + en.get_absolute_url())
        assert new_sentence in page.locator(".summary").inner_text()
        shots(page, "public-updated")
        new_pdf = download(page, page.locator("a[type='application/pdf']"))
        assert new_pdf != old_pdf
        assert new_sentence in " ".join(pdf_text(new_pdf).split())
        context.close()
