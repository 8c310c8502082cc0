"""Shared article pages answered before Django (helpline.common.pagecache_asgi), through the
project's real ASGI application, compared with what Django alone answers."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from helpline.articles import services
from helpline.asgi import application, django_asgi_app
from helpline.common import metrics, pagecache, pagecache_asgi
from helpline.common.testing import (
    asgi_request,
    asgi_scope,
    django_keeps_connections,
    django_requests,
)

from .conftest import draft

pytestmark = pytest.mark.django_db

EN = "/en/articles/fever-after-car-t/"
ES = "/es/articles/fiebre-tras-car-t/"


@pytest.fixture(autouse=True)
def _connections():
    with django_keeps_connections():
        yield


@pytest.fixture
def django_calls():
    with django_requests() as seen:
        yield seen


def call(app, path: str, **kwargs):
    return asgi_request(app, path, **kwargs)


def test_a_repeat_visit_is_answered_before_django_with_djangos_headers(published_en, django_calls):
    first = call(application, EN)
    assert first.status == 200 and b"Fever after CAR T" in first.body
    assert len(django_calls) == 1

    early = call(application, EN)
    assert len(django_calls) == 1, "the second visit must not reach Django"
    assert early.status == 200 and early.body == first.body

    by_django = call(django_asgi_app, EN)
    assert len(django_calls) == 2
    assert early.same_headers() == by_django.same_headers() == first.same_headers()
    for name in ("content-security-policy", "x-frame-options", "x-content-type-options",
                 "referrer-policy", "cross-origin-opener-policy", "permissions-policy",
                 "content-language", "vary", "cache-control", "etag", "last-modified",
                 "content-type", "content-length"):
        assert name in early.headers, name
    assert early.headers["cache-control"] == "public, max-age=0, must-revalidate"
    assert early.headers["content-length"] == str(len(early.body))
    # Every answer has its own request id; a proxy's sane id is kept.
    assert early.headers["x-request-id"] != first.headers["x-request-id"]
    tagged = call(application, EN, headers=[(b"x-request-id", b"proxy-id-12345")])
    assert tagged.headers["x-request-id"] == "proxy-id-12345"
    assert len(django_calls) == 2


def test_conditional_gets_and_head_answered_early_as_django_answers_them(published_en,
                                                                         django_calls):
    first = call(application, EN)
    etag, last_modified = first.headers["etag"], first.headers["last-modified"]
    cases = [
        ("GET", [(b"if-none-match", etag.encode())]),
        ("GET", [(b"if-none-match", b'"something-else", ' + etag.encode())]),
        ("GET", [(b"if-none-match", b"W/" + etag.encode())]),
        ("GET", [(b"if-none-match", b"*")]),
        ("GET", [(b"if-none-match", b'"something-else"')]),
        ("GET", [(b"if-modified-since", last_modified.encode())]),
        ("GET", [(b"if-modified-since", b"Thu, 01 Jan 2015 00:00:00 GMT")]),
        ("GET", [(b"if-modified-since", b"not a date")]),
        # If-None-Match decides; If-Modified-Since is then ignored (RFC 9110, as Django does).
        ("GET", [(b"if-none-match", b'"something-else"'),
                 (b"if-modified-since", last_modified.encode())]),
        ("HEAD", []),
        ("HEAD", [(b"if-none-match", etag.encode())]),
    ]
    for method, headers in cases:
        reached = len(django_calls)
        early = call(application, EN, method=method, headers=headers)
        assert len(django_calls) == reached, (method, headers)
        by_django = call(django_asgi_app, EN, method=method, headers=headers)
        assert early.status == by_django.status, (method, headers)
        assert early.same_headers() == by_django.same_headers(), (method, headers)
        assert early.body == (b"" if method == "HEAD" or early.status == 304 else first.body)
    assert call(application, EN, headers=[(b"if-none-match", etag.encode())]).status == 304
    assert call(application, EN, method="HEAD").headers["content-length"] == str(len(first.body))


def test_spanish_page_early_and_the_path_decides_the_language(published_es, django_calls):
    es = call(application, ES)
    en = call(application, EN, headers=[(b"accept-language", b"es-ES,es;q=0.9")])
    assert es.headers["content-language"] == "es" and b'<html lang="es">' in es.body
    assert en.headers["content-language"] == "en" and b'<html lang="en">' in en.body
    reached = len(django_calls)
    assert call(application, ES, headers=[(b"accept-language", b"en")]).body == es.body
    assert call(application, EN, headers=[(b"accept-language", b"es")]).body == en.body
    assert len(django_calls) == reached


def test_visitors_with_something_of_their_own_go_to_django(published_en, editor, django_calls):
    call(application, EN)
    call(application, EN)
    reached = len(django_calls)
    staff = Client()
    staff.force_login(editor)
    session = staff.cookies[settings.SESSION_COOKIE_NAME].value
    own = call(application, EN, headers=[
        (b"cookie", f"{settings.SESSION_COOKIE_NAME}={session}".encode())])
    assert own.headers["cache-control"] == "private, no-cache"
    flash = call(application, EN, headers=[(b"cookie", b"messages=abc; other=1")])
    with_query = call(application, EN, query=b"utm_source=news")
    precondition = call(application, EN, headers=[(b"if-match", b'"x"')])
    assert flash.status == with_query.status == 200 and precondition.status == 412
    assert len(django_calls) == reached + 4
    # A host Django refuses is refused, not answered from the copy kept for another host.
    assert call(application, EN, host=b"evil.example").status == 400


def test_a_host_or_scheme_of_its_own_is_not_answered_from_another_ones_copy(published_en,
                                                                            django_calls):
    call(application, EN)
    reached = len(django_calls)
    call(application, EN, scheme="https")
    call(application, EN, host=b"localhost:8000")
    assert len(django_calls) == reached + 2


def test_publishing_is_visible_on_the_next_request_through_the_early_path(
        published_en, editor, reviewer, django_capture_on_commit_callbacks, django_calls):
    before = call(application, EN)
    assert call(application, EN).body == before.body  # answered early
    services.draft_save(editor, published_en, draft(body="A newly reviewed paragraph [1]."))
    services.submit_for_review(editor, published_en)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(reviewer, published_en)
    reached = len(django_calls)
    after = call(application, EN)
    assert len(django_calls) == reached + 1
    assert b"A newly reviewed paragraph" in after.body and b"A plain paragraph" not in after.body
    assert after.headers["etag"] != before.headers["etag"]
    stale = call(application, EN, headers=[(b"if-none-match", before.headers["etag"].encode())])
    assert stale.status == 200 and stale.body == after.body
    with django_capture_on_commit_callbacks(execute=True):
        services.archive(reviewer, published_en)
    assert call(application, EN).status == 404


def test_the_early_copy_follows_the_chat_launcher(published_en, chat_opens_at_eight, django_calls):
    import time_machine

    from helpline.chat.models import SpecialistStatus

    with time_machine.travel("2026-03-09 11:59:30+00:00", tick=False):
        closed = call(application, EN)
        reached = len(django_calls)
        assert call(application, EN).body == closed.body
        assert len(django_calls) == reached  # answered early
    with time_machine.travel("2026-03-09 12:00:30+00:00", tick=False):
        SpecialistStatus.objects.update(last_seen=timezone.now())
        opened = call(application, EN)
    assert b"Live chat is closed now." in closed.body
    assert b"Live chat is open now." in opened.body


def test_past_its_time_one_request_refreshes_the_copy_while_the_others_are_answered(
        published_en, django_calls):
    """The copy lives as long as the article's state (60 s): then one request goes to
    Django, which reads the state again, and the others keep getting the copy for a few
    seconds rather than all reaching Django at once."""
    import time_machine

    with time_machine.travel("2026-03-09 12:00:00+00:00", tick=False) as clock:
        first = call(application, EN)
        assert call(application, EN).body == first.body
        reached = len(django_calls)
        clock.shift(61)  # the state and the copy are due
        pagecache.frame("en")  # (steady traffic keeps the launcher state current)
        # A request is refreshing through Django (it claimed the refresh, not yet done):
        assert pagecache_asgi.lookup(pagecache_asgi.read(asgi_scope(EN))) is None
        assert call(application, EN).body == first.body  # the others: the copy
        assert len(django_calls) == reached
        clock.shift(3)  # the refresh did not come back in time: another request tries
        assert call(application, EN).status == 200
        assert len(django_calls) == reached + 1
        assert call(application, EN).status == 200  # refreshed: early again
        assert len(django_calls) == reached + 1
        clock.shift(6)  # the launcher state is past its age: one request asks again
        call(application, EN)
        call(application, EN)
        assert len(django_calls) == reached + 2
        clock.shift(60 + pagecache.REFRESH_GRACE + 1)  # nobody refreshed it: gone
        pagecache.frame("en")
        call(application, EN)
        assert len(django_calls) == reached + 3


def test_early_answers_are_counted_like_djangos(published_en):
    counter = metrics.HTTP_REQUESTS.labels("articles:detail", "200")
    call(application, EN)
    before = counter._value.get()
    call(application, EN)
    call(application, EN)
    assert counter._value.get() == before + 2


def test_a_page_rendered_while_the_kept_launcher_state_was_old_is_not_stored(
        client, published_en, settings, django_capture_on_commit_callbacks, reviewer):
    """The kept launcher state may be a few seconds old; the page shows the current one.
    Such a page must not be stored under the old state (it would be served when that
    state comes back)."""
    from helpline.accounts.testing import make_staff
    from helpline.chat.models import SpecialistStatus

    settings.HELPLINE_HOURS = {"chat": {"always_open": True}}
    closed = client.get(EN).content.decode()  # keeps "nobody on duty" for a few seconds
    assert "Live chat is closed now." in closed or "Live chat is open now." not in closed
    SpecialistStatus.objects.create(user=make_staff("maria", "specialist"), available=True,
                                    languages=["en"], last_seen=timezone.now())
    pagecache.bump_generation()  # a new page is rendered with the old kept state
    rendered = client.get(EN).content.decode()
    assert "Live chat is open now." in rendered
    again = client.get(EN).content.decode()  # keyed under the state now kept: open
    assert "Live chat is open now." in again
    SpecialistStatus.objects.all().delete()
    from django.core.cache import cache

    for key in pagecache._frame_keys("en"):  # the kept state expires: nobody on duty
        cache.delete(key)
    assert "Live chat is open now." not in client.get(EN).content.decode()
