"""Retention purge (with dry run), scrubbed transcripts and exports, visitor deletion."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from helpline.accounts.testing import make_staff
from helpline.chat import services as chat
from helpline.chat import transcripts
from helpline.chat.models import Conversation, Message
from helpline.common import purge
from helpline.common.exceptions import NotAllowed
from helpline.common.models import AuditEntry

pytestmark = pytest.mark.django_db

OLD = timezone.now() - dt.timedelta(days=400)


def _chat(now=None, name="Ana", text="Soy Ana, mi teléfono es 612 345 678 y nací el 3 de marzo de 1962"):
    conversation = chat.conversation_start(language="es", visitor_name=name, first_message=text,
                                           now=now)
    if now:
        Message.objects.filter(conversation=conversation).update(created_at=now)
    return conversation


def _ref(client, conversation) -> str:
    """The transcript link reference the pages give this client's session."""
    session = client.session
    if not session.session_key:
        session.save()
    return transcripts.transcript_ref(conversation.pk, session.session_key)


def _assign(conversation, user):
    Conversation.objects.filter(pk=conversation.pk).update(
        status="active", assigned_to=user, accepted_at=timezone.now(),
        human_joined_at=timezone.now())
    conversation.refresh_from_db()
    return conversation


# --- purge -----------------------------------------------------------------------

def test_dry_run_counts_and_changes_nothing() -> None:
    old = _chat(now=OLD)
    new = _chat()
    out = io.StringIO()
    call_command("purge", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "DRY RUN: would change" in text
    assert "chat.conversations" in text
    line = next(line for line in text.splitlines() if "chat.conversations" in line)
    assert line.split()[1] == "1"
    old.refresh_from_db()
    assert old.visitor_name == "Ana" and old.messages.count() == 1
    assert new.messages.count() == 1
    assert not AuditEntry.objects.filter(action="common.purge").exists()


def test_purge_anonymizes_old_conversations_and_callbacks_only() -> None:
    old = _chat(now=OLD)
    Conversation.objects.filter(pk=old.pk).update(notes="Called her at 612 345 678",
                                                  topics=["side_effects"], rating=5,
                                                  rating_comment="gracias, Ana")
    callback = chat.callback_request_create(phone="(555) 123-4567", language="en",
                                            reason="my dad Juan Perez", visitor_name="Juan")
    Conversation.objects.filter(pk=callback.pk).update(created_at=OLD)
    new = _chat(name="Bea")
    out = io.StringIO()
    call_command("purge", stdout=out)
    assert "Changed" in out.getvalue()
    old.refresh_from_db()
    callback.refresh_from_db()
    new.refresh_from_db()
    assert old.messages.count() == 0
    assert (old.visitor_name, old.notes, old.rating_comment) == ("", "", "")
    # Figures for the dashboard stay.
    assert old.topics == ["side_effects"] and old.rating == 5 and old.language == "es"
    assert (callback.callback_phone, callback.callback_reason, callback.visitor_name) == ("", "", "")
    assert new.visitor_name == "Bea" and new.messages.count() == 1
    entry = AuditEntry.objects.get(action="common.purge")
    assert entry.data["counts"]["chat.conversations"] == 2
    # A second run finds nothing more to do.
    results = {r.name: r.count for r in purge.run()}
    assert results["chat.conversations"] == 0


def test_purge_outreach_and_answers_records() -> None:
    from helpline.outreach.models import Subscriber, VolunteerInterest

    Subscriber.objects.create(email="gone@example.org", status="unsubscribed",
                              unsubscribed_at=OLD, requested_at=OLD)
    Subscriber.objects.create(email="never@example.org", status="pending", requested_at=OLD)
    Subscriber.objects.create(email="reader@example.org", status="confirmed", requested_at=OLD,
                              consent_at=OLD)
    VolunteerInterest.objects.create(name="Old", email="o@example.org", zip_code="10001",
                                     created_at=OLD)
    VolunteerInterest.objects.create(name="New", email="n@example.org", zip_code="10001")
    dry = {r.name: r.count for r in purge.run(dry_run=True)}
    assert dry["outreach.subscribers"] == 2 and dry["outreach.volunteers"] == 1
    assert Subscriber.objects.count() == 3
    purge.run()
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["reader@example.org"]
    assert list(VolunteerInterest.objects.values_list("name", flat=True)) == ["New"]


def test_days_option_and_bad_input() -> None:
    from django.core.management.base import CommandError

    conversation = _chat(now=timezone.now() - dt.timedelta(days=40))
    call_command("purge", "--days", "60", stdout=io.StringIO())
    assert Message.objects.filter(conversation=conversation).count() == 1
    call_command("purge", "--days", "30", "--only", "chat.conversations", stdout=io.StringIO())
    assert Message.objects.filter(conversation=conversation).count() == 0
    with pytest.raises(CommandError, match="at least 1 day"):
        call_command("purge", "--days", "0", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Unknown step"):
        call_command("purge", "--only", "nope", stdout=io.StringIO())


def test_apps_can_register_steps() -> None:
    seen = []

    @purge.register("test.step", "a test step")
    def step(cutoff, dry_run):
        seen.append(dry_run)
        return 7

    try:
        results = {r.name: r.count for r in purge.run(dry_run=True, only=["test.step"])}
        assert results == {"test.step": 7} and seen == [True]
    finally:
        purge._STEPS.pop("test.step")


# --- transcripts --------------------------------------------------------------

@pytest.fixture
def people(db):
    return {
        "specialist": make_staff("spec", "specialist"),
        "other": make_staff("other", "specialist"),
        "supervisor": make_staff("sup", "supervisor"),
        "editor": make_staff("ed", "editor"),
        "administrator": make_staff("adm", "administrator"),
    }


def test_supervisor_reads_scrubbed_and_original_is_audited(client, people) -> None:
    conversation = _assign(_chat(), people["specialist"])
    client.force_login(people["supervisor"])
    body = client.get(f"/en/staff/transcripts/{_ref(client, conversation)}/").content.decode()
    assert "[phone]" in body and "612 345 678" not in body and "[dob]" in body
    assert AuditEntry.objects.filter(action="chat.view_transcript",
                                     actor=people["supervisor"]).count() == 1
    original = client.get(f"/en/staff/transcripts/{_ref(client, conversation)}/?original=1")
    assert "612 345 678" in original.content.decode()
    assert AuditEntry.objects.filter(action="chat.view_original").count() == 1


def test_who_may_open_what(people) -> None:
    conversation = _assign(_chat(), people["specialist"])
    token = conversation.pk
    # The assigned specialist may open the original (not audited: it is their own chat).
    _, lines = transcripts.transcript_read(people["specialist"], token, original=True)
    assert "612 345 678" in lines[0].text
    assert not AuditEntry.objects.filter(action__startswith="chat.view").exists()
    for role in ("other", "editor"):
        with pytest.raises(NotAllowed):
            transcripts.transcript_read(people[role], token)
    # Administrators may read the scrubbed transcript but not the original.
    transcripts.transcript_read(people["administrator"], token)
    with pytest.raises(NotAllowed):
        transcripts.transcript_read(people["administrator"], token, original=True)
    for role in ("specialist", "other", "editor"):
        with pytest.raises(NotAllowed):
            transcripts.transcript_export_csv(people[role], [token])


def test_csv_export_scrubbed_and_formula_safe(client, people) -> None:
    conversation = _assign(_chat(), people["specialist"])
    chat.visitor_message_post(conversation.token, "=HYPERLINK(\"http://x\") mail me ana@example.org",
                              str(uuid.uuid4()))
    client.force_login(people["supervisor"])
    response = client.get(f"/en/staff/transcripts/{_ref(client, conversation)}.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["seq"] for r in rows] == ["1", "2"]
    assert "[phone]" in rows[0]["text"] and "612" not in rows[0]["text"]
    assert rows[1]["text"].startswith("'=") and "[email]" in rows[1]["text"]
    assert AuditEntry.objects.filter(action="chat.export", data__format="csv").count() == 1
    client.force_login(people["other"])
    assert client.get(f"/en/staff/transcripts/{_ref(client, conversation)}.csv").status_code == 403


@pytest.mark.slow
def test_pdf_export_scrubbed(client, people) -> None:
    from pypdf import PdfReader

    conversation = _assign(_chat(), people["specialist"])
    client.force_login(people["supervisor"])
    response = client.get(f"/en/staff/transcripts/{_ref(client, conversation)}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "[phone]" in text and "612 345 678" not in text
    assert AuditEntry.objects.filter(action="chat.export", data__format="pdf").exists()


def test_unknown_transcript_is_404(client, people) -> None:
    client.force_login(people["supervisor"])
    assert client.get(f"/en/staff/transcripts/{uuid.uuid4()}/").status_code == 404
    assert client.get(f"/en/staff/transcripts/{_ref(client, _chat())}x/").status_code == 404
    gone = _chat()
    link = f"/en/staff/transcripts/{_ref(client, gone)}/"
    assert client.get(link).status_code == 200
    gone.delete()
    assert client.get(link).status_code == 404


# --- visitor deletes their own conversation -----------------------------------

def _bind(client, conversation) -> None:
    """The visitor's browser session, as the chat start page leaves it."""
    session = client.session
    session["chat_token"] = str(conversation.token)
    session.save()


def test_the_token_alone_does_not_delete_a_conversation(client, people) -> None:
    conversation = _chat()
    # someone who saw the token (a staff page, a shoulder) but is not the visitor's browser
    response = client.post("/en/my-chat/delete/", {"token": str(conversation.token),
                                                   "confirm": "on"})
    assert response.status_code == 404
    client.force_login(people["supervisor"])
    response = client.post("/en/my-chat/delete/", {"token": str(conversation.token),
                                                   "confirm": "on"})
    assert response.status_code == 404
    assert Conversation.objects.filter(pk=conversation.pk).exists()


def test_visitor_deletes_own_conversation(client) -> None:
    conversation = _chat()
    _bind(client, conversation)
    page = client.get(f"/es/my-chat/delete/?token={conversation.token}")
    assert page.status_code == 200 and str(conversation.token) in page.content.decode()
    response = client.post("/es/my-chat/delete/", {"token": str(conversation.token),
                                                   "confirm": "on"})
    assert response.status_code == 200
    assert "Su conversación está eliminada" in response.content.decode()
    assert not Conversation.objects.filter(pk=conversation.pk).exists()
    assert not Message.objects.filter(conversation_id=conversation.pk).exists()
    entry = AuditEntry.objects.get(action="chat.visitor_delete")
    assert entry.data == {"conversation_id": conversation.pk}


def test_visitor_delete_bad_input_changes_nothing(client) -> None:
    conversation = _chat()
    no_confirm = client.post("/en/my-chat/delete/", {"token": str(conversation.token)})
    assert no_confirm.status_code == 400
    garbage = client.post("/en/my-chat/delete/", {"token": "'; DROP TABLE", "confirm": "on"})
    assert garbage.status_code == 400 and "valid UUID" in garbage.content.decode()
    unknown = client.post("/en/my-chat/delete/", {"token": str(uuid.uuid4()), "confirm": "on"})
    assert unknown.status_code == 404
    assert "no conversation with that code" in unknown.content.decode()
    assert Conversation.objects.filter(pk=conversation.pk).exists()


def test_openapi_document_served(client) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.")
    assert "/api/answers" in doc["paths"]
    assert doc["servers"][0]["url"] == "http://testserver"


# --- issue 14, finding 7: every copy goes ---------------------------------------------

def test_visitor_delete_removes_every_copy(client, people) -> None:
    from helpline.answers.models import QuestionLog
    from helpline.answers.services import answer_question
    from helpline.resources.models import Need, Referral, Resource
    from helpline.resources.services import referral_create

    asked = answer_question("Me llamo Ana, ¿qué pasa con mi perro después de CAR T?", "es")
    conversation = chat.conversation_start(language="es", visitor_name="Ana",
                                           handoff_token=str(asked.log_token))
    _assign(conversation, people["specialist"])
    resource = Resource.objects.create(name="Casa Ronald", provider="RMHC", need=Need.choices[0][0],
                                       description_en="Lodging", description_es="Alojamiento",
                                       last_verified=timezone.now().date())
    referral_create(people["specialist"], [resource.pk], conversation=conversation)
    _bind(client, conversation)
    response = client.post("/en/my-chat/delete/", {"token": str(conversation.token),
                                                   "confirm": "on"}, REMOTE_ADDR="198.51.100.23")
    assert response.status_code == 200
    assert not Referral.objects.filter(conversation_token=conversation.token).exists()
    assert not Referral.objects.filter(callback_ref=str(conversation.token)).exists()
    assert QuestionLog.objects.get(log_token=asked.log_token).question == ""
    entry = AuditEntry.objects.get(action="chat.visitor_delete")
    assert entry.ip_address is None
    assert str(conversation.token) not in str(entry.data) + entry.object_repr


def test_callback_outcome_notes_are_purgeable_rows_not_audit_text(people) -> None:
    callback = chat.callback_request_create(phone="+34 612 345 678", language="es",
                                            preferred_time="asap", reason="dudas")
    note = "spoke to his wife carmen, she lives at 12 elm st"
    chat.callback_outcome_set(people["supervisor"], callback, outcome="called", note=note)
    entry = AuditEntry.objects.get(action="chat.callback_outcome")
    assert "carmen" not in str(entry.data) and "elm" not in str(entry.data)
    assert entry.data["note_id"]
    Conversation.objects.filter(pk=callback.pk).update(created_at=OLD)
    call_command("purge")
    from helpline.chat.models import CallbackNote

    assert [n.note for n in CallbackNote.objects.filter(conversation=callback)] == [""]


def test_rating_comment_over_the_socket_is_scrubbed() -> None:
    conversation = _chat()
    chat.conversation_close_by_visitor(conversation.token)
    chat.conversation_rate(conversation.token, 4, "call me at 612/345/678, I'm Ana")
    conversation.refresh_from_db()
    assert "612" not in conversation.rating_comment and "Ana" not in conversation.rating_comment
