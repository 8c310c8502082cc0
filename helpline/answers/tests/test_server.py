"""POST /api/answers against a real uvicorn server process on loopback."""

from __future__ import annotations

import json

import httpx
import pytest

from helpline.common.testing import running_server


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_api_over_a_real_server(knowledge_base):
    from helpline.answers.models import QuestionLog

    with running_server() as server:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            ok = client.post("/api/answers", json={"question": "What is tumor lysis syndrome?", "lang": "en"})
            assert ok.status_code == 200, server.log()
            data = ok.json()
            assert data["status"] == "answered"
            assert data["passages"][0]["url"].endswith("#tumor-lysis-syndrome")

            urgent = client.post("/api/answers", json={"question": "my wife had a seizure", "lang": "en"})
            assert urgent.json()["status"] == "urgent"

            bad = client.post("/api/answers", content=b"{oops", headers={"content-type": "application/json"})
            assert bad.status_code == 400
            assert bad.json()["error"]["code"] == "malformed_json"

            page = client.post("/es/ask/", data={"question": "¿Qué es el síndrome de lisis tumoral?"})
            # The page form is CSRF-protected: a post without the token is refused, not answered.
            assert page.status_code == 403

    tokens = {str(t) for t in QuestionLog.objects.values_list("log_token", flat=True)}
    assert data["log_token"] in tokens
    assert QuestionLog.objects.count() == 2
    assert json.loads(json.dumps(data))["handoff"]["phone"]
