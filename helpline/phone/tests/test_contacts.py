"""Phone contacts logged by specialists: the pages, the rules, the dashboard, CSV and retention."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from helpline.accounts.testing import make_staff
from helpline.common.models import AuditEntry
from helpline.phone import services
from helpline.phone.models import CallEvent, PhoneContact

pytestmark = pytest.mark.django_db


@pytest.fixture
def resources(db):
    from helpline.resources.models import Resource
    from helpline.resources.services import load_sample_resources

    load_sample_resources(if_empty=True)
    return list(Resource.objects.filter(active=True).order_by("pk")[:2])


def _open(client, user, **data):
    client.force_login(user)
    response = client.post("/en/phone/log/", data)
    assert response.status_code == 302
    return PhoneContact.objects.filter(specialist=user).latest("created_at")


def test_log_a_call_save_then_complete(client, specialist, resources, mailserver):
    from helpline.resources.models import Referral

    contact = _open(client, specialist)
    assert (contact.status, contact.source, contact.language) == ("active", "logged", "en")
    page = client.get(f"/en/phone/c/{contact.token}/").content.decode()
    for label in ("Who called", "Topics", "Urgent signs mentioned", "Resources referred",
                  "Duration in minutes", "Outcome", "Transferred to 911/988"):
        assert label in page
    # Every triage message is on the page, hidden until a sign is ticked (phone.js).
    assert 'data-triage-for="car_t_emergency"' in page and 'data-triage-for="crisis"' in page

    url = f"/en/phone/c/{contact.token}/"
    base = {"language": "en", "caller_type": "caregiver", "topics": ["side-effects"],
            "notes": "Husband had a fever, call him at 212-555-0188", "duration_minutes": "12.5"}
    # Completing without an outcome is refused with a form error, not a 500.
    response = client.post(url, {**base, "action": "complete"})
    assert response.status_code == 400 and "Choose an outcome" in response.content.decode()

    response = client.post(url, {**base, "action": "save", "urgent_signs": ["fever"],
                                 "resources": [str(r.pk) for r in resources],
                                 "email": "caller@example.org"}, follow=True)
    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.status == "active" and contact.urgent and contact.urgent_signs == ["fever"]
    assert "212-555-0188" not in contact.notes  # scrubbed
    assert contact.duration_seconds == 750
    page = response.content.decode()
    assert 'id="triage-saved"' in page  # the saved sign's triage message, shown by the server
    assert resources[0].name in page  # the text to read out
    referral = Referral.objects.get(pk=contact.referral_ids[0])
    assert referral.channel == "phone" and referral.created_by == specialist
    [mail] = mailserver.messages
    assert mail.rcpt_tos == ["caller@example.org"] and resources[0].name in mail.body

    # Saving again with the same resources makes no second referral.
    client.post(url, {**base, "action": "save", "resources": [str(resources[0].pk)]})
    contact.refresh_from_db()
    assert len(contact.referral_ids) == 1

    response = client.post(url, {**base, "action": "complete", "outcome": "referred",
                                 "duration_minutes": ""})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.status == "completed" and contact.outcome == "referred"
    assert contact.duration_seconds is not None and contact.completed_at is not None
    # Completed: no more changes.
    response = client.post(url, {**base, "action": "save", "outcome": "answered"})
    contact.refresh_from_db()
    assert contact.outcome == "referred"
    assert list(AuditEntry.objects.filter(object_type="phone.phonecontact")
                .values_list("action", flat=True).order_by("pk")) == [
        "phone.contact_open", "phone.contact_update", "phone.contact_update",
        "phone.contact_complete"]


def test_bad_input_gets_clear_errors(client, specialist):
    contact = _open(client, specialist)
    url = f"/en/phone/c/{contact.token}/"
    for data in ({"language": "fr"}, {"language": "en", "duration_minutes": "lots"},
                 {"language": "en", "duration_minutes": "-3"}, {"language": "en", "topics": ["nope"]},
                 {"language": "en", "urgent_signs": ["nope"]}, {"language": "en", "caller_type": "x"}):
        assert client.post(url, {**data, "action": "save"}).status_code == 400
    assert client.post("/en/phone/log/", {"callback": "not-an-id"}).status_code == 302
    assert client.get("/en/phone/c/00000000-0000-4000-8000-000000000000/").status_code == 302
    assert client.get("/en/phone/log/").status_code == 405
    assert client.post("/en/phone/agent-line/", {"phone_number": "12", "pin": "12ab"}).status_code == 400


def test_a_callback_from_the_queue_opens_the_linked_record(client, specialist):
    from helpline.chat import services as chat

    request = chat.callback_request_create(phone="(212) 555-0101", language="es")
    client.force_login(specialist)
    page = client.get(f"/en/chat/console/c/{request.pk}/").content.decode()
    assert 'action="/en/phone/log/"' in page and f'name="callback" value="{request.pk}"' in page
    assert str(request.token) not in page  # staff never see the visitor's token
    first = _open(client, specialist, callback=str(request.pk))
    again = _open(client, specialist, callback=str(request.pk))
    assert first.pk == again.pk  # the same record
    assert first.callback_id == request.pk and first.language == "es"
    record = client.get(f"/en/phone/c/{first.token}/").content.decode()
    assert f"/en/chat/console/c/{request.pk}/" in record


def test_specialists_see_their_own_calls_and_supervisors_all(client, specialist):
    other = make_staff("olga", "specialist")
    supervisor = make_staff("sue", "supervisor")
    editor = make_staff("ed", "editor")
    contact = services.contact_open(specialist, language="en")
    url = f"/en/phone/c/{contact.token}/"
    client.force_login(other)
    assert client.get(url).status_code == 403
    assert client.post(url, {"language": "en", "action": "save"}).status_code == 403
    assert contact.token.hex not in client.get("/en/phone/").content.decode().replace("-", "")
    client.force_login(editor)
    assert client.get("/en/phone/").status_code == 403
    client.force_login(supervisor)
    assert client.get(url).status_code == 200
    response = client.post(url, {"language": "en", "caller_type": "patient", "outcome": "answered",
                                 "action": "complete"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.status == "completed" and contact.specialist == specialist
    entry = AuditEntry.objects.get(action="phone.contact_complete")
    assert entry.actor == supervisor and entry.data["specialist"] == specialist.pk
    client.logout()
    assert client.get("/en/phone/").status_code == 302  # sign in first


def _complete(user, **extra):
    contact = services.contact_open(user, language=extra.pop("language", "en"))
    return services.contact_complete(user, contact.token, caller_type="patient",
                                     outcome="answered", **extra)


def test_a_phone_contact_shows_on_the_dashboard_and_in_the_csv(client, specialist):
    supervisor = make_staff("dash", "supervisor")
    _complete(specialist, topics=["side-effects"], duration_minutes=4)
    _complete(specialist, topics=["side-effects", "financial"], duration_minutes=10, language="es")
    client.force_login(supervisor)
    page = client.get("/en/staff/dashboard/").content.decode()
    assert 'id="phone-figures"' in page
    assert "Phone call: 2" in page  # beside chats in the channel chart's text alternative
    assert "Side effects: 2" in page and "Costs and financial help: 1" in page
    assert "EN: 1; ES: 1" in page
    response = client.get("/en/staff/dashboard/csv/phone/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["section", "key", "value"]
    table = {(r[0], r[1]): r[2] for r in rows[1:]}
    assert table[("totals", "total")] == "2" and table[("totals", "completed")] == "2"
    assert table[("duration seconds", "p50")] == "240" and table[("duration seconds", "p90")] == "600"
    assert table[("topic", "Side effects")] == "2"
    assert table[("language", "es")] == "1"
    hour = f"{timezone.localtime().hour:02d}"
    assert table[("hour", hour)] == "2"
    channels = client.get("/en/staff/dashboard/csv/channels/").content.decode()
    assert "Phone call,2" in channels
    client.force_login(specialist)
    assert client.get("/en/staff/dashboard/csv/phone/").status_code == 403


def test_retention_covers_phone_contacts(specialist):
    from helpline.common import purge

    old = _complete(specialist, notes="Talked about the caller's brother")
    new = _complete(specialist, notes="Recent call")
    long_ago = timezone.now() - dt.timedelta(days=400)
    PhoneContact.objects.filter(pk=old.pk).update(created_at=long_ago)
    CallEvent.objects.create(call_sid="CA-old", kind="status:completed", created_at=long_ago)
    CallEvent.objects.create(call_sid="CA-new", kind="status:completed")
    assert "phone.contacts" in [step.name for step in purge.steps()]
    [dry] = purge.run(days=365, dry_run=True, only=["phone.contacts"])
    assert dry.count == 2
    old.refresh_from_db()
    assert old.notes  # a dry run changes nothing
    [result] = purge.run(days=365, only=["phone.contacts"])
    assert result.count == 2
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.notes == "" and old.topics is not None and old.outcome == "answered"
    assert new.notes == "Recent call"
    assert list(CallEvent.objects.values_list("call_sid", flat=True)) == ["CA-new"]
