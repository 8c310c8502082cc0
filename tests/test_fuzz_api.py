"""Fuzzing the public JSON API from its own OpenAPI description (schemathesis).

The schema is loaded from the running application (``/api/openapi.json``) and
every operation is called with generated valid and invalid requests, in
process through the WSGI application and the real database with the
articles loaded. No request may produce a server error, and documented
responses must match the description.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

from helpline.common.openapi import openapi_document

app = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)


@pytest.fixture
def keep_db_open():
    """As Django's test client does: requests must not close the test transaction."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def content(db, keep_db_open):
    from django.core.management import call_command

    call_command("loadcontent", verbosity=0)


def test_served_schema_is_the_documented_one() -> None:
    assert schema.raw_schema["paths"].keys() == openapi_document()["paths"].keys()


@schema.parametrize()
@settings(max_examples=60, deadline=None,
          suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_api_never_fails(content, case) -> None:
    # Each example starts with a fresh rate-limit window: we fuzz the API, not the limiter.
    cache.clear()
    response = case.call()
    assert response.status_code < 500, (case.as_curl_command(), response.text[:500])
    case.validate_response(response, checks=[
        schemathesis.checks.not_a_server_error,
        schemathesis.checks.status_code_conformance,
        schemathesis.checks.content_type_conformance,
        schemathesis.checks.response_schema_conformance,
    ])


@pytest.mark.django_db
def test_api_rate_limit_answers_429_json(client, content) -> None:
    from helpline.answers import views

    cache.clear()
    statuses = [client.post("/api/answers", {"question": "what is CRS?", "lang": "en"},
                            content_type="application/json", REMOTE_ADDR="192.0.2.77").status_code
                for _ in range(views.API_LIMIT + 1)]
    assert statuses[:-1] == [200] * views.API_LIMIT
    assert statuses[-1] == 429
    response = client.post("/api/answers", {"question": "x", "lang": "en"},
                           content_type="application/json", REMOTE_ADDR="192.0.2.77")
    assert response.status_code == 429 and response.json()["error"] == "rate_limited"
    assert int(response["Retry-After"]) >= 1


@pytest.mark.django_db
def test_nul_bytes_found_by_the_fuzzer_are_harmless(client, content) -> None:
    """PostgreSQL text cannot hold NUL: the fuzzer found a server error here once."""
    cache.clear()
    for body in ({"question": "fever\x00 after CAR T", "lang": "en"},
                 {"question": "\x00", "lang": "en"},
                 {"question": "what is CRS", "lang": "en", "channel": "\x00web"}):
        response = client.post("/api/answers", body, content_type="application/json")
        assert response.status_code in (200, 400), (body, response.content[:300])
