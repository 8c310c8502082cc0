"""Journeys (b) and (c) in a real browser, at desktop size and at 360x740 (journey e),
and the visitor chat used with the keyboard alone."""

from __future__ import annotations

import pytest

from .conftest import DESKTOP, PHONE, load_content, login, make_specialist, new_page, server

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
VIEWPORTS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
QUESTION = "What are the warning signs of cytokine release syndrome?"


def _prepare() -> None:
    from helpline.chat.console.models import WrapUpTopic
    from helpline.resources.services import load_sample_resources

    load_content()
    load_sample_resources()
    WrapUpTopic.objects.get_or_create(
        code="side-effects", defaults={"label_en": "Side effects", "label_es": "Efectos secundarios"}
    )
    make_specialist("sam")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_b_ask_then_chat_with_specialist_then_rate(playwright_browser, viewport, shots):
    from helpline.chat.models import Conversation
    from helpline.resources.models import Referral

    _prepare()
    with server(chat_open=True) as srv:
        vctx, visitor = new_page(playwright_browser, viewport)
        visitor.goto(f"{srv.url}/en/ask/")
        visitor.fill("textarea[name=question]", QUESTION)
        with visitor.expect_navigation():
            visitor.locator("form.ask-form button[type=submit]").click()
        shots(visitor, "visitor-answer")
        sources = visitor.get_by_text("Source:")
        assert sources.count() >= 1, "the answer cites no source"
        visitor.get_by_role("link", name="Chat with a specialist now").click()
        visitor.wait_for_url("**/en/chat/?from_answer=*")
        assert QUESTION in visitor.locator("#handoff-heading + p").inner_text()
        shots(visitor, "visitor-chat-start")
        # A question the answer service answers: the console suggests passages only then.
        visitor.locator("textarea[name=message]").fill("What is cytokine release syndrome?")
        visitor.get_by_role("button", name="Start chat").click()
        visitor.wait_for_url("**/en/chat/room/")
        visitor.locator("#chat-compose:not([hidden])").wait_for()
        shots(visitor, "visitor-waiting")

        sctx, spec = new_page(playwright_browser, viewport)
        login(spec, srv.url, "sam", "/en/chat/console/")
        row = spec.locator("#queue-body tr[data-id]").first
        assert QUESTION[:40] in row.inner_text()
        shots(spec, "console-queue")
        row.get_by_role("button", name="Accept").click()
        spec.wait_for_url("**/en/chat/console/c/*/")
        assert QUESTION in spec.locator(".handoff").inner_text()
        spec.locator("#chat-compose:not([hidden])").wait_for()
        insert = spec.locator("#suggestions button.insert").first
        insert.wait_for()
        quote = insert.get_attribute("data-insert")
        insert.click()
        assert spec.locator("#chat-input").input_value().strip() == quote.strip()
        spec.get_by_role("button", name="Send").click()
        shots(spec, "specialist-replied")

        log = visitor.locator("#chat-log[aria-live]")
        log.get_by_text(quote.strip()[:60]).wait_for()
        visitor.locator("#chat-input").fill("Thank you, that helps.")
        visitor.locator("#chat-input").press("Enter")
        spec.locator("#chat-log").get_by_text("Thank you, that helps.").wait_for()
        visitor.reload()
        visitor.locator("#chat-log").get_by_text(quote.strip()[:60]).wait_for()
        assert "What is cytokine release syndrome?" in visitor.locator("#chat-log").inner_text()
        assert "Thank you, that helps." in visitor.locator("#chat-log").inner_text()
        shots(visitor, "visitor-after-reload")

        with spec.expect_navigation():
            spec.get_by_role("button", name="Close conversation").click()
        spec.get_by_text("The conversation is closed.").wait_for()
        shots(spec, "conversation-closed")
        spec.locator("input[name=topics][value=side-effects]").check()
        spec.locator("input[name=resources]").first.check()
        with spec.expect_navigation():
            spec.get_by_role("button", name="Save wrap-up").click()
        assert "The wrap-up is saved." in spec.content()
        shots(spec, "wrap-up-saved")

        visitor.get_by_role("button", name="Rate this chat or get the transcript").wait_for()
        visitor.get_by_role("button", name="Rate this chat or get the transcript").click()
        visitor.wait_for_url("**/en/chat/feedback/")
        visitor.locator("input[name=rating][value='5']").check()
        with visitor.expect_navigation():
            visitor.get_by_role("button", name="Send feedback").click()
        assert "Thank you: we have your rating." in visitor.content()
        shots(visitor, "visitor-rated")
        vctx.close()
        sctx.close()

    conversation = Conversation.objects.get()
    assert conversation.status == "closed" and conversation.rating == 5
    assert conversation.topics == ["side-effects"]
    assert conversation.handoff_context.get("question") == QUESTION
    assert Referral.objects.filter(conversation_token=conversation.token).count() == 1


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_c_callback_outside_hours_completed_by_specialist(playwright_browser, viewport, shots):
    from helpline.chat.models import Conversation

    _prepare()
    with server(chat_open=False) as srv:
        vctx, visitor = new_page(playwright_browser, viewport)
        visitor.goto(f"{srv.url}/en/chat/")
        assert visitor.locator("form button", has_text="Start chat").count() == 0
        shots(visitor, "chat-closed")
        visitor.locator("main a[href$='/en/chat/callback/']").first.click()
        visitor.wait_for_url("**/en/chat/callback/")
        visitor.fill("input[name=first_name]", "Ana")
        visitor.fill("input[name=phone]", "(212) 555-0142")
        visitor.locator("select[name=preferred_time]").select_option(index=1)
        visitor.locator("select[name=language]").select_option("en")
        visitor.fill("textarea[name=reason]", "Questions about driving after CAR T")
        shots(visitor, "callback-form")
        visitor.get_by_role("button", name="Request a call back").click()
        visitor.wait_for_url("**/en/chat/callback/requested/")
        shots(visitor, "callback-requested")
        vctx.close()

        sctx, spec = new_page(playwright_browser, viewport)
        login(spec, srv.url, "sam", "/en/chat/console/")
        row = spec.locator("#queue-body tr[data-id]").first
        assert "Callback" in row.inner_text()
        shots(spec, "console-callback-queued")
        row.get_by_role("button", name="Accept").click()
        spec.wait_for_url("**/en/chat/console/c/*/")
        assert "+12125550142" in spec.locator(".big-number").inner_text()  # normalised
        spec.locator("input[name=outcome][value=done]").check()
        with spec.expect_navigation():
            spec.get_by_role("button", name="Save outcome").click()
        assert spec.locator("#callback-outcome").inner_text().strip() == "Done"
        shots(spec, "callback-done")
        sctx.close()
    callback = Conversation.objects.get(channel="callback")
    assert callback.callback_outcome == "done"
    assert callback.assigned_to.username == "sam"


def test_chat_by_keyboard_alone_announces_messages(playwright_browser, shots):
    _prepare()
    with server(chat_open=True) as srv:
        vctx, visitor = new_page(playwright_browser, DESKTOP)
        visitor.goto(f"{srv.url}/en/chat/")
        # Tab from the top of the page to the message box, type, Tab to the button, Enter.
        field = visitor.locator("textarea[name=message]")
        for _ in range(60):
            visitor.keyboard.press("Tab")
            if field.evaluate("el => el === document.activeElement"):
                break
        else:
            pytest.fail("the chat's message box cannot be reached with Tab")
        visitor.keyboard.type("Hello from the keyboard")
        button = visitor.get_by_role("button", name="Start chat")
        for _ in range(10):
            visitor.keyboard.press("Tab")
            if button.evaluate("el => el === document.activeElement"):
                break
        else:
            pytest.fail("the Start chat button cannot be reached with Tab")
        visitor.keyboard.press("Enter")
        visitor.wait_for_url("**/en/chat/room/")
        visitor.locator("#chat-compose:not([hidden])").wait_for()
        # Reach the message box by keyboard, type, send with Enter.
        for _ in range(60):
            visitor.keyboard.press("Tab")
            if visitor.locator("#chat-input").evaluate("el => el === document.activeElement"):
                break
        else:
            pytest.fail("the chat input cannot be reached with Tab")
        visitor.keyboard.type("Second line by keyboard")
        visitor.keyboard.press("Enter")
        live = visitor.locator("[aria-live=polite], [aria-live=assertive], [role=log]")
        region = visitor.locator("#chat-log")
        assert region.get_attribute("aria-live") in ("polite", "assertive")
        region.get_by_text("Second line by keyboard").wait_for()
        assert live.count() >= 1

        sctx, spec = new_page(playwright_browser, DESKTOP)
        login(spec, srv.url, "sam", "/en/chat/console/")
        spec.locator("#queue-body tr[data-id]").first.get_by_role("button", name="Accept").click()
        spec.locator("#chat-compose:not([hidden])").wait_for()
        spec.locator("#chat-input").fill("A specialist's answer")
        spec.locator("#chat-input").press("Enter")
        # The reply arrives inside the live region the screen reader watches.
        region.locator("li", has_text="A specialist's answer").wait_for()
        shots(visitor, "visitor-keyboard-chat")
        vctx.close()
        sctx.close()
