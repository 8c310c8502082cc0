"""Public article pages hold a spike: cached per (revision, language), 304s, fresh on publish."""

import pytest
from django.test import Client

from helpline.articles import services

from .conftest import draft

pytestmark = pytest.mark.django_db

EN = "/en/articles/fever-after-car-t/"
ES = "/es/articles/fiebre-tras-car-t/"


def test_unchanged_page_answers_conditional_get_with_304(client, published_en):
    first = client.get(EN)
    assert first.status_code == 200
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('"') and "must-revalidate" in first.headers["Cache-Control"]

    again = client.get(EN, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == etag

    by_date = client.get(EN, HTTP_IF_MODIFIED_SINCE=last_modified)
    assert by_date.status_code == 304

    stale = client.get(EN, HTTP_IF_NONE_MATCH='"something-else"')
    assert stale.status_code == 200 and b"Fever after CAR T" in stale.content


def test_a_repeat_visit_is_served_from_the_cache(client, published_en, django_assert_num_queries):
    client.get(EN)
    with django_assert_num_queries(0):
        page = client.get(EN)
    assert page.status_code == 200 and b"Fever after CAR T" in page.content


def test_publishing_a_new_revision_is_visible_on_the_next_request(
        client, published_en, editor, reviewer, django_capture_on_commit_callbacks):
    before = client.get(EN)
    assert b"A plain paragraph" in before.content
    client.get(EN)  # now cached
    services.draft_save(editor, published_en, draft(body="A newly reviewed paragraph [1]."))
    services.submit_for_review(editor, published_en)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(reviewer, published_en)
    after = client.get(EN)
    assert after.status_code == 200
    assert b"A newly reviewed paragraph" in after.content
    assert b"A plain paragraph" not in after.content
    assert after.headers["ETag"] != before.headers["ETag"]
    # The visitor's old copy is no longer current.
    assert client.get(EN, HTTP_IF_NONE_MATCH=before.headers["ETag"]).status_code == 200


def test_withdrawing_an_article_is_visible_on_the_next_request(
        client, published_en, reviewer, django_capture_on_commit_callbacks):
    assert client.get(EN).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        services.archive(reviewer, published_en)
    assert client.get(EN).status_code == 404


def test_cache_is_kept_per_language(client, published_es, django_assert_num_queries):
    en, es = client.get(EN), client.get(ES)
    assert b'<html lang="en">' in en.content and b"Fever after CAR T" in en.content
    assert b'<html lang="es">' in es.content and "Fiebre después de CAR T".encode() in es.content
    assert en.headers["ETag"] != es.headers["ETag"]
    with django_assert_num_queries(0):
        assert client.get(ES).content == es.content
        assert client.get(EN).content == en.content


def test_signed_in_staff_get_their_own_page_not_the_shared_copy(client, published_en, editor):
    client.get(EN)  # the shared copy exists
    staff = Client()
    staff.force_login(editor)
    page = staff.get(EN)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-cache"


def test_a_visitors_message_never_reaches_another_visitor(client, published_en, editor):
    """A page rendered for a visitor with a session (here: a flash message) is not shared."""
    visitor = Client()
    visitor.force_login(editor)
    # A real flash message, set by a real view: saving a draft says "Draft saved."
    visitor.post(f"/en/staff/editorial/{published_en.pk}/",
                 {"text": services.content_export(editor, published_en), "change_note": "x"})
    own = visitor.get(EN)
    assert b"Draft saved." in own.content
    shared = client.get(EN)
    assert shared.status_code == 200 and b"Draft saved." not in shared.content
    assert client.get(EN).content == shared.content


def test_the_cached_page_follows_the_chat_launcher(client, published_en, chat_opens_at_eight):
    """The launcher on the page says whether chat is open: the shared copy changes with it."""
    import time_machine

    # Monday 9 March, New York (EDT): 7:59:30, then 8:00:30 when chat has opened; a
    # minute apart, well within the life of a cached page.
    with time_machine.travel("2026-03-09 11:59:30+00:00", tick=False):
        closed = client.get(EN).content.decode()
        assert client.get(EN).content.decode() == closed  # the shared copy
    with time_machine.travel("2026-03-09 12:00:30+00:00", tick=False):
        opened = client.get(EN).content.decode()
    assert "Live chat is closed now." in closed and "It opens Monday, March 9, 8 a.m." in closed
    assert "Live chat is open now." in opened and "Live chat is closed now." not in opened
