"""Operations: /metrics (access, content, summed over workers), /healthz, /readyz, request ids, JSON logs."""

from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.test import override_settings

from helpline.answers.tests.conftest import knowledge_base  # noqa: F401 - fixture
from helpline.common import testing
from helpline.common.logs import JsonFormatter, RequestContextFilter

TOKEN = "metrics-token-for-tests-0123456789"


def _get(url: str, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in the Prometheus text format (0 when absent)."""
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        head, _, value = line.rpartition(" ")
        found = dict(re.findall(r'(\w+)="([^"]*)"', head))
        if all(found.get(k) == v for k, v in labels.items()):
            total += float(value)
    return total


# --- access ------------------------------------------------------------------------

@pytest.mark.django_db
@override_settings(HELPLINE_METRICS_ALLOW=[], HELPLINE_METRICS_TOKEN=TOKEN)
def test_metrics_refuse_callers_without_the_token(client):
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=TOKEN).status_code == 403  # no scheme
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.django_db
@override_settings(HELPLINE_METRICS_ALLOW=["127.0.0.1"], HELPLINE_METRICS_TOKEN="")
def test_allow_listed_address_reads_metrics_but_not_through_a_proxy(client):
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    # Through a proxy the socket address is the proxy's: the list does not apply.
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1",
                      HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403
    # An empty token setting never matches an empty bearer.
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9",
                      HTTP_AUTHORIZATION="Bearer ").status_code == 403


@pytest.mark.django_db
@override_settings(HELPLINE_METRICS_ALLOW=["127.0.0.1"])
def test_metrics_count_requests_answers_and_the_queue(client):
    from helpline.chat.models import Conversation

    before = client.get("/metrics").content.decode()
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert client.get("/no-such-page/").status_code in (302, 404)
    Conversation.objects.create(language="es")
    Conversation.objects.create(language="es")
    after = client.get("/metrics").content.decode()
    assert (_sample(after, "helpline_http_requests_total", view="healthz", status="200")
            - _sample(before, "helpline_http_requests_total", view="healthz", status="200")) == 3
    assert _sample(after, "helpline_http_request_seconds_count", view="healthz") >= 3
    assert _sample(after, "helpline_chat_queue_length", language="es") == 2
    assert _sample(after, "helpline_chat_queue_length", language="en") == 0
    assert "helpline_chat_queue_oldest_wait_seconds" in after
    assert "helpline_chat_specialists_on_duty" in after
    for name in ("helpline_answers_total", "helpline_pdf_renders_total", "helpline_emails_total",
                 "helpline_database_errors_total", "helpline_redis_errors_total",
                 "helpline_chat_messages_total", "helpline_chat_open_sockets"):
        assert f"# TYPE {name.removesuffix('_total')}" in after, name


@pytest.mark.django_db
@override_settings(HELPLINE_METRICS_ALLOW=["127.0.0.1"])
def test_answer_outcomes_are_counted(client, knowledge_base):  # noqa: F811 - fixture
    before = client.get("/metrics").content.decode()
    response = client.post("/api/answers", {"question": "What is cytokine release syndrome?", "lang": "en"},
                           content_type="application/json")
    assert response.status_code == 200
    status = response.json()["status"]
    after = client.get("/metrics").content.decode()
    assert (_sample(after, "helpline_answers_total", outcome=status, lang="en")
            - _sample(before, "helpline_answers_total", outcome=status, lang="en")) == 1
    assert _sample(after, "helpline_answer_seconds_count") >= 1


@pytest.mark.django_db
def test_emails_are_counted_as_sent_and_failed(mailserver, settings):
    from django.core.mail import send_mail

    from helpline.common.metrics import EMAILS

    sent_before = EMAILS.labels("sent")._value.get()
    failed_before = EMAILS.labels("failed")._value.get()
    send_mail("Hello", "Body", "helpline@example.org", ["someone@example.org"])
    assert len(mailserver.messages) == 1
    assert EMAILS.labels("sent")._value.get() == sent_before + 1
    settings.EMAIL_PORT = testing.free_port()  # nothing listens there
    with pytest.raises(OSError):
        send_mail("Hello", "Body", "helpline@example.org", ["someone@example.org"])
    assert EMAILS.labels("failed")._value.get() == failed_before + 1


# --- several workers ----------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_metrics_from_two_workers_are_summed(tmp_path):
    metrics_dir = tmp_path / "metrics"
    with testing.running_server(workers=2, HELPLINE_METRICS_DIR=str(metrics_dir),
                                HELPLINE_METRICS_TOKEN=TOKEN, HELPLINE_METRICS_ALLOW="") as server:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert _get(f"{server.url}/metrics")[0] == 403
        status, before = _get(f"{server.url}/metrics", auth)
        assert status == 200
        n = 60
        for _ in range(n):  # a new connection each time: the kernel spreads them over both workers
            assert _get(f"{server.url}/healthz", {"Connection": "close"})[0] == 200
        after = _get(f"{server.url}/metrics", auth)[1]
        pids = {p.name.split("_")[-1] for p in metrics_dir.glob("counter_*.db")}
    delta = (_sample(after, "helpline_http_requests_total", view="healthz", status="200")
             - _sample(before, "helpline_http_requests_total", view="healthz", status="200"))
    assert delta == n
    assert len(pids) == 2, f"both workers should have counted requests: {pids}"


# --- health -------------------------------------------------------------------------

@pytest.mark.django_db
def test_healthz_is_liveness_only(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_names_the_answer_index_until_content_is_there(client):
    from helpline.answers import services

    services.LIVE.reset()
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["answer_index"]
    assert body["parts"]["database"]["ok"] is True
    services.LIVE.reset()


@pytest.mark.django_db
def test_readyz_ready_with_content_and_names_redis_when_it_is_down(client, knowledge_base):  # noqa: F811 - fixture
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert set(response.json()["parts"]) == {"database", "answer_index"}
    dead = f"redis://127.0.0.1:{testing.free_port()}/0"
    with override_settings(REDIS_URL=dead):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["redis"]


# --- request ids and logs ---------------------------------------------------------

@pytest.mark.django_db
def test_every_response_carries_a_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second
    assert client.get("/healthz", HTTP_X_REQUEST_ID="proxy-id-12345")["X-Request-ID"] == "proxy-id-12345"
    # An id that is not sane is replaced, not echoed.
    assert client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"


def test_json_log_lines_carry_the_request_context():
    from helpline.common import logs

    token = logs._request_id.set("abc123def456")
    try:
        record = logging.LogRecord("helpline.request", logging.INFO, __file__, 1, "GET %s", (200,), None)
        record.view = "articles:detail"
        record.duration_ms = 3.2
        RequestContextFilter().filter(record)
        line = JsonFormatter().format(record)
    finally:
        logs._request_id.reset(token)
    data = json.loads(line)
    assert data["request_id"] == "abc123def456"
    assert data["message"] == "GET 200"
    assert data["view"] == "articles:detail" and data["duration_ms"] == 3.2
    assert "\n" not in line


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_json_logs_and_the_error_page_share_the_request_id():
    with testing.running_server(HELPLINE_LOG_FORMAT="json") as server:
        status, _ = _get(f"{server.url}/en/", {"X-Request-ID": "trace-0001-abcdef"})
        assert status == 200
        server.stop()
        lines = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
    access = [entry for entry in lines if entry["logger"] == "helpline.request"]
    assert any(entry["request_id"] == "trace-0001-abcdef" and entry["status"] == 200
               and entry["view"] and entry["duration_ms"] >= 0 for entry in access), lines[-5:]
    # Never the text of what a visitor typed: access lines hold no query string or body.
    assert all("?" not in entry["message"] for entry in access)


def test_server_error_page_shows_the_request_id(rf):
    from helpline.common import logs
    from helpline.common.views import server_error

    token = logs._request_id.set("e7c1d2a3b4c5d6e7")
    try:
        response = server_error(rf.get("/en/articles/"))
    finally:
        logs._request_id.reset(token)
    assert response.status_code == 500
    assert b"e7c1d2a3b4c5d6e7" in response.content
    assert settings.HELPLINE_METRICS is True
