"""The webhook sequence replayed over HTTP against a real server process (uvicorn), signed
with the configured TWILIO_AUTH_TOKEN for the URL the server is reached at, port included."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from twilio.request_validator import RequestValidator

from helpline.accounts.testing import make_staff
from helpline.common.testing import running_server
from helpline.phone.tests.conftest import ACCOUNT_SID, AUTH_TOKEN, CALLER

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
AGENT_NUMBER = "+12125550177"


def _post(base: str, path: str, params: dict, token: str | None = AUTH_TOKEN):
    params = {"AccountSid": ACCOUNT_SID, **params}
    request = urllib.request.Request(base + path, data=urllib.parse.urlencode(params).encode(),
                                     method="POST")
    if token:
        request.add_header("X-Twilio-Signature",
                           RequestValidator(token).compute_signature(base + path, params))
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _verbs(body: bytes) -> list[str]:
    root = ET.fromstring(body)
    assert root.tag == "Response"
    return [child.tag for child in root]


def test_signed_sequence_against_a_running_server():
    from helpline.chat.models import SpecialistStatus
    from helpline.phone.models import PhoneContact

    user = make_staff("liz", "specialist")
    SpecialistStatus.objects.create(user=user, available=True, languages=["en"])
    call_command("phoneagent", "liz", AGENT_NUMBER, "--pin", "1357", "--verified", verbosity=0)
    with running_server(TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN) as server:
        base, voice = server.url, "/hooks/twilio/voice/"
        caller, agent = "CA" + "7" * 32, "CA" + "8" * 32
        status, body = _post(base, voice, {"CallSid": caller, "From": CALLER})
        assert status == 200 and _verbs(body)[-2:] == ["Gather", "Redirect"]
        status, body = _post(base, voice + "language/", {"CallSid": caller, "From": CALLER,
                                                         "Digits": "1"})
        assert _verbs(body) == ["Say", "Enqueue"]
        status, body = _post(base, voice + "wait/en/", {"CallSid": caller, "From": CALLER,
                                                        "QueuePosition": "1", "QueueTime": "5"})
        assert _verbs(body) == ["Say", "Pause"]
        status, body = _post(base, voice + "agent/", {"CallSid": agent, "From": AGENT_NUMBER})
        assert _verbs(body) == ["Gather", "Hangup"]
        status, body = _post(base, voice + "agent/pin/", {"CallSid": agent, "From": AGENT_NUMBER,
                                                          "Digits": "1357"})
        assert _verbs(body) == ["Say", "Dial"]
        _post(base, voice + "connected/en/", {"CallSid": caller, "DequeingCallSid": agent,
                                              "QueueTime": "20"})
        _post(base, voice + "agent/done/", {"CallSid": agent, "DequeuedCallSid": caller,
                                            "DequeuedCallDuration": "95"})
        for _ in range(2):  # replayed
            status, _body = _post(base, voice + "status/", {"CallSid": caller,
                                                            "CallStatus": "completed"})
            assert status == 204
        # Unsigned, and signed with another token: refused.
        assert _post(base, voice, {"CallSid": caller}, token=None)[0] == 403
        assert _post(base, voice, {"CallSid": caller}, token="0" * 32)[0] == 403
    contact = PhoneContact.objects.get(call_sid=caller)
    assert (contact.status, contact.specialist, contact.wait_seconds, contact.handle_seconds) == (
        "ended", user, 20, 95)
