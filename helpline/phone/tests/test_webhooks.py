"""The Twilio voice webhooks against the real views, with requests signed as Twilio signs them
(RequestValidator over the URL plus the sorted POST parameters). TwiML is parsed as XML."""

from __future__ import annotations

import pytest
from django.utils import timezone
from twilio.request_validator import RequestValidator

from helpline.common.models import AuditEntry
from helpline.phone.models import CallEvent, PhoneAgent, PhoneContact
from helpline.phone.tests.conftest import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    CALLER,
    HELPLINE_NUMBER,
    new_sid,
    twiml,
    verbs,
)

VOICE = "/hooks/twilio/voice/"
AGENT_NUMBER = "+12125550177"
pytestmark = pytest.mark.django_db


def _incoming(voice, sid, caller=CALLER):
    return voice.post(VOICE, {"CallSid": sid, "From": caller, "To": HELPLINE_NUMBER,
                              "CallStatus": "ringing", "Direction": "inbound"})


def _queue(voice, sid, digit="1", caller=CALLER):
    _incoming(voice, sid, caller)
    return voice.post(VOICE + "language/", {"CallSid": sid, "From": caller, "Digits": digit})


def _wait(voice, sid, lang, position, waited, caller=CALLER):
    return voice.post(f"{VOICE}wait/{lang}/", {
        "CallSid": sid, "From": caller, "QueuePosition": str(position), "QueueTime": str(waited),
        "QueueSid": "QU" + "2" * 32, "AvgQueueTime": "30", "CurrentQueueSize": str(position)})


def _agent_line(user, pin="2468"):
    from helpline.phone import services

    agent, code = services.agent_line_set(user, phone_number=AGENT_NUMBER, pin=pin)
    return agent, code


def _verified_agent(voice, user, pin="2468"):
    agent, code = _agent_line(user, pin)
    sid = new_sid()
    voice.post(VOICE + "agent/", {"CallSid": sid, "From": AGENT_NUMBER})
    voice.post(VOICE + "agent/verify/", {"CallSid": sid, "From": AGENT_NUMBER, "Digits": code})
    agent.refresh_from_db()
    assert agent.is_verified
    return agent


def test_a_whole_call_from_greeting_to_completed_record(voice, specialist, client):
    from helpline.chat.console.models import WrapUpTopic

    caller = new_sid()
    # 1. Incoming: bilingual greeting, the emergency line first, then the language menu.
    root = twiml(_incoming(voice, caller))
    assert verbs(root) == ["Say", "Say", "Say", "Say", "Gather", "Redirect"]
    says = root.findall("Say")
    assert [s.get("language") for s in says] == ["en-US", "en-US", "es-US", "es-US"]
    assert "9 1 1" in says[1].text and "9 8 8" in says[1].text and "emergency" in says[1].text
    assert "9 1 1" in says[3].text and "emergencia" in says[3].text
    gather = root.find("Gather")
    assert gather.get("numDigits") == "1" and gather.get("action") == VOICE + "language/"
    assert [s.text for s in gather.findall("Say")] == ["For English, press 1.",
                                                       "Para español, oprima 2."]
    assert not PhoneContact.objects.exists()  # nothing recorded before the caller queues

    # 2. Digit 1: English queue, with the wait URL and the exit action.
    root = twiml(voice.post(VOICE + "language/", {"CallSid": caller, "From": CALLER, "Digits": "1"}))
    assert verbs(root) == ["Say", "Enqueue"]
    enqueue = root.find("Enqueue")
    assert enqueue.text == "helpline-en"
    assert enqueue.get("waitUrl") == VOICE + "wait/en/"
    assert enqueue.get("action") == VOICE + "queue-exit/en/"
    contact = PhoneContact.objects.get(call_sid=caller)
    assert (contact.status, contact.language, contact.source) == ("queued", "en", "twilio")

    # 3. Wait announcements from QueuePosition; hold between them; the callback offer after 60 s.
    root = twiml(_wait(voice, caller, "en", 2, 10))
    assert verbs(root) == ["Say", "Pause"]
    assert root.find("Say").text == "You are number 2 in line."
    assert root.find("Pause").get("length") == "20"
    root = twiml(_wait(voice, caller, "en", 1, 75))
    assert verbs(root) == ["Say", "Gather", "Pause"]
    assert root.find("Say").text == "You are next in line."
    assert root.find("Gather").get("action") == VOICE + "callback/en/"

    # 4. The agent line: verified number, then the PIN by <Gather>.
    agent = _verified_agent(voice, specialist)
    agent_call = new_sid()
    root = twiml(voice.post(VOICE + "agent/", {"CallSid": agent_call, "From": AGENT_NUMBER}))
    assert verbs(root) == ["Gather", "Hangup"]
    assert root.find("Gather").get("action") == VOICE + "agent/pin/"
    root = twiml(voice.post(VOICE + "agent/pin/", {"CallSid": agent_call, "From": AGENT_NUMBER,
                                                    "Digits": "1111"}))
    assert verbs(root) == ["Say", "Gather", "Hangup"]  # wrong PIN: asked again
    root = twiml(voice.post(VOICE + "agent/pin/", {"CallSid": agent_call, "From": AGENT_NUMBER,
                                                    "Digits": "2468"}))
    assert verbs(root) == ["Say", "Dial"]
    dial = root.find("Dial")
    assert dial.get("action") == VOICE + "agent/done/" and dial.get("record") is None
    queue = dial.find("Queue")
    assert queue.text == "helpline-en" and queue.get("url") == VOICE + "connected/en/"
    agent.refresh_from_db()
    assert agent.busy_call_sid == agent_call  # marked busy

    # 5. Connected: Twilio fetches the Queue url for the dequeued caller.
    root = twiml(voice.post(VOICE + "connected/en/", {
        "CallSid": caller, "From": CALLER, "DequeingCallSid": agent_call, "QueueTime": "80",
        "QueueSid": "QU" + "2" * 32}))
    assert verbs(root) == ["Say"]
    contact.refresh_from_db()
    assert (contact.status, contact.specialist, contact.wait_seconds) == ("active", specialist, 80)

    # 6. The bridge ends: the agent's Dial action, then the caller's Enqueue action.
    root = twiml(voice.post(VOICE + "agent/done/", {
        "CallSid": agent_call, "From": AGENT_NUMBER, "DialCallStatus": "completed",
        "DequeuedCallSid": caller, "DequeuedCallDuration": "300", "DequeuedCallQueueTime": "80"}))
    assert verbs(root) == ["Gather", "Hangup"]
    assert root.find("Gather").get("action") == VOICE + "agent/next/"
    root = twiml(voice.post(VOICE + "queue-exit/en/", {"CallSid": caller, "QueueResult": "bridged",
                                                        "QueueTime": "80"}))
    assert verbs(root) == ["Hangup"]
    contact.refresh_from_db()
    agent.refresh_from_db()
    assert (contact.status, contact.handle_seconds) == ("ended", 300)
    assert not agent.is_busy

    # 7. Status callbacks for both calls; then every one of them replayed.
    audits = AuditEntry.objects.count()
    status_calls = [{"CallSid": caller, "CallStatus": "completed", "CallDuration": "390"},
                    {"CallSid": agent_call, "CallStatus": "completed", "CallDuration": "320"}]
    for params in status_calls:
        assert voice.post(VOICE + "status/", params).status_code == 204
    snapshot = PhoneContact.objects.values().get(pk=contact.pk)
    for params in status_calls:
        assert voice.post(VOICE + "status/", params).status_code == 204
    assert PhoneContact.objects.values().get(pk=contact.pk) == snapshot
    assert PhoneContact.objects.count() == 1  # the agent's own call is not a contact
    assert AuditEntry.objects.count() == audits

    # 8. The specialist completes the record in the console.
    client.force_login(specialist)
    page = client.get("/en/phone/")
    assert f"/en/phone/c/{contact.token}/" in page.content.decode()
    topic = WrapUpTopic.objects.first()
    response = client.post(f"/en/phone/c/{contact.token}/", {
        "action": "complete", "caller_type": "caregiver", "language": "en",
        "topics": [topic.code], "outcome": "answered", "notes": "Asked about side effects"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.status == "completed" and contact.duration_seconds == 300
    assert contact.topics == [topic.code] and contact.caller_type == "caregiver"
    assert AuditEntry.objects.filter(action="phone.contact_complete", actor=specialist).count() == 1


def test_caller_hangs_up_in_the_queue(voice):
    caller = new_sid()
    root = twiml(_queue(voice, caller, "2"))
    assert root.find("Enqueue").text == "helpline-es"
    root = twiml(_wait(voice, caller, "es", 3, 5))
    say = root.find("Say")
    assert say.get("language") == "es-US" and "3" in say.text and "fila" in say.text
    root = twiml(voice.post(VOICE + "queue-exit/es/", {"CallSid": caller, "QueueResult": "hangup",
                                                        "QueueTime": "42"}))
    assert verbs(root) == ["Hangup"]
    contact = PhoneContact.objects.get(call_sid=caller)
    assert (contact.status, contact.wait_seconds, contact.language) == ("abandoned", 42, "es")
    # The status callback that follows (and its replay) changes nothing.
    for _ in range(2):
        voice.post(VOICE + "status/", {"CallSid": caller, "CallStatus": "completed",
                                       "CallDuration": "60"})
    contact.refresh_from_db()
    assert (contact.status, contact.wait_seconds) == ("abandoned", 42)


def test_status_callback_alone_closes_a_queued_call_and_records_a_menu_hang_up(voice):
    queued = new_sid()
    _queue(voice, queued)
    PhoneContact.objects.filter(call_sid=queued).update(
        queued_at=timezone.now() - timezone.timedelta(seconds=30))
    voice.post(VOICE + "status/", {"CallSid": queued, "CallStatus": "completed", "CallDuration": "45"})
    contact = PhoneContact.objects.get(call_sid=queued)
    assert contact.status == "abandoned" and 29 <= contact.wait_seconds <= 35

    in_menu = new_sid()
    _incoming(voice, in_menu)
    voice.post(VOICE + "status/", {"CallSid": in_menu, "CallStatus": "completed", "CallDuration": "9"})
    voice.post(VOICE + "status/", {"CallSid": in_menu, "CallStatus": "completed", "CallDuration": "9"})
    assert PhoneContact.objects.filter(call_sid=in_menu, status="abandoned").count() == 1


def test_callback_choice_creates_a_request_in_the_web_form_queue(voice):
    from helpline.chat.models import Conversation
    from helpline.chat.selectors import waiting_queue

    caller = new_sid()
    _queue(voice, caller, "2")
    root = twiml(_wait(voice, caller, "es", 1, 61))
    gather = root.find("Gather")
    assert gather.get("action") == VOICE + "callback/es/"
    assert gather.find("Say").get("language") == "es-US"

    # Another key: back to waiting, nothing created.
    root = twiml(voice.post(VOICE + "callback/es/", {"CallSid": caller, "From": CALLER, "Digits": "5"}))
    assert verbs(root) == ["Redirect"] and root.find("Redirect").text == VOICE + "wait/es/"
    assert not Conversation.objects.exists()

    params = {"CallSid": caller, "From": CALLER, "Digits": "1"}
    root = twiml(voice.post(VOICE + "callback/es/", params))
    assert verbs(root) == ["Say", "Leave"]
    request = Conversation.objects.get()
    assert (request.channel, request.status, request.language, request.callback_phone) == (
        "callback", "waiting", "es", CALLER)
    assert request in list(waiting_queue(["es"]))  # the same queue the web form feeds
    contact = PhoneContact.objects.get(call_sid=caller)
    assert contact.status == "callback" and contact.callback_id == request.pk
    assert contact.outcome == "callback_needed"

    # Replayed: the same request, nothing new.
    twiml(voice.post(VOICE + "callback/es/", params))
    assert Conversation.objects.count() == 1
    root = twiml(voice.post(VOICE + "queue-exit/es/", {"CallSid": caller, "QueueResult": "leave",
                                                        "QueueTime": "61"}))
    assert verbs(root) == ["Hangup"]
    contact.refresh_from_db()
    assert contact.status == "callback"


def test_hidden_number_cannot_ask_for_a_callback(voice):
    from helpline.chat.models import Conversation

    caller = new_sid()
    _queue(voice, caller, caller="anonymous")
    root = twiml(_wait(voice, caller, "en", 1, 300, caller="anonymous"))
    assert "Gather" not in verbs(root)
    root = twiml(voice.post(VOICE + "callback/en/", {"CallSid": caller, "From": "anonymous",
                                                      "Digits": "1"}))
    assert verbs(root) == ["Say", "Redirect"]
    assert not Conversation.objects.exists()


def test_unsigned_and_wrongly_signed_requests_are_refused_and_audited(voice):
    sid = new_sid()
    params = {"CallSid": sid, "From": CALLER, "Digits": "1"}
    cases = [
        voice.post(VOICE + "language/", params, sign=False),
        voice.post(VOICE + "language/", params, token="f" * 32),
        # Signed for another URL (a replay against a different webhook).
        voice.post(VOICE + "language/", params, signed_url="http://testserver" + VOICE),
        # Signed, then a parameter changed on the way.
        voice.post(VOICE + "status/", {"CallSid": sid, "CallStatus": "completed",
                                       "AccountSid": ACCOUNT_SID, "ApiVersion": "2010-04-01"},
                   sign=False, HTTP_X_TWILIO_SIGNATURE=RequestValidator(AUTH_TOKEN).compute_signature(
                       "http://testserver" + VOICE + "status/",
                       {"CallSid": sid, "CallStatus": "busy", "AccountSid": ACCOUNT_SID,
                        "ApiVersion": "2010-04-01"})),
    ]
    assert [r.status_code for r in cases] == [403, 403, 403, 403]
    assert not PhoneContact.objects.exists()
    reasons = sorted(AuditEntry.objects.filter(action="phone.webhook_rejected")
                   .values_list("data__reason", flat=True))
    assert reasons == ["bad signature", "bad signature", "bad signature", "unsigned"]
    assert voice.client.get(VOICE).status_code == 405
    # Signed but without a call: a clear 400, nothing stored.
    assert voice.post(VOICE + "language/", {"Digits": "1"}).status_code == 400
    assert voice.post(VOICE + "status/", {"CallSid": "../x", "CallStatus": "completed"}).status_code == 400
    assert not PhoneContact.objects.exists()


def test_replayed_signed_requests_change_nothing(voice, specialist):
    caller = new_sid()
    _queue(voice, caller)
    _queue(voice, caller)  # incoming and language digit replayed
    assert PhoneContact.objects.filter(call_sid=caller).count() == 1
    agent = _verified_agent(voice, specialist)
    agent_call = new_sid()
    voice.post(VOICE + "agent/pin/", {"CallSid": agent_call, "From": AGENT_NUMBER, "Digits": "2468"})
    connected = {"CallSid": caller, "DequeingCallSid": agent_call, "QueueTime": "12"}
    twiml(voice.post(VOICE + "connected/en/", connected))
    contact = PhoneContact.objects.get(call_sid=caller)
    answered = contact.answered_at
    twiml(voice.post(VOICE + "connected/en/", {**connected, "QueueTime": "99"}))
    contact.refresh_from_db()
    assert (contact.answered_at, contact.wait_seconds) == (answered, 12)
    done = {"CallSid": agent_call, "DequeuedCallSid": caller, "DequeuedCallDuration": "30"}
    twiml(voice.post(VOICE + "agent/done/", done))
    twiml(voice.post(VOICE + "agent/done/", {**done, "DequeuedCallDuration": "999"}))
    contact.refresh_from_db()
    assert contact.handle_seconds == 30
    assert CallEvent.objects.filter(call_sid=caller, kind="agent-done").count() == 1
    agent.refresh_from_db()
    assert not agent.is_busy


def test_agent_line_refuses_unknown_numbers_and_locks_after_wrong_pins(voice, specialist):
    root = twiml(voice.post(VOICE + "agent/", {"CallSid": new_sid(), "From": "+13105550100"}))
    assert verbs(root) == ["Say", "Hangup"]
    assert AuditEntry.objects.filter(action="phone.agent_unknown_number").count() == 1
    # Unverified number: asked for the verification code, not the PIN.
    agent, code = _agent_line(specialist)
    root = twiml(voice.post(VOICE + "agent/", {"CallSid": new_sid(), "From": AGENT_NUMBER}))
    assert root.find("Gather").get("action") == VOICE + "agent/verify/"
    # A PIN is useless before verification.
    root = twiml(voice.post(VOICE + "agent/pin/", {"CallSid": new_sid(), "From": AGENT_NUMBER,
                                                    "Digits": "2468"}))
    assert "Dial" not in verbs(root)
    agent = _verified_agent(voice, specialist)
    sid = new_sid()
    for _ in range(5):
        voice.post(VOICE + "agent/pin/", {"CallSid": sid, "From": AGENT_NUMBER, "Digits": "0000"})
    agent.refresh_from_db()
    assert agent.locked_until is not None
    root = twiml(voice.post(VOICE + "agent/pin/", {"CallSid": sid, "From": AGENT_NUMBER,
                                                    "Digits": "2468"}))
    assert "Dial" not in verbs(root)  # locked even with the right PIN
    # Next steps of a call need a PIN accepted on that call.
    root = twiml(voice.post(VOICE + "agent/next/", {"CallSid": new_sid(), "From": AGENT_NUMBER}))
    assert verbs(root) == ["Say", "Hangup"]
    assert PhoneAgent.objects.get(pk=agent.pk).pin_hash != "2468"


def test_agent_takes_the_longest_waiting_caller_in_their_languages(voice, specialist):
    from helpline.chat.models import SpecialistStatus

    older, newer = new_sid(), new_sid()
    _queue(voice, older, "2")
    _queue(voice, newer, "1")
    PhoneContact.objects.filter(call_sid=older).update(
        queued_at=timezone.now() - timezone.timedelta(minutes=3))
    _verified_agent(voice, specialist)
    root = twiml(voice.post(VOICE + "agent/pin/", {"CallSid": new_sid(), "From": AGENT_NUMBER,
                                                    "Digits": "2468"}))
    assert root.find("Dial/Queue").text == "helpline-es"
    # An English-only specialist gets the English queue; with nobody there, a wait loop.
    SpecialistStatus.objects.filter(user=specialist).update(languages=["en"])
    root = twiml(voice.post(VOICE + "agent/pin/", {"CallSid": new_sid(), "From": AGENT_NUMBER,
                                                    "Digits": "2468"}))
    assert root.find("Dial/Queue").text == "helpline-en"
    PhoneContact.objects.filter(call_sid=newer).update(status="abandoned")
    sid = new_sid()
    root = twiml(voice.post(VOICE + "agent/pin/", {"CallSid": sid, "From": AGENT_NUMBER,
                                                    "Digits": "2468"}))
    assert verbs(root) == ["Say", "Pause", "Redirect"]
    assert root.find("Redirect").text == VOICE + "agent/next/"


def test_recording_is_off_unless_turned_on(voice, specialist, settings):
    caller = new_sid()
    root = twiml(_incoming(voice, caller))
    assert not any("recorded" in (s.text or "") for s in root.iter("Say"))
    settings.HELPLINE_PHONE = {**settings.HELPLINE_PHONE, "RECORDING": True}
    root = twiml(_incoming(voice, new_sid()))
    notices = [s for s in root.findall("Say") if "recorded" in s.text or "grabar" in s.text]
    assert [s.get("language") for s in notices] == ["en-US", "es-US"]
    assert verbs(root).index("Gather") > list(root).index(notices[-1])
    _queue(voice, caller)
    _verified_agent(voice, specialist)
    root = twiml(voice.post(VOICE + "agent/pin/", {"CallSid": new_sid(), "From": AGENT_NUMBER,
                                                    "Digits": "2468"}))
    assert root.find("Dial").get("record") == "record-from-answer-dual"


def test_hold_audio_between_announcements(voice, settings):
    settings.HELPLINE_PHONE = {**settings.HELPLINE_PHONE,
                               "HOLD_AUDIO_URL": "https://example.org/hold.mp3"}
    caller = new_sid()
    _queue(voice, caller)
    root = twiml(_wait(voice, caller, "en", 1, 5))
    assert verbs(root) == ["Say", "Play"] and root.find("Play").text == "https://example.org/hold.mp3"


def test_phone_hours_apply_per_channel(voice, settings):
    settings.HELPLINE_HOURS = {"phone": {"always_open": False, "weekly": {}, "holidays": []}}
    root = twiml(_incoming(voice, new_sid()))
    assert "Gather" not in verbs(root) and verbs(root)[-1] == "Hangup"
    assert "emergency" in root.findall("Say")[1].text  # the emergency line still comes first
    settings.HELPLINE_HOURS = {}
    root = twiml(_incoming(voice, new_sid()))
    assert "Gather" in verbs(root)  # 24/7 by default


def test_not_configured_answers_503_and_pages_say_so(settings, client, specialist):
    settings.TWILIO_ACCOUNT_SID = ""
    settings.TWILIO_AUTH_TOKEN = ""
    assert client.post(VOICE, {"CallSid": new_sid()}).status_code == 503
    client.force_login(specialist)
    page = client.get("/en/phone/").content.decode()
    assert "voice integration is not set up" in page
    assert client.post("/en/phone/log/").status_code == 302  # logging works alone
    assert PhoneContact.objects.filter(source="logged", specialist=specialist).count() == 1


def test_signature_behind_a_proxy(voice, settings):
    public = "https://help.example.org" + VOICE
    params = {"CallSid": new_sid(), "From": CALLER}
    forwarded = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_HOST": "help.example.org"}
    # Not trusted by default: the signature for the public URL does not match.
    assert voice.post(VOICE, params, signed_url=public, **forwarded).status_code == 403
    settings.HELPLINE_PHONE = {**settings.HELPLINE_PHONE, "TRUST_FORWARDED": True}
    twiml(voice.post(VOICE, params, signed_url=public, **forwarded))
    settings.HELPLINE_PHONE = {**settings.HELPLINE_PHONE, "TRUST_FORWARDED": False,
                               "PUBLIC_URL": "https://help.example.org"}
    twiml(voice.post(VOICE, params, signed_url=public))
    assert voice.post(VOICE, params).status_code == 403  # signed for the internal address
