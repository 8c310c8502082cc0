"""The specialist console: who may open it, the queue, accept/transfer/close, wrap-up,
callback outcomes and canned responses — through Django's test client."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from helpline.chat import services
from helpline.chat.console.models import CannedResponse, WrapUpTopic
from helpline.chat.models import Conversation
from helpline.common.models import AuditEntry

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_anonymous_and_non_specialists_cannot_open_the_console(staff_factory):
    anonymous = Client().get("/en/chat/console/")
    assert anonymous.status_code == 302 and "/staff/login/" in anonymous["Location"]
    assert Client().get("/en/chat/console/queue.json").status_code == 302
    editor = get_user_model().objects.create_user(username="ed", password="x" * 14)
    editor.groups.add(Group.objects.get_or_create(name="editor")[0])
    response = login(editor).get("/en/chat/console/")
    assert response.status_code == 403
    assert "for specialists and supervisors" in response.content.decode()
    assert login(editor).get("/en/chat/console/queue.json").status_code == 403
    conversation = services.conversation_start(language="en")
    assert login(editor).get(f"/en/chat/console/c/{conversation.pk}/").status_code == 403
    assert login(editor).post(f"/en/chat/console/c/{conversation.pk}/accept/").status_code == 403
    conversation.refresh_from_db()
    assert conversation.status == "waiting"


def test_queue_shows_waiting_conversations_in_my_languages_urgent_first(staff_factory):
    specialist = staff_factory(languages=["en"])
    older = services.conversation_start(language="en", visitor_name="Old")
    services.conversation_start(language="es", visitor_name="Sofia")
    urgent = services.conversation_start(language="en", visitor_name="Urgent")
    Conversation.objects.filter(pk=urgent.pk).update(urgent=True)
    callback = services.callback_request_create(phone="+12125550123", language="en",
                                                preferred_time="asap", reason="Costs")
    data = login(specialist).get("/en/chat/console/queue.json").json()
    ids = [item["id"] for item in data["queue"]]
    assert ids == [urgent.pk, older.pk, callback.pk]
    assert all("waited_label" in item for item in data["queue"])
    html = login(specialist).get("/en/chat/console/").content.decode()
    assert "Old" in html and "Urgent" in html and "Sofia" not in html
    assert 'data-ws-url="/ws/chat/console/"' in html


def test_specialist_cannot_see_someone_elses_conversation(staff_factory):
    alice = staff_factory(first_name="Alice")
    bob = staff_factory(first_name="Bob")
    conversation = services.conversation_start(language="en", first_message="My secret question")
    services.conversation_accept(alice, conversation.token)
    assert login(alice).get(f"/en/chat/console/c/{conversation.pk}/").status_code == 200
    response = login(bob).get(f"/en/chat/console/c/{conversation.pk}/")
    assert response.status_code == 403
    assert "My secret question" not in response.content.decode()
    for action in ("close", "wrapup", "outcome"):
        r = login(bob).post(f"/en/chat/console/c/{conversation.pk}/{action}/", {"outcome": "done"})
        assert r.status_code == 403, action
    assert login(bob).get(f"/en/chat/console/c/{conversation.pk}/suggestions.json").status_code == 403
    conversation.refresh_from_db()
    assert conversation.status == "active" and conversation.assigned_to == alice
    # A spanish-only specialist cannot see an English waiting chat either.
    waiting = services.conversation_start(language="en")
    carla = staff_factory(languages=["es"])
    assert login(carla).get(f"/en/chat/console/c/{waiting.pk}/").status_code == 403
    # An unknown conversation is a clear message, not a crash; a token is not a staff reference.
    r = login(alice).get("/en/chat/console/c/999999999/")
    assert r.status_code == 302
    assert login(alice).get(f"/en/chat/console/c/{waiting.token}/").status_code == 404


def test_accept_transfer_close_and_wrap_up(staff_factory):
    alice = staff_factory(first_name="Alice", languages=["en", "es"])
    bob = staff_factory(first_name="Bob", languages=["en"])
    conversation = services.conversation_start(language="en", visitor_name="Ann",
                                               first_message="<i>Hello</i>")
    client = login(alice)
    r = client.post(f"/en/chat/console/c/{conversation.pk}/accept/")
    assert r.status_code == 302
    conversation.refresh_from_db()
    assert conversation.status == "active" and conversation.assigned_to == alice
    page = client.get(f"/en/chat/console/c/{conversation.pk}/").content.decode()
    assert "&lt;i&gt;Hello&lt;/i&gt;" in page and "<i>Hello</i>" not in page
    assert f'data-ws-url="/ws/chat/staff/{conversation.pk}/"' in page
    # Canned responses in both languages, the conversation's language first.
    assert page.index("Hello, thank you for reaching out") < page.index("Hola, gracias por")
    # Bob tries to take it too: refused, nothing changes.
    r = login(bob).post(f"/en/chat/console/c/{conversation.pk}/accept/", follow=True)
    conversation.refresh_from_db()
    assert conversation.assigned_to == alice

    # Transfer: a bad target is a form error; then to Bob with a note.
    bad = client.post(f"/en/chat/console/c/{conversation.pk}/transfer/", {"target": "user:999999"})
    assert bad.status_code == 400
    r = client.post(f"/en/chat/console/c/{conversation.pk}/transfer/",
                    {"target": f"user:{bob.pk}", "note": "Asked about lodging"})
    assert r.status_code == 302
    conversation.refresh_from_db()
    assert conversation.status == "waiting" and conversation.transfer_to == bob
    assert conversation.transfer_note == "Asked about lodging"
    queue = login(bob).get("/en/chat/console/queue.json").json()["queue"]
    assert queue[0]["id"] == conversation.pk and queue[0]["transferred_to_me"]
    login(bob).post(f"/en/chat/console/c/{conversation.pk}/accept/")
    conversation.refresh_from_db()
    assert conversation.assigned_to == bob

    # Close, then wrap up: unknown topics are refused, known ones saved; notes scrubbed.
    bob_client = login(bob)
    assert bob_client.post(f"/en/chat/console/c/{conversation.pk}/close/").status_code == 302
    conversation.refresh_from_db()
    assert conversation.status == "closed"
    r = bob_client.post(f"/en/chat/console/c/{conversation.pk}/wrapup/",
                        {"topics": ["made-up"], "notes": "x"})
    assert r.status_code == 400
    conversation.refresh_from_db()
    assert conversation.topics == [] and conversation.notes == ""
    WrapUpTopic.objects.create(code="parking", label_en="Parking", label_es="Estacionamiento")
    r = bob_client.post(f"/en/chat/console/c/{conversation.pk}/wrapup/",
                        {"topics": ["side-effects", "parking"], "referrals": "Lodging program",
                         "notes": "Visitor e-mail ann@example.com, worried about CRS"})
    assert r.status_code == 302
    conversation.refresh_from_db()
    assert conversation.topics == ["side-effects", "parking"]
    assert conversation.referrals_text == "Lodging program"
    assert "ann@example.com" not in conversation.notes and "worried about CRS" in conversation.notes
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"chat.accept", "chat.transfer", "chat.close", "chat.wrapup"} <= actions


def test_wrap_up_referrals_from_the_resource_directory(staff_factory):
    import datetime

    from helpline.resources.models import Referral, Resource

    alice = staff_factory()
    from helpline.accounts.roles import ensure_roles

    ensure_roles()
    resource = Resource.objects.create(name="Hope Lodge", provider="ACS", need="lodging",
                                       description_en="Free lodging", description_es="Alojamiento",
                                       last_verified=datetime.date.today(), languages="en,es")
    conversation = services.conversation_start(language="en")
    services.conversation_accept(alice, conversation.token)
    client = login(alice)
    page = client.get(f"/en/chat/console/c/{conversation.pk}/").content.decode()
    assert "Hope Lodge" in page
    r = client.post(f"/en/chat/console/c/{conversation.pk}/wrapup/",
                    {"resources": [str(resource.pk)], "notes": ""})
    if not alice.has_perm("resources.add_referral"):
        pytest.skip("the resources app has not granted referrals to specialists yet")
    assert r.status_code == 302
    referral = Referral.objects.get(conversation_token=conversation.token)
    assert list(referral.items.values_list("resource_name", flat=True)) == ["Hope Lodge"]


def test_callback_requests_show_the_number_and_take_an_outcome(staff_factory):
    alice = staff_factory()
    callback = services.callback_request_create(phone="+12125550123", language="en",
                                                preferred_time="morning", reason="Costs")
    client = login(alice)
    page = client.get(f"/en/chat/console/c/{callback.pk}/").content.decode()
    assert 'href="tel:+12125550123"' in page and "Morning (8 a.m. to noon)" in page
    bad = client.post(f"/en/chat/console/c/{callback.pk}/outcome/", {"outcome": "maybe"})
    assert bad.status_code == 400
    callback.refresh_from_db()
    assert callback.callback_outcome == "" and callback.status == "waiting"
    client.post(f"/en/chat/console/c/{callback.pk}/outcome/", {"outcome": "no_answer"})
    callback.refresh_from_db()
    assert callback.callback_outcome == "no_answer" and callback.assigned_to == alice
    client.post(f"/en/chat/console/c/{callback.pk}/outcome/", {"outcome": "done"})
    callback.refresh_from_db()
    assert callback.callback_outcome == "done" and callback.status == "closed"


def test_status_form_sets_availability_and_languages(staff_factory):
    alice = staff_factory(available=False, languages=["en"])
    client = login(alice)
    bad = client.post("/en/chat/console/status/", {"available": "maybe", "languages": ["fr"],
                                                    "max_concurrent": "0"})
    assert bad.status_code == 400
    alice.chat_status.refresh_from_db()
    assert alice.chat_status.available is False and alice.chat_status.languages == ["en"]
    client.post("/en/chat/console/status/", {"available": "available", "languages": ["en", "es"],
                                             "max_concurrent": "2"})
    alice.chat_status.refresh_from_db()
    assert alice.chat_status.available is True
    assert alice.chat_status.languages == ["en", "es"] and alice.chat_status.max_concurrent == 2
    client.post("/en/chat/console/status/", {"available": "away", "languages": ["es"],
                                             "max_concurrent": "2"})
    alice.chat_status.refresh_from_db()
    assert alice.chat_status.available is False


def test_canned_responses_are_seeded_in_both_languages():
    keys_en = set(CannedResponse.objects.filter(language="en").values_list("key", flat=True))
    keys_es = set(CannedResponse.objects.filter(language="es").values_list("key", flat=True))
    assert keys_en and keys_en == keys_es
    assert WrapUpTopic.objects.filter(active=True).count() >= 5


def test_suggestions_json_rejects_oversize_text(staff_factory):
    alice = staff_factory()
    conversation = services.conversation_start(language="en")
    services.conversation_accept(alice, conversation.token)
    r = login(alice).get(f"/en/chat/console/c/{conversation.pk}/suggestions.json",
                         {"text": "x" * 2001})
    assert r.status_code == 400 and "too long" in r.json()["error"]


def test_supervisors_edit_the_topic_list_and_specialists_only_read_it(staff_factory):
    from helpline.accounts.roles import ensure_roles

    ensure_roles()
    specialist = get_user_model().objects.get(pk=staff_factory("specialist").pk)
    supervisor = get_user_model().objects.get(pk=staff_factory("supervisor").pk)
    assert supervisor.has_perm("chat_console.change_wrapuptopic")
    assert supervisor.has_perm("chat_console.add_cannedresponse")
    assert specialist.has_perm("chat_console.view_wrapuptopic")
    assert not specialist.has_perm("chat_console.change_wrapuptopic")
    # In the admin (staff flag set), the supervisor can change a topic and the
    # specialist cannot.
    get_user_model().objects.filter(pk__in=[specialist.pk, supervisor.pk]).update(is_staff=True)
    topic = WrapUpTopic.objects.get(code="other")
    url = f"/admin/chat_console/wrapuptopic/{topic.pk}/change/"
    data = {"code": "other", "label_en": "Something else", "label_es": "Otra cosa",
            "active": "on", "sort_order": "100"}
    assert login(specialist).post(url, data).status_code == 403
    assert login(supervisor).post(url, data).status_code == 302
    topic.refresh_from_db()
    assert topic.label_en == "Something else"


def test_suggested_passages_for_the_visitors_last_message_with_quote_and_link(staff_factory):
    from django.core.management import call_command

    from helpline.answers.services import LIVE

    call_command("loadcontent", verbosity=0)
    LIVE.reset()  # this process may have built its index before the articles were loaded
    alice = staff_factory()
    conversation = services.conversation_start(language="en")
    services.visitor_message_post(conversation.token, "What are the signs of cytokine release "
                                  "syndrome?", "v-1")
    services.conversation_accept(alice, conversation.token)
    client = login(alice)
    data = client.get(f"/en/chat/console/c/{conversation.pk}/suggestions.json").json()
    passages = data["passages"]
    assert passages, "expected passages from the bundled articles"
    top = passages[0]
    assert "cytokine-release-syndrome" in top["url"]
    assert top["quote"].startswith("“") and top["url"] in top["quote"]
    page = client.get(f"/en/chat/console/c/{conversation.pk}/").content.decode()
    assert 'class="secondary insert"' in page and top["article"] in page
    # Explicit text (the message the specialist is looking at) is also accepted.
    other = client.get(f"/en/chat/console/c/{conversation.pk}/suggestions.json",
                       {"text": "What is ICANS neurotoxicity?"}).json()["passages"]
    assert other and [p["text"] for p in other] != [p["text"] for p in passages]
    # The conversation's language, unless marked; nothing rather than something off-topic.
    assert all(p["lang"] == "en" and not p["other_language"] for p in passages + other)
    off_topic = client.get(f"/en/chat/console/c/{conversation.pk}/suggestions.json",
                           {"text": "What is the weather tomorrow in Paris?"}).json()["passages"]
    assert off_topic == []
