import datetime
import uuid

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from helpline.accounts import roles
from helpline.accounts.testing import make_staff as staff_user
from helpline.common.exceptions import ApplicationError, NotAllowed
from helpline.common.models import AuditEntry
from helpline.resources import selectors, services
from helpline.resources.models import Referral, Resource


@pytest.fixture
def sample(db):
    call_command("loadresources")
    return Resource.objects.all()


def test_loadresources_is_idempotent_and_marks_sample_data(db, capsys):
    call_command("loadresources", "--if-empty")
    assert "12 created" in capsys.readouterr().out
    first = {r.sample_key: r.pk for r in Resource.objects.all()}
    assert all(r.is_sample and r.name.startswith("Sample:") for r in Resource.objects.all())
    call_command("loadresources", "--if-empty")
    assert "0 created, 0 updated" in capsys.readouterr().out
    call_command("loadresources")
    assert "0 created, 12 updated" in capsys.readouterr().out
    assert {r.sample_key: r.pk for r in Resource.objects.all()} == first
    # Sample entries are geocoded from their ZIP code at load time.
    lodging = Resource.objects.get(sample_key="sample-lodging-philadelphia")
    assert lodging.latitude == pytest.approx(39.9597)


@pytest.mark.parametrize("lang, heading", [("en", "Find services near you"),
                                           ("es", "Encuentre servicios cerca de usted")])
def test_directory_renders_in_both_languages(client: Client, sample, lang, heading):
    response = client.get(f"/{lang}/resources/")
    assert response.status_code == 200
    html = response.content.decode()
    assert heading in html
    assert f'<html lang="{lang}">' in html
    if lang == "es":
        assert "Habitaciones gratuitas o de bajo costo" in html  # Spanish descriptions
    assert "<script>" not in html and ' style="' not in html


def test_search_by_need_and_zip_in_the_page(client: Client, sample):
    html = client.get("/en/resources/", {"need": "lodging", "zip": "19104"}).content.decode()
    assert "Sample: Hope House lodging (Philadelphia)" in html
    assert "less than a mile away" in html and "about 0 miles" not in html
    assert "Languages: English" in html and "en,es" not in html
    assert "Harbor Rooms" not in html  # 83 miles away, radius 30
    html = client.get("/en/resources/", {"need": "lodging", "zip": "10001"}).content.decode()
    assert "Harbor Rooms" in html and "about 2 miles away" in html
    assert "Hope House" not in html
    html = client.get("/es/resources/", {"need": "lodging", "zip": "19104"}).content.decode()
    assert "a menos de una milla" in html
    assert "Idiomas: inglés" in html
    # Nationwide services are listed whatever the ZIP code.
    html = client.get("/en/resources/", {"need": "transportation", "zip": "90033"}).content.decode()
    assert "Road to Care" in html and "Keystone" not in html


@pytest.mark.parametrize("params, message", [
    ({"zip": "99999"}, "could not find this ZIP code"),
    ({"zip": "12"}, "five-digit ZIP code"),
    ({"zip": "abcde"}, "five-digit ZIP code"),
    ({"need": "rockets"}, "Select a valid choice"),
    ({"language": "fr"}, "Select a valid choice"),
])
def test_bad_search_input_gives_a_clear_400(client: Client, sample, params, message):
    response = client.get("/en/resources/", params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_email_me_the_list_end_to_end(client: Client, sample, mailserver):
    ids = list(Resource.objects.filter(need="lodging").values_list("pk", flat=True))
    response = client.post("/es/resources/email/", {"email": "visitante@example.org",
                                                    "resource": ids})
    assert response.status_code == 200
    [mail] = mailserver.messages
    assert mail.rcpt_tos == ["visitante@example.org"]
    assert "Sample: Hope House lodging (Philadelphia)" in mail.body
    assert "Habitaciones gratuitas" in mail.body  # in the visitor's language
    assert "215-555-0101" in mail.body


@pytest.mark.parametrize("data", [
    {"email": "nope", "resource": ["1"]},
    {"email": "a@example.org", "resource": []},
    {"email": "a@example.org", "resource": ["999999"]},
    {"email": "a@example.org", "resource": ["x"]},
])
def test_email_list_bad_input_sends_nothing(client: Client, sample, mailserver, data):
    response = client.post("/en/resources/email/", data)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert mailserver.messages == []


def test_email_list_is_rate_limited(client: Client, sample, mailserver):
    pk = Resource.objects.first().pk
    codes = [client.post("/en/resources/email/", {"email": f"p{i}@example.org",
                                                  "resource": [pk]}).status_code
             for i in range(7)]
    assert codes[:5] == [200] * 5 and codes[5:] == [400, 400]
    assert len(mailserver.messages) == 5


def test_referral_create_records_needs_and_checks_permission(sample):
    specialist = staff_user("spec", roles.SPECIALIST)
    translator = staff_user("tran", roles.TRANSLATOR)
    lodging = Resource.objects.get(sample_key="sample-lodging-philadelphia")
    rides = Resource.objects.get(sample_key="sample-rides-nationwide")

    with pytest.raises(NotAllowed):
        services.referral_create(translator, [lodging])
    with pytest.raises(ApplicationError):
        services.referral_create(specialist, [])
    with pytest.raises(ApplicationError):
        services.referral_create(specialist, [lodging, 999999])
    assert not Referral.objects.exists()

    token = uuid.uuid4()

    class Conversation:  # the chat app passes its model; only token/channel/language are read
        channel = "chat"
        language = "es"

    conversation = Conversation()
    conversation.token = token
    referral = services.referral_create(specialist, [lodging, rides, lodging], conversation,
                                        note="Call 215-555-0199 about it")
    assert referral.conversation_token == token
    assert referral.channel == "chat"
    assert referral.language == "es"
    assert sorted(referral.items.values_list("need", flat=True)) == ["lodging", "transportation"]
    # the shared privacy filter masks contact details in notes
    assert "215-555-0199" not in referral.note
    callback = services.referral_create(specialist, [rides], callback="cb-42")
    assert callback.channel == "callback" and callback.callback_ref == "cb-42"
    assert AuditEntry.objects.filter(action="resources.referral_create").count() == 2

    text = services.referral_chat_text(referral)
    assert text.startswith("Servicios que pueden ayudar")
    assert "Sample: Road to Care rides" in text and "1-800-555-0103" in text

    supervisor = staff_user("sup", roles.SUPERVISOR)
    counts = {row["need"]: row["count"] for row in selectors.referral_counts_by_need(supervisor)}
    assert counts["transportation"] == 2 and counts["lodging"] == 1 and counts["legal"] == 0
    with pytest.raises(NotAllowed):
        selectors.referral_counts_by_need(specialist)


def test_referral_email_reaches_the_visitor(sample, mailserver):
    specialist = staff_user("spec", roles.SPECIALIST)
    referral = services.referral_create(specialist, [Resource.objects.get(sample_key="sample-copay-fund")])
    with pytest.raises(ApplicationError):
        services.referral_email(specialist, referral, "not an address")
    assert mailserver.messages == []
    services.referral_email(specialist, referral, "visitor@example.org")
    [mail] = mailserver.messages
    assert mail.rcpt_tos == ["visitor@example.org"] and "Copay Bridge" in mail.body
    referral.refresh_from_db()
    assert referral.emailed_at is not None


def test_staff_page_flags_stale_entries_and_shows_referral_counts(client: Client, sample):
    client.force_login(staff_user("tran", roles.TRANSLATOR))
    assert client.get("/en/resources/staff/").status_code == 403

    specialist = staff_user("spec", roles.SPECIALIST)
    services.referral_create(specialist, [Resource.objects.get(sample_key="sample-legal-clinic-la")])
    # Specialists see the list but not the counts, and cannot mark entries verified.
    client.force_login(specialist)
    html = client.get("/en/resources/staff/").content.decode()
    assert "Road to Care" in html and "Referrals by need" not in html
    harbor = Resource.objects.get(sample_key="sample-lodging-new-york")
    assert client.post("/en/resources/staff/", {"verify": harbor.pk}).status_code == 403
    assert Resource.objects.get(pk=harbor.pk).last_verified == harbor.last_verified

    client.force_login(staff_user("sup", roles.SUPERVISOR))
    html = client.get("/en/resources/staff/").content.decode()
    assert 'data-need="legal">1<' in html
    assert html.count("Not verified in 12 months</span>") == 2  # Harbor Rooms and the wig bank
    stale = client.get("/en/resources/staff/?stale=1").content.decode()
    assert "Harbor Rooms" in stale and "Road to Care" not in stale

    harbor = Resource.objects.get(sample_key="sample-lodging-new-york")
    response = client.post("/en/resources/staff/?stale=1", {"verify": harbor.pk})
    assert response.status_code == 302 and response["Location"] == "/en/resources/staff/?stale=1"
    harbor.refresh_from_db()
    assert harbor.last_verified == timezone.localdate()
    assert client.post("/en/resources/staff/", {"verify": "nope"}).status_code == 400


def test_admin_lists_and_filters_entries_not_verified_in_12_months(client: Client, sample):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x" * 16)
    client.force_login(admin)
    old = Resource.objects.get(sample_key="sample-wigs-texas")
    old.last_verified = timezone.localdate() - datetime.timedelta(days=800)
    old.save()
    response = client.get("/admin/resources/resource/?verification=stale")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lone Star Wig Bank" in html and "Road to Care" not in html


def test_referral_is_sent_to_the_visitor_in_the_chat(sample):
    from helpline.chat import services as chat_services
    from helpline.chat.models import Conversation, Message

    specialist = staff_user("spec", roles.SPECIALIST)
    conversation = chat_services.conversation_start(language="es")
    no_chat = services.referral_create(specialist, [Resource.objects.get(sample_key="sample-copay-fund")])
    with pytest.raises(ApplicationError):
        services.referral_send_in_chat(specialist, no_chat)

    referral = services.referral_create(
        specialist, [Resource.objects.get(sample_key="sample-copay-fund")], conversation)
    # Not yet accepted by this specialist: the chat refuses the message.
    with pytest.raises(ApplicationError):
        services.referral_send_in_chat(specialist, referral)
    Conversation.objects.filter(pk=conversation.pk).update(
        status=Conversation.Status.ACTIVE, assigned_to=specialist)
    services.referral_send_in_chat(specialist, referral)
    services.referral_send_in_chat(specialist, referral)  # a retry does not repeat it
    [message] = Message.objects.filter(conversation=conversation, sender=Message.Sender.SPECIALIST)
    assert message.text.startswith("Servicios que pueden ayudar:")
    assert "Sample: Copay Bridge Fund, 1-800-555-0105" in message.text
    referral.refresh_from_db()
    assert referral.sent_in_chat_at is not None


def test_results_are_paged(client: Client, db):
    for i in range(30):
        Resource.objects.create(name=f"National {i:02d}", provider="P", need="legal",
                                description_en="d", description_es="d",
                                last_verified=timezone.localdate())
    first = client.get("/en/resources/", {"need": "legal"}).content.decode()
    assert "30 services" in first and "National 24" in first and "National 25" not in first
    assert 'href="?need=legal&amp;page=2"' in first
    second = client.get("/en/resources/", {"need": "legal", "page": "2"}).content.decode()
    assert "National 25" in second and "National 29" in second and "National 00" not in second
    # A nonsense page number shows a valid page rather than an error.
    assert client.get("/en/resources/", {"need": "legal", "page": "zz"}).status_code == 200


def test_email_list_refuses_too_many_services(client: Client, db, mailserver):
    ids = [Resource.objects.create(name=f"R{i}", provider="P", need="legal", description_en="d",
                                   description_es="d", last_verified=timezone.localdate()).pk
           for i in range(31)]
    response = client.post("/en/resources/email/", {"email": "a@example.org", "resource": ids})
    assert response.status_code == 400
    assert "at most 30" in response.content.decode()
    assert mailserver.messages == []


def test_specialist_sends_a_referral_by_e_mail_and_in_chat_from_its_page(client: Client, sample,
                                                                       mailserver):
    from helpline.chat import services as chat_services
    from helpline.chat.models import Conversation, Message

    specialist = staff_user("spec", roles.SPECIALIST)
    other = staff_user("spec2", roles.SPECIALIST)
    conversation = chat_services.conversation_start(language="en")
    Conversation.objects.filter(pk=conversation.pk).update(
        status=Conversation.Status.ACTIVE, assigned_to=specialist)
    referral = services.referral_create(
        specialist, [Resource.objects.get(sample_key="sample-caregiver-circle")], conversation)
    url = f"/en/resources/staff/referrals/{referral.pk}/"

    client.force_login(other)  # another specialist cannot see it
    assert client.get(url).status_code == 404
    client.force_login(specialist)
    assert client.get(url).status_code == 200
    assert client.get("/en/resources/staff/referrals/999999/").status_code == 404

    bad = client.post(url, {"action": "email", "email": "nobody"})
    assert bad.status_code == 400 and mailserver.messages == []
    assert client.post(url, {"action": "fax"}).status_code == 400
    ok = client.post(url, {"action": "email", "email": "visitor@example.org"})
    assert ok.status_code == 200 and "not stored" in ok.content.decode()
    assert mailserver.messages[0].rcpt_tos == ["visitor@example.org"]
    assert "Caregiver Circle" in mailserver.messages[0].body

    assert client.post(url, {"action": "chat"}).status_code == 200
    [message] = Message.objects.filter(conversation=conversation, sender=Message.Sender.SPECIALIST)
    assert "Sample: Caregiver Circle" in message.text
