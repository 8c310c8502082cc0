"""Fixtures for the phone tests: Twilio credentials in settings and signed webhook requests."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest
from twilio.request_validator import RequestValidator

AUTH_TOKEN = "0123456789abcdef0123456789abcdef"
ACCOUNT_SID = "AC" + "1" * 32
CALLER = "+12125550123"
HELPLINE_NUMBER = "+18005550199"
_sids = itertools.count(1)


def new_sid() -> str:
    return f"CA{next(_sids):032d}"


class Twilio:
    """Sends webhook requests the way Twilio does: form POST, signed over URL + sorted params."""

    def __init__(self, client, token: str = AUTH_TOKEN, base: str = "http://testserver") -> None:
        self.client = client
        self.token = token
        self.base = base

    def post(self, path: str, params: dict, *, sign: bool = True, token: str | None = None,
             signed_url: str | None = None, **headers):
        params = {"AccountSid": ACCOUNT_SID, "ApiVersion": "2010-04-01", **params}
        if sign:
            url = signed_url or self.base + path
            headers["HTTP_X_TWILIO_SIGNATURE"] = RequestValidator(
                token or self.token).compute_signature(url, params)
        return self.client.post(path, params, **headers)


def twiml(response) -> ET.Element:
    """The response parsed as TwiML: a <Response> root, content type XML."""
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "Response"
    return root


def verbs(root: ET.Element) -> list[str]:
    return [child.tag for child in root]


@pytest.fixture
def voice(settings, client):
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.HELPLINE_PHONE = {"CALLBACK_OFFER_AFTER_SECONDS": 60, "ANNOUNCE_EVERY_SECONDS": 20}
    return Twilio(client)


@pytest.fixture
def specialist(db):
    from django.utils import timezone

    from helpline.accounts.testing import make_staff
    from helpline.chat.models import SpecialistStatus

    user = make_staff("sam", "specialist")
    SpecialistStatus.objects.create(user=user, available=True, languages=["en", "es"],
                                    last_seen=timezone.now())
    return user
