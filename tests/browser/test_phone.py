"""Phones first, at 360x740 in chromium: the chat launcher never covers anything one can
use, a result (an answer, a search) comes into view with focus, staff pages have no
visitor launcher and no horizontal scrolling."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, load_content, login, make_specialist, new_page, server

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# For every scroll position (fixed elements move with it), the boxes of the focusable
# elements outside the launcher that intersect the launcher's box.
COVERED_JS = """
() => {
  const launcher = document.getElementById('chat-launcher');
  if (!launcher) return {launcher: false, covered: [], checked: 0};
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, ' +
                   '[tabindex]:not([tabindex="-1"])';
  const covered = [];
  let checked = 0;
  const last = Math.max(0, document.documentElement.scrollHeight - window.innerHeight);
  const stops = [];
  for (let y = 0; y < last; y += 150) stops.push(y);
  stops.push(last);
  for (const y of stops) {
    window.scrollTo(0, y);
    const box = launcher.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    for (const el of document.querySelectorAll(selector)) {
      if (launcher.contains(el)) continue;
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height) continue;
      checked += 1;
      if (r.right > box.left && r.left < box.right && r.bottom > box.top && r.top < box.bottom) {
        covered.push({at: y, el: el.outerHTML.slice(0, 120)});
      }
    }
  }
  window.scrollTo(0, 0);
  return {launcher: true, covered: covered.slice(0, 10), checked};
}
"""


def _covered(page, *, expect_launcher: bool = True) -> list:
    for opened in (False, True):
        if opened and expect_launcher:
            page.locator("#chat-launcher summary").click()
        result = page.evaluate(COVERED_JS)
        assert result["launcher"] is expect_launcher, page.url
        if not expect_launcher:
            return []
        assert result["checked"] > 10, page.url  # the check really looked at the page
        if result["covered"]:
            return [page.url, opened, result["covered"]]
    return []


def _no_overflow(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{page.url}: {width}px wide"


def _in_viewport_and_focused(page, selector: str) -> None:
    box = page.evaluate(
        "s => { const r = document.querySelector(s).getBoundingClientRect();"
        " return {top: r.top, bottom: r.bottom, h: window.innerHeight,"
        " focused: document.activeElement === document.querySelector(s)}; }", selector)
    assert -1 <= box["top"] < box["h"] and box["bottom"] <= box["h"] + 1, (page.url, box)
    assert box["focused"], page.url


def test_launcher_never_covers_anything_at_phone_size(playwright_browser, shots):
    load_content()
    make_specialist("sam")
    from helpline.articles.models import ArticleVersion

    article = ArticleVersion.objects.get(article__key="car-t-cytokine-release-syndrome",
                                         language="en").get_absolute_url()
    problems = []
    with server(chat_open=True) as srv:
        context, page = new_page(playwright_browser, PHONE)
        for path in ("/en/", article, "/en/ask/", "/en/timeline/", "/en/timeline/at-home/",
                     "/es/", "/es/ask/"):
            assert page.goto(srv.url + path).status == 200
            shots(page, path.strip("/").replace("/", "_"))
            if found := _covered(page):
                problems.append(found)
            _no_overflow(page)

        # An answer: the result is in view and has focus; the live region says so.
        page.goto(srv.url + "/en/ask/")
        page.fill("textarea[name=question]", "What is cytokine release syndrome?")
        with page.expect_navigation():
            page.locator("form.ask-form button[type=submit]").click()
        expect(page.locator("#result-status")).not_to_have_text("")
        shots(page, "answer")
        _in_viewport_and_focused(page, "#result-heading")
        if found := _covered(page):
            problems.append(found)

        # A resource search: the same.
        page.goto(srv.url + "/en/resources/?need=lodging&zip_code=10001")
        _in_viewport_and_focused(page, "#results-heading")
        _no_overflow(page)

        # The chat room has no launcher; the rating and transcript page has one, in the flow.
        page.goto(srv.url + "/en/chat/")
        page.get_by_role("button", name="Start chat").click()
        page.wait_for_url("**/en/chat/room/")
        _covered(page, expect_launcher=False)
        _no_overflow(page)
        page.locator("#chat-end-form button").click()
        page.wait_for_url("**/en/chat/feedback/")
        shots(page, "transcript")
        assert page.get_by_role("button", name="Send the transcript").is_visible()
        if found := _covered(page):
            problems.append(found)
        context.close()
    assert not problems, problems


def test_staff_pages_have_no_launcher_and_fit_a_phone(playwright_browser, shots):
    from django.utils import timezone

    from helpline.accounts.testing import make_staff
    from helpline.chat import services

    sam = make_specialist("sam")
    make_staff("sue", "supervisor")
    # Work for the tables: a waiting chat in the queue, closed chats per specialist.
    for n in range(3):
        conversation = services.conversation_start(
            language="en", visitor_name=f"Visitor{n}",
            first_message="A long question about what to expect in the weeks after CAR T "
                          "infusion, with words that make the row wide on a small screen")
        if n:
            services.conversation_accept(sam, conversation.token)
            services.conversation_close(sam, conversation.token)
    assert timezone.now()
    with server(chat_open=True) as srv:
        context, page = new_page(playwright_browser, PHONE)
        login(page, srv.url, "sam", "/en/chat/console/")
        page.wait_for_selector("#queue-body tr[data-id] td[data-label]", state="attached")
        shots(page, "console")
        assert page.locator("#chat-launcher").count() == 0
        _no_overflow(page)
        context.close()

        context, page = new_page(playwright_browser, PHONE)
        login(page, srv.url, "sue", "/en/staff/dashboard/")
        shots(page, "dashboard")
        assert page.locator("#chat-launcher").count() == 0
        assert page.locator("#h-specialists ~ div table.reflow tbody tr").count() >= 1
        _no_overflow(page)
        page.goto(srv.url + "/es/staff/dashboard/")
        _no_overflow(page)
        context.close()
