"""Staff never see a conversation's token (issue 14, finding 1): the console, its
queue.json, its sockets, the admin and transcript links use other identifiers;
transcript links only work in the session that was shown them."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from helpline.accounts.testing import make_staff
from helpline.chat import services

from .conftest import make_staff as make_specialist

pytestmark = pytest.mark.django_db


def _leaks(conversation, text: str) -> bool:
    return str(conversation.token) in text or conversation.token.hex in text


def test_console_pages_and_queue_json_carry_no_token():
    spec = make_specialist()
    waiting = services.conversation_start(language="en", visitor_name="Ana")
    mine = services.conversation_start(language="en", visitor_name="Bea")
    services.conversation_accept(spec, mine.token)
    client = Client()
    client.force_login(spec)
    for url in ("/en/chat/console/", "/en/chat/console/queue.json",
                f"/en/chat/console/c/{waiting.pk}/", f"/en/chat/console/c/{mine.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert not _leaks(waiting, body) and not _leaks(mine, body), url
    assert client.get(f"/en/chat/console/c/{mine.token}/").status_code == 404


def test_admin_shows_no_tokens():
    from helpline.resources.models import Referral

    admin = make_staff("root", "administrator")
    admin.is_superuser = True
    admin.save()
    conversation = services.conversation_start(language="en", visitor_name="Ana")
    referral = Referral.objects.create(conversation_token=conversation.token, channel="chat",
                                       callback_ref=str(conversation.token))
    client = Client()
    client.force_login(admin)
    for url in ("/admin/chat/conversation/", f"/admin/chat/conversation/{conversation.pk}/change/",
                "/admin/resources/referral/", f"/admin/resources/referral/{referral.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not _leaks(conversation, response.content.decode()), url


def test_transcript_links_are_bound_to_the_staff_session():
    spec = make_specialist()
    supervisor = make_staff("sup", "supervisor")
    conversation = services.conversation_start(language="en", visitor_name="Ana")
    services.conversation_accept(spec, conversation.token)
    mine = Client()
    mine.force_login(supervisor)
    page = mine.get(f"/en/chat/console/c/{conversation.pk}/").content.decode()
    link = re.search(r'href="(/en/staff/transcripts/[^"]+/)"', page).group(1)
    assert not _leaks(conversation, link)
    assert mine.get(link).status_code == 200
    # the same link in another session of the same person, or guessed from the token: no
    other = Client()
    other.force_login(supervisor)
    assert other.get(link).status_code == 404
    assert mine.get(f"/en/staff/transcripts/{conversation.token}/").status_code == 404
