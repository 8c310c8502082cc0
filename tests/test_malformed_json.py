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
