"""Malformed JSON answers 400, never 500: the answer API and the Stripe webhook
(issue 14, finding 6; the chat socket is in helpline/chat/tests/test_trust_live.py)."""

from __future__ import annotations

import pytest

from helpline.outreach.tests.test_donations import SECRET, post, signed

pytestmark = pytest.mark.django_db

HOSTILE = [
    b"[" * 1000 + b"]" * 1000,
    b'{"question": ' + b"[" * 1000 + b"]" * 1000 + b', "lang": "en"}',
    b'{"question": "\\ud800", "lang": "en"}',
    b'{"question": "fever", "lang": "en", "n": ' + b"7" * 4400 + b"}",
]


@pytest.mark.parametrize("body", HOSTILE)
def test_answers_api_refuses_hostile_json_with_400(client, body):
    response = client.post("/api/answers", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"


@pytest.mark.parametrize("body", HOSTILE[:1] + [
    b'{"id": "evt_1", "type": "checkout.session.completed", "data": {"object": '
    + b'{"a":' * 1500 + b"1" + b"}" * 1500 + b"}}",
])
def test_stripe_webhook_refuses_hostile_json_with_400(client, settings, body):
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    response = post(client, body, signed(body))
    assert response.status_code == 400
    assert response.json()["code"] == "bad_payload"


# --- finding 7: the API's channel is a closed choice -------------------------------------------

def test_answers_api_channel_is_a_closed_choice(client):
    from helpline.answers.models import QuestionLog

    bad = client.post("/api/answers", {"question": "fever after CAR T", "lang": "en",
                                       "channel": "Ana Lopez 612"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_channel"
    assert not QuestionLog.objects.exists()
    good = client.post("/api/answers", {"question": "fever after CAR T", "lang": "en",
                                        "channel": "phone"}, content_type="application/json")
    assert good.status_code == 200
    assert list(QuestionLog.objects.values_list("channel", flat=True)) == ["phone"]
