"""Per-endpoint limits answering 429 (issue 14, finding 4)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client, override_settings

from helpline.chat.models import Conversation

OPEN = {"chat": {"always_open": True}}

pytestmark = pytest.mark.django_db


@override_settings(HELPLINE_HOURS=OPEN)
def test_chat_starts_are_limited_per_address():
    statuses = []
    for i in range(15):
        statuses.append(Client(REMOTE_ADDR="203.0.113.7").post(
            "/en/chat/", {"first_name": "Bot", "message": f"spam {i}"}).status_code)
    assert statuses[:10] == [302] * 10 and set(statuses[10:]) == {429}
    assert Conversation.objects.count() == 10
    # another address is not affected
    assert Client(REMOTE_ADDR="203.0.113.8").post(
        "/en/chat/", {"first_name": "Ana", "message": "hi"}).status_code == 302


def test_callbacks_are_limited_per_address_with_429():
    statuses = [
        Client(REMOTE_ADDR="203.0.113.9").post("/en/chat/callback/", {
            "first_name": "Ana", "phone": "+34 612 345 678", "preferred_time": "asap",
            "language": "en", "reason": "questions"}).status_code
        for _ in range(7)
    ]
    assert statuses[:5] == [302] * 5 and set(statuses[5:]) == {429}


def _ended_chat(address: str) -> Client:
    client = Client(REMOTE_ADDR=address)
    with override_settings(HELPLINE_HOURS=OPEN):
        assert client.post("/en/chat/", {"first_name": "Ana", "message": "hi"}).status_code == 302
    client.post("/en/chat/end/")
    return client


def test_one_transcript_per_conversation_and_few_per_address_per_day():
    client = _ended_chat("203.0.113.20")
    assert client.post("/en/chat/transcript/", {"email": "a@example.org"}).status_code == 302
    again = client.post("/en/chat/transcript/", {"email": "b@example.org"})
    assert again.status_code == 429
    assert len(mail.outbox) == 1
    # fresh conversations (from several addresses) to one inbox: a few a day, then no more
    statuses = [_ended_chat(f"203.0.113.{30 + i}").post(
        "/en/chat/transcript/", {"email": "victim@example.org"}).status_code for i in range(5)]
    assert statuses[:3] == [302] * 3 and set(statuses[3:]) == {429}
    assert [m.to for m in mail.outbox].count(["victim@example.org"]) == 3


def test_calendar_export_is_limited():
    client = Client(REMOTE_ADDR="203.0.113.40")
    statuses = [client.post("/en/timeline/calendar.ics", {"infusion": "2027-01-05"}).status_code
                for _ in range(35)]
    assert 429 in statuses and statuses[0] == 200
