"""Visitor pages, the callback form and the launcher, through Django's test client."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client, override_settings

from helpline.chat.models import Conversation, Message

OPEN = {"chat": {"always_open": True}}
CLOSED = {"chat": {"always_open": False, "weekly": {d: [] for d in
                                                    ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
                   "holidays": []}}
# Weekdays 8-23 only, so "next opening" is a real date.
WEEKDAYS = {"chat": {"always_open": False, "time_zone": "America/New_York",
                     "weekly": {**{d: [["08:00", "23:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
                                "sat": [], "sun": []}, "holidays": []}}

pytestmark = pytest.mark.django_db


@override_settings(HELPLINE_HOURS=OPEN)
def test_launcher_on_public_pages_offers_chat_when_open(client):
    from .conftest import make_staff

    make_staff(languages=["en", "es"])  # on duty, console open
    page = client.get("/en/").content.decode()
    assert 'id="chat-launcher"' in page
    assert 'href="/en/chat/" data-chat-start' in page
    page_es = client.get("/es/").content.decode()
    assert 'href="/es/chat/"' in page_es
    assert "chat/launcher.js" in page and "<script>" not in page


@override_settings(HELPLINE_HOURS=OPEN)
def test_open_hours_with_nobody_on_duty_claim_no_chat_and_offer_callback_and_phone(client):
    from helpline.chat.hours import chat_is_open

    from .conftest import make_staff

    make_staff(languages=["es"])  # on duty for Spanish only
    make_staff(languages=["en"], available=False)  # English: away
    make_staff(languages=["en"], online=False)  # English: console closed
    page = client.get("/en/").content.decode()
    assert "Live chat is open now" not in page and "data-chat-start" not in page
    assert "No specialist is on duty for chat at this moment." in page
    assert 'href="/en/chat/callback/"' in page
    start = client.get("/en/chat/").content.decode()
    assert 'id="chat-none-on-duty"' in start and 'href="/en/chat/callback/"' in start
    # The Ask handoff asks the same question of the chat app.
    assert chat_is_open(language="en") is False
    assert chat_is_open(language="es") is True
    assert "data-chat-start" in client.get("/es/").content.decode()


@override_settings(HELPLINE_HOURS=WEEKDAYS)
def test_launcher_when_closed_says_when_it_opens_and_offers_phone_callback_and_answers(client):
    import time_machine

    # Saturday 2026-03-07 noon Eastern: chat opens Monday 2026-03-09 at 8:00.
    with time_machine.travel("2026-03-07 17:00:00+00:00", tick=False):
        page = client.get("/en/").content.decode()
    assert "Live chat is closed now." in page
    assert "It opens Monday, March 9, 8 a.m. (EDT)." in page
    with time_machine.travel("2026-03-07 17:00:00+00:00", tick=False):
        page_es = client.get("/es/").content.decode()
    assert "lunes 9 de marzo, 08:00" in page_es
    assert "/en/chat/callback/" in page
    assert "/en/ask/" in page
    assert "tel:1-800-555-0199" in page


@override_settings(HELPLINE_HOURS=OPEN)
def test_start_chat_anonymously_in_the_page_language_and_render_history_as_text():
    client = Client()
    response = client.post("/es/chat/", {"first_name": "Ana", "message": "<b>Hola</b> <script>x</script>"})
    assert response.status_code == 302 and response["Location"] == "/es/chat/room/"
    conversation = Conversation.objects.get()
    assert conversation.language == "es"
    assert conversation.visitor_name == "Ana"
    assert conversation.status == "waiting"
    assert Message.objects.get(conversation=conversation).text == "<b>Hola</b> <script>x</script>"
    room = client.get("/es/chat/room/")
    html = room.content.decode()
    assert room.status_code == 200
    assert f'data-ws-url="/ws/chat/visitor/{conversation.token}/"' in html
    assert "&lt;b&gt;Hola&lt;/b&gt; &lt;script&gt;x&lt;/script&gt;" in html
    assert "<b>Hola</b>" not in html
    # Without JavaScript the page says so and gives the phone number.
    assert 'id="chat-nojs"' in html and "tel:1-800-555-0199" in html
    # Coming back to the start page returns to the open chat.
    assert client.get("/es/chat/")["Location"] == "/es/chat/room/"


@override_settings(HELPLINE_HOURS=OPEN)
def test_start_chat_rejects_bad_input_without_creating_anything(client):
    response = client.post("/en/chat/", {"first_name": "<script>", "message": "x" * 2001})
    assert response.status_code == 400
    html = response.content.decode()
    assert "A first name can have letters" in html
    assert "at most 2000 characters" in html
    assert Conversation.objects.count() == 0
    assert client.get("/en/chat/room/")["Location"] == "/en/chat/"


@override_settings(HELPLINE_HOURS=CLOSED)
def test_closed_chat_start_page_offers_callback_and_refuses_to_start(client):
    html = client.get("/en/chat/").content.decode()
    assert "Live chat is closed now" in html
    assert "/en/chat/callback/" in html and "/en/ask/" in html
    response = client.post("/en/chat/", {"first_name": "Bo"})
    assert response.status_code == 302 and response["Location"] == "/en/chat/callback/"
    assert Conversation.objects.count() == 0


@override_settings(HELPLINE_HOURS=OPEN)
def test_handoff_from_answer_prefills_the_conversation(client):
    from helpline.answers.models import QuestionLog

    passages = [{"text": "CRS can cause fever.", "article": "Cytokine release syndrome",
                 "section": "Signs", "url": "/en/info/car-t-cytokine-release-syndrome/#signs"}]
    log = QuestionLog.objects.create(question="What is CRS after CAR T?", lang="en",
                                     status="answered", top_passages=passages)
    page = client.get(f"/en/chat/?from_answer={log.log_token}").content.decode()
    assert "What is CRS after CAR T?" in page
    assert f'value="{log.log_token}"' in page
    response = client.post("/en/chat/", {"from_answer": str(log.log_token)})
    assert response.status_code == 302
    conversation = Conversation.objects.get()
    assert conversation.handoff_context["question"] == "What is CRS after CAR T?"
    assert conversation.handoff_context["passages"] == passages
    # A made-up token is ignored, not an error.
    assert client.get(f"/en/chat/?from_answer={uuid.uuid4()}").status_code == 302  # open chat exists
    assert Client().get("/en/chat/?from_answer=not-a-uuid").status_code == 200


def test_callback_request_validates_and_enters_the_queue(client):
    bad = client.post("/en/chat/callback/", {"phone": "555-12", "preferred_time": "asap",
                                             "language": "en", "reason": "Questions"})
    assert bad.status_code == 400
    assert "10-digit US phone number" in bad.content.decode()
    bad2 = client.post("/en/chat/callback/", {"phone": "(212) 555-0123", "preferred_time": "never",
                                              "language": "fr", "reason": "  "})
    html = bad2.content.decode()
    assert bad2.status_code == 400 and "Select a valid choice" in html
    assert "This field is required" in html
    assert Conversation.objects.count() == 0

    ok = client.post("/es/chat/callback/", {"first_name": "José", "phone": "(212) 555-0123",
                                            "preferred_time": "evening", "language": "es",
                                            "reason": "Preguntas sobre CAR T"})
    assert ok.status_code == 302 and ok["Location"] == "/es/chat/callback/requested/"
    conversation = Conversation.objects.get()
    assert conversation.channel == "callback" and conversation.status == "waiting"
    assert conversation.callback_phone == "+12125550123"
    assert conversation.language == "es" and conversation.callback_preferred_time == "evening"
    done = client.get(ok["Location"]).content.decode()
    assert "+12125550123" in done


def test_international_phone_numbers_are_accepted_and_nonsense_is_not():
    from django.core.exceptions import ValidationError

    from helpline.chat.forms import normalize_phone

    assert normalize_phone("+52 55 1234 5678") == "+525512345678"
    assert normalize_phone("1-212-555-0123") == "+12125550123"
    assert normalize_phone("212.555.0123") == "+12125550123"
    for bad in ("", "012-555-0123", "212-055-0123", "call me", "+0 123 4567 890", "12+3456789012",
                "+1 012 555 0123"):
        with pytest.raises(ValidationError):
            normalize_phone(bad)


@override_settings(HELPLINE_HOURS=OPEN)
def test_every_form_needs_csrf():
    client = Client(enforce_csrf_checks=True)
    assert client.post("/en/chat/", {"first_name": "Ann"}).status_code == 403
    assert client.post("/en/chat/callback/", {"phone": "2125550123", "preferred_time": "asap",
                                              "language": "en", "reason": "x"}).status_code == 403
    assert Conversation.objects.count() == 0
    page = client.get("/en/chat/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


@override_settings(HELPLINE_HOURS=OPEN)
def test_end_chat_then_rate_and_comment(client):
    client.post("/en/chat/", {"first_name": "Ann", "message": "Hello"})
    conversation = Conversation.objects.get()
    # Rating before the end is refused with a clear message.
    early = client.post("/en/chat/feedback/", {"rating": "5"})
    assert early.status_code == 400 and "after it ends" in early.content.decode()
    assert client.post("/en/chat/end/")["Location"] == "/en/chat/feedback/"
    conversation.refresh_from_db()
    assert conversation.status == "abandoned"  # left while waiting
    bad = client.post("/en/chat/feedback/", {"rating": "9"})
    assert bad.status_code == 400
    conversation.refresh_from_db()
    assert conversation.rating is None
    good = client.post("/en/chat/feedback/", {"rating": "4", "comment": "Call me at 212-555-0123"})
    assert good.status_code == 302
    conversation.refresh_from_db()
    assert conversation.rating == 4
    assert "212-555-0123" not in conversation.rating_comment
    # Ending twice changes nothing.
    assert client.post("/en/chat/end/").status_code == 302
    conversation.refresh_from_db()
    assert conversation.status == "abandoned"
    # A new chat can be started after the old one ended.
    assert client.get("/en/chat/").status_code == 200


@override_settings(HELPLINE_HOURS=OPEN)
def test_urgent_first_message_is_flagged_and_answered_with_the_reviewed_urgent_message(client):
    from helpline.answers.triage import assess

    text = "My dad has a fever of 39 after CAR T"
    expected = assess(text, "en")
    assert expected.urgent
    client.post("/en/chat/", {"message": text})
    conversation = Conversation.objects.get()
    assert conversation.urgent
    bot = Message.objects.filter(conversation=conversation, sender="bot")
    assert [m.text for m in bot] == [expected.message]
    room = client.get("/en/chat/room/").content.decode()
    assert expected.message.split(".")[0] in room
