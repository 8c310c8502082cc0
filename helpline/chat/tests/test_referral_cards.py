"""Resource cards: a specialist sends a directory entry into the chat (services.referrals).

Real database, the real transcript and e-mail builders, the console's HTTP fallback
through Django's test client, and the websocket path through channels'
WebsocketCommunicator (console socket command -> the visitor's socket, then a resume).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from helpline.accounts.roles import ensure_roles
from helpline.chat import selectors, services, transcripts
from helpline.chat.models import Conversation, Message
from helpline.common.exceptions import ApplicationError, NotAllowed
from helpline.common.models import AuditEntry

from .conftest import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(db):
    from helpline.resources.models import Resource

    today = dt.date.today()
    lodge = Resource.objects.create(
        name="Hope Lodge", provider="ACS", need="lodging", languages="en,es",
        description_en="Free rooms near treatment.", description_es="Habitaciones gratuitas.",
        hours_en="Monday to Friday, 9 a.m. to 5 p.m. ET",
        hours_es="Lunes a viernes, de 9 a. m. a 5 p. m.",
        phone="1-800-555-0100 ext. 2", website="https://example.org/hope-lodge",
        last_verified=today)
    rides = Resource.objects.create(
        name="Road Rides", provider="RR", need="transportation", languages="en,es",
        description_en="Rides to treatment.", description_es="", hours_en="Every day",
        phone="", website="", last_verified=today)
    gone = Resource.objects.create(
        name="Closed Fund", provider="CF", need="financial", languages="en,es",
        description_en="No longer.", description_es="Ya no.", active=False, last_verified=today)
    return {"lodge": lodge, "rides": rides, "gone": gone}


def _staff(*args, **kwargs):
    ensure_roles()  # the roles' permissions (referrals are the resources app's)
    return make_staff(*args, **kwargs)


def active_chat(language="es", specialist=None):
    specialist = specialist or _staff(languages=["en", "es"])
    conversation = services.conversation_start(language=language, first_message="Hola")
    services.conversation_accept(specialist, conversation.token)
    conversation.refresh_from_db()
    return conversation, specialist


def referred(conversation) -> list[str]:
    from helpline.resources.selectors import referred_resource_names

    return sorted(referred_resource_names(conversation.token))


# --------------------------------------------------------------------------- services


def test_card_is_a_numbered_message_with_its_fields_in_the_chats_language(directory):
    conversation, maria = active_chat("es")
    result = services.resource_card_send(maria, conversation, directory["lodge"].pk, "card-1")
    assert result.created
    message = Message.objects.get(pk=result.message.pk)
    conversation.refresh_from_db()
    assert message.seq == conversation.last_seq == 3  # the first line, the join, the card
    assert message.sender == "specialist" and message.sender_user == maria
    assert message.client_id == "card-1"
    card = message.data["card"]
    assert message.data["kind"] == "resource_card"
    assert card == {
        "resource": directory["lodge"].pk, "name": "Hope Lodge",
        "offers": "Habitaciones gratuitas.", "offers_lang": "es",
        "phone": "1-800-555-0100 ext. 2", "tel": "18005550100",
        "website": "https://example.org/hope-lodge",
        "hours": "Lunes a viernes, de 9 a. m. a 5 p. m.", "hours_lang": "es",
    }
    # What a client that shows text only shows: the same card, labelled in Spanish.
    assert message.text.splitlines() == [
        "Hope Lodge", "Habitaciones gratuitas.", "Teléfono: 1-800-555-0100 ext. 2",
        "Sitio web: https://example.org/hope-lodge",
        "Horario: Lunes a viernes, de 9 a. m. a 5 p. m.",
    ]


def test_untranslated_fields_fall_back_to_english_and_say_so(directory):
    conversation, maria = active_chat("es")
    card = services.resource_card_send(maria, conversation, directory["rides"].pk).message.data["card"]
    assert card["offers"] == "Rides to treatment." and card["offers_lang"] == "en"
    assert card["hours"] == "Every day" and card["hours_lang"] == "en"
    assert card["phone"] == card["tel"] == card["website"] == ""
    english, _ = active_chat("en", maria)
    text = services.resource_card_send(maria, english, directory["lodge"].pk).message.text
    assert "Phone: 1-800-555-0100 ext. 2" in text and "Hours: Monday to Friday" in text


def test_only_the_assigned_specialist_or_a_supervisor_may_send_and_only_while_active(directory):
    lodge = directory["lodge"].pk
    conversation, maria = active_chat("en")
    other = _staff(languages=["en"], first_name="Otto")
    with pytest.raises(NotAllowed):
        services.resource_card_send(other, conversation, lodge)
    translator = _staff("translator")
    with pytest.raises(NotAllowed):
        services.resource_card_send(translator, conversation, lodge)
    # A supervisor may send into someone else's active chat, under their own name.
    boss = _staff("supervisor", first_name="Sofia")
    sent = services.resource_card_send(boss, conversation, lodge)
    assert sent.created and sent.message.sender_label == "Sofia"
    # Nothing to send into: a waiting chat, an ended chat, a callback request.
    waiting = services.conversation_start(language="en")
    with pytest.raises(NotAllowed):
        services.resource_card_send(maria, waiting, lodge)
    with pytest.raises(ApplicationError) as refused:
        services.resource_card_send(boss, waiting, lodge)
    assert refused.value.code == "closed"
    services.conversation_close(maria, conversation.token)
    with pytest.raises(ApplicationError) as refused:
        services.resource_card_send(maria, conversation, lodge)
    assert refused.value.code == "closed"
    assert "only while the chat is active" in refused.value.message
    callback = services.callback_request_create(phone="(555) 123-4567", language="en")
    services.callback_outcome_set(maria, callback.token, "called")
    with pytest.raises(ApplicationError) as refused:
        services.resource_card_send(maria, callback, lodge)
    assert refused.value.code == "invalid"
    # None of the refusals stored a line or a referral.
    assert Message.objects.filter(data__kind="resource_card").count() == 1
    assert referred(conversation) == ["Hope Lodge"]


@pytest.mark.parametrize("bad", [None, "", "abc", "1; DROP TABLE", -1, 0, 10**30, True, [1],
                                 {"id": 1}, 3.5])
def test_a_resource_that_is_not_in_the_directory_is_refused_clearly(directory, bad):
    conversation, maria = active_chat("en")
    before = conversation.last_seq
    with pytest.raises(ApplicationError) as refused:
        services.resource_card_send(maria, conversation, bad)
    assert refused.value.code == "not_found"
    with pytest.raises(ApplicationError):
        services.resource_card_send(maria, conversation, directory["gone"].pk)  # inactive
    conversation.refresh_from_db()
    assert conversation.last_seq == before


def test_a_re_sent_id_is_stored_once_and_the_referral_is_recorded_once(directory):
    from helpline.resources.models import Referral

    conversation, maria = active_chat("en")
    lodge, rides = directory["lodge"], directory["rides"]
    first = services.resource_card_send(maria, conversation, lodge.pk, "c-1")
    again = services.resource_card_send(maria, conversation, lodge.pk, "c-1")
    assert again.created is False and again.seq == first.seq
    # Sent a second time on purpose (a new id): a second line, still one referral.
    second = services.resource_card_send(maria, conversation, lodge.pk, "c-2")
    assert second.created and second.seq == first.seq + 1
    assert referred(conversation) == ["Hope Lodge"]
    card_referral = Referral.objects.get(conversation_token=conversation.token)
    assert card_referral.sent_in_chat_at is not None and card_referral.channel == "chat"
    # The wrap-up names the card's resource again, and one more: only the new one is added.
    services.conversation_wrap_up(maria, conversation, resources=[str(lodge.pk), str(rides.pk)])
    services.conversation_wrap_up(maria, conversation, resources=[str(rides.pk)])  # saved twice
    assert referred(conversation) == ["Hope Lodge", "Road Rides"]
    assert AuditEntry.objects.filter(action="resources.referral_create").count() == 2
    assert sorted(selectors.referrals_recorded(conversation)) == ["Hope Lodge", "Road Rides"]


def test_a_failed_referral_leaves_no_card_behind(directory, monkeypatch):
    from helpline.resources import services as resource_services

    conversation, maria = active_chat("en")

    def refuse(*args, **kwargs):
        raise NotAllowed()

    monkeypatch.setattr(resource_services, "referral_create", refuse)
    with pytest.raises(NotAllowed):
        services.resource_card_send(maria, conversation, directory["lodge"].pk, "c-1")
    conversation.refresh_from_db()
    assert conversation.last_seq == 2
    assert not Message.objects.filter(client_id="c-1").exists()


# --------------------------------------------------------------------------- transcript


def test_the_card_is_kept_in_every_transcript(directory, settings, mailserver):
    settings.HELPLINE_SITE_URL = "https://help.example.org"
    conversation, maria = active_chat("en")
    services.visitor_message_post(conversation.token, "Call me at 212-555-0142", "v-1")
    services.resource_card_send(maria, conversation, directory["lodge"].pk, "c-1")
    # The e-mailed transcript, through a real SMTP server: text and HTML parts.
    services.visitor_transcript_send(conversation, email="ana@example.org", language="en")
    [received] = mailserver.messages
    text, html = received.body.replace("\r\n", "\n"), received.html
    assert "Hope Lodge\nFree rooms near treatment.\nPhone: 1-800-555-0100 ext. 2" in text
    assert '<a href="https://example.org/hope-lodge">' in html and "Hope Lodge" in html
    # The staff transcript masks what the visitor typed, not the service's own number.
    boss = _staff("supervisor")
    _conv, lines = transcripts.transcript_read(boss, conversation.pk)
    texts = [line.text for line in lines]
    assert "Call me at [phone]" in texts
    assert any("Phone: 1-800-555-0100 ext. 2" in t for t in texts)
    # The visitor's page after a reload, and the specialist's page: a card, once.
    visitor = Client()
    session = visitor.session
    session["chat_token"] = str(conversation.token)
    session.save()
    room = visitor.get("/en/chat/room/").content.decode()
    console = Client()
    console.force_login(maria)
    page = console.get(f"/en/chat/console/c/{conversation.pk}/").content.decode()
    for html, level in ((room, 2), (page, 3)):
        log = html.split('id="chat-log"', 1)[1].split("</ol>", 1)[0]
        assert log.count('<article class="chat-card"') == 1
        assert f'<h{level} class="chat-card-name" data-field="name">Hope Lodge</h{level}>' in log
        assert 'href="tel:18005550100"' in log
        assert re.search(r'<a data-field="website" href="https://example.org/hope-lodge" '
                         r'rel="noopener" target="_blank">', log)
        assert "Monday to Friday, 9 a.m. to 5 p.m. ET" in log
        assert '<template id="resource-card-template">' in html


def test_directory_text_is_escaped_on_the_page(directory):
    directory["lodge"].name = '<img src=x onerror="alert(1)">Lodge'
    directory["lodge"].save()
    conversation, maria = active_chat("en")
    services.resource_card_send(maria, conversation, directory["lodge"].pk)
    console = Client()
    console.force_login(maria)
    page = console.get(f"/en/chat/console/c/{conversation.pk}/").content.decode()
    assert "<img src=x" not in page and "&lt;img src=x" in page


# --------------------------------------------------------------------------- console page


def test_console_offers_the_chats_resources_and_sends_one_without_javascript(directory):
    conversation, maria = active_chat("es")
    console = Client()
    console.force_login(maria)
    page = console.get(f"/es/chat/console/c/{conversation.pk}/").content.decode()
    form = page.split('id="resource-form"', 1)[1].split("</form>", 1)[0]
    assert f'<option value="{directory["lodge"].pk}">Hope Lodge</option>' in form
    assert "Closed Fund" not in form  # inactive
    assert "Enviar un recurso" in page  # the console in Spanish
    client_id = re.search(r'name="id" value="([0-9a-f-]{36})"', form).group(1)
    url = f"/es/chat/console/c/{conversation.pk}/resource/"
    sent = console.post(url, {"resource": directory["lodge"].pk, "id": client_id})
    assert sent.status_code == 302
    again = console.post(url, {"resource": directory["lodge"].pk, "id": client_id}, follow=True)
    assert "Este recurso ya se había enviado." in again.content.decode()
    assert Message.objects.filter(data__kind="resource_card").count() == 1
    bad = console.post(url, {"resource": "nope"}, follow=True)
    assert "Elija un recurso del directorio." in bad.content.decode()
    # Someone else's chat: refused with the console's 403 page; nothing stored.
    other = Client()
    other.force_login(_staff(languages=["es"]))
    assert other.post(url, {"resource": directory["lodge"].pk}).status_code == 403
    assert console.post("/es/chat/console/c/999999/resource/",
                        {"resource": directory["lodge"].pk}).status_code == 302
    assert Message.objects.filter(data__kind="resource_card").count() == 1
    # Once the chat ends the page says why there is no form.
    services.conversation_close(maria, conversation.token)
    page = console.get(f"/es/chat/console/c/{conversation.pk}/").content.decode()
    assert 'id="resource-form"' not in page
    assert "Solo se puede enviar un recurso mientras el chat está activo." in page


def test_card_choices_serve_the_chats_language(directory):
    from helpline.resources.models import Resource
    from helpline.resources.selectors import card_choices

    Resource.objects.create(name="English Only", provider="E", need="legal", languages="en",
                            description_en="x", description_es="", last_verified=dt.date.today())
    spanish = [c["name"] for c in card_choices("es")]
    english = [c["name"] for c in card_choices("en")]
    assert "English Only" not in spanish and "English Only" in english
    assert "Closed Fund" not in english
    assert [c["need"] for c in card_choices("en")] == ["legal", "lodging", "transportation"]


# --------------------------------------------------------------------------- websocket


@pytest.mark.django_db(transaction=True)
async def test_console_socket_sends_a_card_the_visitor_gets_it_and_resumes_it_once(directory):
    from asgiref.sync import sync_to_async as adb

    from .test_consumers import connect, drain, until

    conversation, maria = await adb(active_chat)("en")
    lodge = directory["lodge"].pk
    visitor, ok, _ = await connect(f"/ws/chat/visitor/{conversation.token}/")
    staff, ok2, _ = await connect(f"/ws/chat/staff/{conversation.pk}/", user=maria)
    assert ok and ok2
    await drain(visitor)
    await drain(staff)

    await staff.send_json_to({"type": "send_resource", "id": "card-1", "resource": lodge})
    ack = await until(staff, "ack")
    assert ack["id"] == "card-1" and ack["duplicate"] is False and ack["seq"] == 3
    assert ack["message"]["data"]["card"]["name"] == "Hope Lodge"
    frame = await until(visitor, "message")
    assert frame["seq"] == 3 and frame["sender"] == "specialist"
    assert frame["data"]["kind"] == "resource_card"
    assert frame["data"]["card"]["tel"] == "18005550100"
    assert frame["text"].startswith("Hope Lodge\nFree rooms near treatment.")
    assert frame["text"] == ack["message"]["text"]
    # The sending socket has it through its ack: no echo.
    assert [f for f in await drain(staff) if f["type"] == "message"] == []
    # The same id again (a re-send after a drop): acknowledged, not stored or delivered again.
    await staff.send_json_to({"type": "send_resource", "id": "card-1", "resource": lodge})
    again = await until(staff, "ack")
    assert again["duplicate"] is True and again["seq"] == 3
    assert [f for f in await drain(visitor) if f["type"] == "message"] == []
    await visitor.disconnect()

    # The visitor reconnects having seen up to 2: the card comes once, in order.
    visitor, ok, _ = await connect(f"/ws/chat/visitor/{conversation.token}/?last_seq=2")
    frames = await drain(visitor, wait=0.3)
    cards = [f for f in frames if f["type"] == "message"]
    assert [(f["seq"], f["data"].get("kind")) for f in cards] == [(3, "resource_card")]
    # Having seen it: nothing repeated, on connect or on a resume frame.
    await visitor.disconnect()
    visitor, ok, _ = await connect(f"/ws/chat/visitor/{conversation.token}/?last_seq=3")
    await visitor.send_json_to({"type": "resume", "last_seq": 3})
    frames = await drain(visitor, wait=0.3)
    assert [f for f in frames if f["type"] == "message"] == []
    assert {"type": "resumed", "last_seq": 3} in frames
    await visitor.disconnect()
    await staff.disconnect()
    assert await adb(referred)(conversation) == ["Hope Lodge"]


@pytest.mark.django_db(transaction=True)
async def test_socket_refusals_are_clear_error_frames(directory):
    from asgiref.sync import sync_to_async as adb

    from .test_consumers import connect, drain, until

    lodge = directory["lodge"].pk
    conversation, maria = await adb(active_chat)("en")
    # The visitor's socket has no such command.
    visitor, ok, _ = await connect(f"/ws/chat/visitor/{conversation.token}/")
    await drain(visitor)
    await visitor.send_json_to({"type": "send_resource", "id": "v-1", "resource": lodge})
    error = await until(visitor, "error")
    assert error["code"] == "unknown_type" and error["id"] == "v-1"
    # A specialist who may open a waiting chat in their language, but it is not theirs.
    waiting = await adb(services.conversation_start)(language="en")
    other = await adb(_staff)(languages=["en"])
    staff, ok, _ = await connect(f"/ws/chat/staff/{waiting.pk}/", user=other)
    assert ok
    await drain(staff)
    await staff.send_json_to({"type": "send_resource", "id": "s-1", "resource": lodge})
    error = await until(staff, "error")
    assert error["code"] == "forbidden" and error["id"] == "s-1"
    assert "assigned specialist or a supervisor" in error["message"]
    await staff.disconnect()
    # The assigned specialist: a bad resource, a bad id, then the chat ends.
    staff, ok, _ = await connect(f"/ws/chat/staff/{conversation.pk}/", user=maria)
    await drain(staff)
    await staff.send_json_to({"type": "send_resource", "id": "s-2", "resource": "<b>"})
    error = await until(staff, "error")
    assert error["code"] == "not_found" and error["id"] == "s-2"
    await staff.send_json_to({"type": "send_resource", "id": "x" * 65, "resource": lodge})
    assert (await until(staff, "error"))["code"] == "invalid"
    await adb(services.conversation_close)(maria, conversation.token)
    await drain(staff)
    await staff.send_json_to({"type": "send_resource", "id": "s-3", "resource": lodge})
    error = await until(staff, "error")
    assert error["code"] == "closed" and error["id"] == "s-3"
    await staff.disconnect()
    await visitor.disconnect()
    assert not await adb(Message.objects.filter(data__kind="resource_card").exists)()
    assert await adb(Conversation.objects.filter(pk=waiting.pk, status="waiting").exists)()
