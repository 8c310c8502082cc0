"""The page cache's ASGI layer resolves the language as LocaleMiddleware does: here from
the language cookie and Accept-Language (a URL without a language prefix)."""

import pytest
from django.core.asgi import get_asgi_application

from helpline.common.pagecache_asgi import EarlyPages
from helpline.common.testing import asgi_request, django_keeps_connections, django_requests

pytestmark = pytest.mark.django_db

PAGE = "/shared/"


@pytest.fixture
def apps(settings):
    settings.ROOT_URLCONF = "helpline.common.tests.pagecache_urls"
    django = get_asgi_application()
    with django_keeps_connections():
        yield EarlyPages(django), django


def test_the_language_from_accept_language_or_the_cookie_picks_the_copy(apps):
    early_app, django = apps
    spanish = [(b"accept-language", b"es-MX,es;q=0.9")]
    english = [(b"accept-language", b"en-GB,en;q=0.8")]
    with django_requests() as reached:
        es = asgi_request(early_app, PAGE, headers=spanish)
        en = asgi_request(early_app, PAGE, headers=english)
        assert len(reached) == 2
        assert es.body == "<p>Inglés</p>".encode()
        assert en.body == b"<p>English</p>"
        assert es.headers["content-language"] == "es" and en.headers["content-language"] == "en"
        assert "Accept-Language" in es.headers["vary"]
        # Now answered before Django, each in its own language.
        again_es = asgi_request(early_app, PAGE, headers=spanish)
        again_en = asgi_request(early_app, PAGE, headers=english)
        by_cookie = asgi_request(early_app, PAGE, headers=[(b"cookie", b"django_language=es"),
                                                            *english])
        no_preference = asgi_request(early_app, PAGE)
        assert len(reached) == 2
    assert (again_es.body, again_en.body, by_cookie.body) == (es.body, en.body, es.body)
    assert no_preference.body == en.body  # LANGUAGE_CODE
    for headers in (spanish, english, [(b"cookie", b"django_language=es")], []):
        assert (asgi_request(early_app, PAGE, headers=headers).same_headers()
                == asgi_request(django, PAGE, headers=headers).same_headers())
