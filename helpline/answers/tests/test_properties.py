"""Property tests: no input makes triage or the API fail with anything but a clear answer."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpline.answers import triage
from helpline.answers.models import QuestionLog


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_triage_never_fails(text):
    result = triage.assess(text)
    assert isinstance(result.urgent, bool)
    assert result.urgent == bool(result.matched) == bool(result.message)
    assert result.lang in ("en", "es")


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["no", "sin", "never", "without"]), st.sampled_from(["fever", "fiebre", "chills", "seizures"]))
def test_negated_signs_are_never_urgent(negation, sign):
    assert not triage.assess(f"{negation} {sign}").urgent


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=8,
)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["question", "lang", "channel", "extra"]), json_values, max_size=4))
def test_api_answers_or_refuses_clearly(client, payload):
    from django.core.cache import cache

    cache.clear()  # the rate limit is not what this test is about
    before = QuestionLog.objects.count()
    response = client.post("/api/answers", data=json.dumps(payload), content_type="application/json")
    assert response.status_code in (200, 400)
    data = response.json()
    if response.status_code == 400:
        assert data["error"]["code"] in {"malformed_json", "missing_question", "too_long", "bad_lang",
                                         "invalid_channel"}
        assert QuestionLog.objects.count() == before
    else:
        assert data["status"] in {"answered", "no_answer", "urgent"}
        assert QuestionLog.objects.count() == before + 1
