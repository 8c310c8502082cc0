"""Every e-mail the site sends works outside the site, in English and Spanish, over real SMTP:
a text part and an HTML part, links absolute from HELPLINE_SITE_URL, times with the time
zone named."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

SITE = "https://help.example.org"
HREF = re.compile(r'href="([^"]+)"')
URL = re.compile(r"https?://[^\s<>\"]+")
BARE_PATH = re.compile(r"(?<![\w/.:])/(?:en|es)/\S*")

pytestmark = [pytest.mark.django_db]


def _check_parts(received, lang: str) -> tuple[str, str]:
    text, html = received.body, received.html
    assert text.strip() and html.strip(), "both a text and an HTML part"
    assert f'<html lang="{lang}">' in html
    for url in URL.findall(text) + HREF.findall(html):
        if "example.org" in url and not url.startswith(SITE):
            continue  # an outside address written in the message
        assert url.startswith(SITE), url
    assert not BARE_PATH.findall(text), "a link that only works on the site"
    assert not BARE_PATH.findall(re.sub(r"https?://\S+", "", re.sub(r"<[^>]+>", " ", html)))
    return text, html


@pytest.fixture
def site(settings):
    settings.HELPLINE_SITE_URL = SITE


@pytest.mark.parametrize("lang, hello, heading", [
    ("en", "What is CRS?", "Your chat with"),
    ("es", "¿Qué es el SLC?", "Su chat con"),
])
@override_settings(HELPLINE_HOURS={"chat": {"always_open": True}})
def test_chat_transcript(mailserver, site, lang, hello, heading):
    from django.utils import timezone

    from helpline.accounts.testing import make_staff
    from helpline.chat import services
    from helpline.chat.models import Conversation, SpecialistStatus

    specialist = make_staff("sam", "specialist")
    SpecialistStatus.objects.update_or_create(user=specialist, defaults={
        "available": True, "languages": ["en", "es"], "max_concurrent": 3,
        "last_seen": timezone.now()})
    visitor = Client()
    visitor.post(f"/{lang}/chat/", {"first_name": "", "message": hello})
    conversation = Conversation.objects.get()
    services.conversation_accept(specialist, conversation.token)
    # A specialist pastes a link to one of our pages, as the suggestions insert it.
    services.specialist_message_post(
        specialist, conversation.token,
        f"Please read this: /{lang}/articles/car-t-cytokine-release-syndrome/", "c-1")
    visitor.post(f"/{lang}/chat/end/")
    assert visitor.post(f"/{lang}/chat/transcript/", {"email": "ana@example.org"}).status_code == 302
    [received] = mailserver.messages
    text, html = _check_parts(received, lang)
    assert heading in received.subject or heading in text
    assert hello in text and hello in html.replace("&#x27;", "'")
    link = f"{SITE}/{lang}/articles/car-t-cytokine-release-syndrome/"
    assert link in text and f'href="{link}"' in html
    # Every time says which time zone it is in (the helpline's: New York).
    times = re.findall(r"\[([^\]]+)\]", text)
    assert times and all(re.search(r"\bE[SD]T$", t) for t in times), times
    assert re.search(r"\d{4}, .*E[SD]T", text.splitlines()[1])


@pytest.mark.parametrize("lang, words", [("en", "To confirm"), ("es", "Para confirmar")])
def test_newsletter_confirmation(mailserver, site, lang, words):
    response = Client().post(f"/{lang}/newsletter/", {"email": "reader@example.org",
                                                      "language": lang})
    assert response.status_code == 200
    [received] = mailserver.messages
    text, html = _check_parts(received, lang)
    assert words in text
    confirm = [u for u in URL.findall(text) if "/newsletter/confirm/" in u]
    assert confirm and confirm[0].startswith(f"{SITE}/{lang}/newsletter/confirm/")
    assert f'href="{confirm[0]}"' in html
    assert str(received.message["List-Unsubscribe"]).strip().startswith(f"<{SITE}/")
    # The link works once its host is ours.
    assert Client().get(confirm[0].removeprefix(SITE)).status_code == 200


@pytest.mark.parametrize("lang", ["en", "es"])
def test_newsletter_issue(mailserver, site, lang):
    from helpline.outreach import services
    from helpline.outreach.models import NewsletterIssue, Subscriber

    issue = NewsletterIssue.objects.create(
        subject_en="Spring news", body_en="Hello readers. New article: /en/articles/car-t-how-it-works/",
        subject_es="Noticias de primavera", body_es="Hola. Nuevo artículo: /es/articles/car-t-como-funciona/")
    reader = Subscriber.objects.create(email="reader@example.org", language=lang,
                                       status=Subscriber.Status.CONFIRMED)
    services.issue_message(issue, reader).send()
    [received] = mailserver.messages
    text, _html = _check_parts(received, lang)
    assert "/unsubscribe/" in text and f"{SITE}/{lang}/articles/" in text


@pytest.mark.parametrize("lang, words", [("en", "Here are the services"),
                                         ("es", "Estos son los servicios")])
def test_resource_list(mailserver, site, lang, words):
    from helpline.resources import services
    from helpline.resources.models import Resource

    call_command("loadresources", verbosity=0)
    chosen = list(Resource.objects.order_by("pk")[:2])
    services.resource_list_email(chosen, "ana@example.org", lang)
    [received] = mailserver.messages
    text, _html = _check_parts(received, lang)
    assert words in text and chosen[0].name in text


@pytest.mark.django_db(transaction=True)
def test_staff_invitation_in_both_languages(mailserver, site):
    from helpline.accounts import services
    from helpline.accounts.testing import make_staff

    admin = make_staff("ada", "administrator")
    services.staff_invite(admin, username="lena", email="lena@example.org",
                          roles=["specialist"])
    [received] = mailserver.messages
    text, html = _check_parts(received, "en")
    assert f"{SITE}/en/staff/welcome/" in text and f"{SITE}/es/staff/welcome/" in text
    assert "Your user name is: lena" in text and "Su nombre de usuario es: lena" in text
    assert f'href="{SITE}/es/staff/welcome/' in html
