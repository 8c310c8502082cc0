"""'Was this helpful?' in a real browser at 360 px wide: on an answer and on an article,
with the script (in place, live-region thanks) and without it (plain form, redirect back)."""

from __future__ import annotations

import pytest

from .conftest import PHONE, load_content, new_page, server

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
KEY = "car-t-cytokine-release-syndrome"


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_helpful_buttons_on_an_answer_and_an_article_at_phone_width(playwright_browser, shots):
    from helpline.answers.models import QuestionLog
    from helpline.articles.models import ArticleFeedback, ArticleVersion

    load_content()
    version = ArticleVersion.objects.get(article__key=KEY, language="en")
    spanish = ArticleVersion.objects.get(article__key=KEY, language="es")
    with server() as srv:
        context, page = new_page(playwright_browser, PHONE)
        page.goto(f"{srv.url}/en/ask/")
        page.get_by_label("Your question").fill("What is cytokine release syndrome?")
        with page.expect_navigation():
            page.get_by_role("button", name="Ask").click()
        group = page.get_by_role("group", name="Was this helpful?")
        group.scroll_into_view_if_needed()
        shots(page, "answer-with-helpful")
        _no_sideways_scroll(page)
        group.get_by_label("If not, why? (optional)").select_option("not_answered")
        group.get_by_role("button", name="No").click()
        status = group.get_by_role("status")
        status.filter(has_text="Thank you for your feedback.").wait_for()
        assert not group.get_by_role("button", name="No").is_visible()
        shots(page, "answer-thanked")
        entry = QuestionLog.objects.get()
        assert (entry.helpful, entry.helpful_reason) == (False, "not_answered")

        page.goto(srv.url + version.get_absolute_url())
        group = page.get_by_role("group", name="Was this helpful?")
        group.scroll_into_view_if_needed()
        _no_sideways_scroll(page)
        group.get_by_role("button", name="Yes").focus()
        page.keyboard.press("Enter")  # keyboard alone
        group.get_by_role("status").filter(has_text="Thank you for your feedback.").wait_for()
        shots(page, "article-thanked")
        assert list(ArticleFeedback.objects.values_list("version_id", "helpful")) == [
            (version.pk, True)]
        context.close()

        # Without JavaScript: a plain form post, and the page comes back with the thanks.
        context, page = new_page(playwright_browser, PHONE, java_script_enabled=False)
        page.goto(srv.url + spanish.get_absolute_url())
        group = page.get_by_role("group", name="¿Le resultó útil?")
        with page.expect_navigation():
            group.get_by_role("button", name="No").click()
        assert page.url.endswith(spanish.get_absolute_url() + "#helpful")
        assert "Gracias por su opinión." in page.locator(".messages").inner_text()
        assert page.get_by_role("group", name="¿Le resultó útil?").get_by_role(
            "button", name="No").count() == 0
        shots(page, "article-no-script-thanked")
        _no_sideways_scroll(page)
        assert ArticleFeedback.objects.filter(version=spanish, helpful=False).count() == 1
        context.close()
