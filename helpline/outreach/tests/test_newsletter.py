import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from helpline.outreach import services
from helpline.outreach.models import Subscriber

SITE = settings.HELPLINE_SITE_URL
LINK = re.compile(re.escape(SITE) + r"/\S+")


def links(message) -> list[str]:
    return LINK.findall(message.body)


def path_of(url: str) -> str:
    return url.removeprefix(SITE)


def sign_up(client, email="ana@example.org", language="en", prefix="en"):
    return client.post(f"/{prefix}/newsletter/", {"email": email, "language": language})


@pytest.mark.django_db
def test_double_opt_in_end_to_end_over_smtp(client: Client, mailserver):
    response = sign_up(client)
    assert response.status_code == 200
    assert "Check your e-mail" in response.content.decode()

    subscriber = Subscriber.objects.get()
    assert subscriber.email == "ana@example.org"
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.consent_at is None  # no consent until the link is followed

    [mail] = mailserver.messages
    assert mail.rcpt_tos == ["ana@example.org"]
    assert "confirm" in mail.subject.lower()
    confirm_url, unsubscribe_url = links(mail)
    assert "/en/newsletter/confirm/" in confirm_url
    assert "/en/newsletter/unsubscribe/" in unsubscribe_url
    assert mail.message["List-Unsubscribe"].strip() == f"<{unsubscribe_url}>"

    response = Client().get(path_of(confirm_url))  # a fresh browser: no session, no login
    assert response.status_code == 200
    assert "Subscription confirmed" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.consent_at is not None
    assert subscriber.consent_source == "web:/en/newsletter/"

    # Following the link again is harmless.
    assert Client().get(path_of(confirm_url)).status_code == 200
    assert Subscriber.objects.get().consent_at == subscriber.consent_at


@pytest.mark.django_db
def test_unsubscribe_without_login_and_subscribe_again(client: Client, mailserver):
    sign_up(client, "ben@example.org")
    confirm_url, unsubscribe_url = links(mailserver.messages[0])
    client.get(path_of(confirm_url))

    anonymous = Client()
    page = anonymous.get(path_of(unsubscribe_url))
    assert page.status_code == 200
    assert "ben@example.org" in page.content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED  # GET changes nothing

    done = anonymous.post(path_of(unsubscribe_url))  # no CSRF token needed: the link is the key
    assert done.status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None

    # The old confirmation link cannot silently re-subscribe.
    assert client.get(path_of(confirm_url)).status_code == 400
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED

    # Signing up again sends a new confirmation that works.
    assert sign_up(client, "BEN@example.org ", "es").status_code == 200
    assert len(mailserver.messages) == 2
    new_confirm = links(mailserver.messages[1])[0]
    assert "/es/newsletter/confirm/" in new_confirm
    assert client.get(path_of(new_confirm)).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.language == "es"
    assert Subscriber.objects.count() == 1


@pytest.mark.django_db
def test_confirmed_address_signing_up_again_gets_no_mail(client: Client, mailserver):
    sign_up(client)
    client.get(path_of(links(mailserver.messages[0])[0]))
    response = sign_up(client)
    assert response.status_code == 200
    assert len(mailserver.messages) == 1
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


@pytest.mark.django_db
@pytest.mark.parametrize("data", [
    {"email": "not-an-address", "language": "en"},
    {"email": "", "language": "en"},
    {"email": "a@example.org", "language": "fr"},
    {"email": "a@example.org"},
    {"email": "x" * 300 + "@example.org", "language": "en"},
])
def test_bad_sign_up_input_is_refused_and_changes_nothing(client: Client, mailserver, data):
    response = client.post("/en/newsletter/", data)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Subscriber.objects.exists()
    assert mailserver.messages == []


@pytest.mark.django_db
def test_tampered_and_expired_links_are_refused(client: Client, mailserver):
    sign_up(client, "cai@example.org")
    confirm_url, unsubscribe_url = links(mailserver.messages[0])
    token = confirm_url.rstrip("/").rsplit("/", 1)[1]
    tampered = confirm_url.replace(token, token[:-3] + ("abc" if token[-3:] != "abc" else "xyz"))
    for url in (tampered, SITE + "/en/newsletter/confirm/garbage/",
                unsubscribe_url.replace("unsubscribe/", "unsubscribe/x")):
        response = client.get(path_of(url))
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
    # A confirmation token is not an unsubscribe token (different salts).
    assert client.post(f"/en/newsletter/unsubscribe/{token}/").status_code == 400
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING

    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=4)):
        response = client.get(path_of(confirm_url))
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.consent_at is None

    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=2)):
        assert client.get(path_of(confirm_url)).status_code == 200


@pytest.mark.django_db
def test_spanish_sign_up_gets_a_spanish_e_mail(client: Client, mailserver):
    response = sign_up(client, "dora@example.org", "es", prefix="es")
    assert response.status_code == 200
    assert "Revise su correo" in response.content.decode()
    mail = mailserver.messages[0]
    assert "Confirme" in mail.subject
    assert "Para confirmar" in mail.body


@pytest.mark.django_db
def test_mail_server_down_gives_a_clear_message(client: Client, settings):
    from helpline.common.testing import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens
    response = sign_up(client, "eve@example.org")
    assert response.status_code == 400
    assert "could not send" in response.content.decode()
    assert not Subscriber.objects.exists()  # a failed attempt leaves nothing behind
    # An unsubscribed address stays unsubscribed when the new confirmation fails.
    gone = Subscriber.objects.create(email="gone@example.org", status="unsubscribed",
                                     language="es", consent_source="web:/es/newsletter/")
    assert sign_up(client, "gone@example.org").status_code == 400
    gone.refresh_from_db()
    assert (gone.status, gone.language, gone.consent_source) == (
        "unsubscribed", "es", "web:/es/newsletter/")


def test_tokens_differ_per_purpose(db):
    s = Subscriber.objects.create(email="f@example.org")
    assert services.confirmation_token(s) != services.unsubscribe_token(s)
