"""A referral card arrives in the visitor's chat, at phone size (360x740).

The specialist's console (one browser context) finds a directory entry by keyboard and
sends it over the console's socket; the visitor (another context, chatting in Spanish)
sees it as a card in the chat log: a heading, what it offers, a ``tel:`` link, the
website (``rel="noopener"``) and the hours, in Spanish, inside the viewport and with no
horizontal overflow, and axe finds nothing serious on either page. After a reload it is
there once.
"""

from __future__ import annotations

import pytest

from .conftest import PHONE, login, new_page, server
from .test_accessibility import run_axe
from .test_journeys_chat import _prepare

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# The card's box, the viewport and the chat log's visible box, from the page itself.
GEOMETRY_JS = """() => {
  const card = document.querySelector('#chat-log li.card article.chat-card');
  const log = document.getElementById('chat-log').getBoundingClientRect();
  const r = card.getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
          logTop: log.top, logBottom: log.bottom, height: window.innerHeight,
          width: document.documentElement.clientWidth,
          scrollWidth: document.documentElement.scrollWidth};
}"""


def _no_overflow(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{page.url}: {width}px wide"


def test_a_referral_card_arrives_in_the_visitors_chat(playwright_browser, axe_path, shots):
    from helpline.chat.models import Conversation, Message
    from helpline.resources.models import Referral, Resource
    from helpline.resources.selectors import card_choices

    _prepare()
    fund = Resource.objects.get(sample_key="sample-copay-fund")
    spanish = len(card_choices("es"))  # the entries that serve the chat's language
    assert 1 < spanish < Resource.objects.count()
    with server(chat_open=True) as srv:
        vctx, visitor = new_page(playwright_browser, PHONE)
        visitor.goto(f"{srv.url}/es/chat/")
        visitor.locator("textarea[name=message]").fill("¿Hay ayuda para pagar los copagos?")
        visitor.get_by_role("button", name="Iniciar el chat").click()
        visitor.wait_for_url("**/es/chat/room/")
        visitor.locator("#chat-compose:not([hidden])").wait_for()

        sctx, spec = new_page(playwright_browser, PHONE)
        login(spec, srv.url, "sam", "/en/chat/console/")
        spec.locator("#queue-body tr[data-id]").first.get_by_role("button", name="Accept").click()
        spec.wait_for_url("**/en/chat/console/c/*/")
        spec.get_by_text("Console connected.").wait_for()
        visitor.get_by_text("está conversando con usted").wait_for()

        # Keyboard only: the search box narrows the list, Down goes into it, Enter sends.
        search = spec.get_by_label("Find a resource")
        search.focus()
        search.type("copay")
        assert spec.locator("#resource-count").inner_text() == f"1 of {spanish} resources match."
        search.press("ArrowDown")
        chosen = spec.locator("#resource-select")
        assert chosen.evaluate("el => el === document.activeElement")
        assert chosen.input_value() == str(fund.pk)
        chosen.press("Enter")
        spec.locator("#resource-status", has_text="Sent to the visitor.").wait_for()
        spec.locator("#chat-log li.card h3", has_text=fund.name).wait_for()
        _no_overflow(spec)
        shots(spec, "console-card-sent")

        card = visitor.locator("#chat-log li.card article.chat-card")
        card.wait_for()
        shots(visitor, "visitor-card")
        assert card.get_by_role("heading", name=fund.name).is_visible()
        offers = card.locator("[data-field=offers]")
        assert offers.inner_text() == fund.description_es and offers.get_attribute("lang") == "es"
        phone = card.get_by_role("link", name=fund.phone)
        assert phone.get_attribute("href") == "tel:18005550105"
        site = card.locator("a[data-field=website]")
        assert site.get_attribute("href") == fund.website
        assert "noopener" in site.get_attribute("rel").split()
        assert fund.hours_es in card.locator("[data-field=hours]").inner_text()
        labels = card.locator("dt").all_inner_texts()
        assert labels == ["Teléfono", "Sitio web", "Horario"]
        box = visitor.evaluate(GEOMETRY_JS)
        assert 0 <= box["top"] and box["bottom"] <= box["height"], box  # in the viewport
        assert box["logTop"] <= box["top"] and box["bottom"] <= box["logBottom"] + 1, box
        assert 0 <= box["left"] and box["right"] <= box["width"], box
        assert box["scrollWidth"] <= PHONE["width"] + 1, box

        # After a reload the page renders it from the history, and the socket adds no copy.
        visitor.reload()
        visitor.get_by_text("está conversando con usted").wait_for()
        visitor.wait_for_timeout(500)
        assert visitor.locator("#chat-log li.card").count() == 1
        assert visitor.locator("#chat-log li.card a[href='tel:18005550105']").count() == 1
        _no_overflow(visitor)
        shots(visitor, "visitor-after-reload")

        # axe on both pages with the card (its script is injected: a copy of each session
        # without the page's CSP, the pages above kept theirs).
        for ctx, page in ((vctx, visitor), (sctx, spec)):
            actx, apage = new_page(playwright_browser, PHONE, bypass_csp=True,
                                   storage_state=ctx.storage_state())
            apage.goto(page.url)
            apage.locator("#chat-log li.card article.chat-card").wait_for()
            assert run_axe(apage, axe_path) == [], page.url
            actx.close()
        vctx.close()
        sctx.close()

    conversation = Conversation.objects.get()
    assert conversation.language == "es"
    [card_line] = Message.objects.filter(conversation=conversation, data__kind="resource_card")
    assert card_line.text.startswith(f"{fund.name}\n{fund.description_es}")
    [referral] = Referral.objects.filter(conversation_token=conversation.token)
    assert list(referral.items.values_list("resource_name", flat=True)) == [fund.name]
    assert referral.sent_in_chat_at is not None
