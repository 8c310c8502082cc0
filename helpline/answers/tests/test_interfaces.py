"""The "Ask a question" page, POST /api/answers, and the two management commands."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from helpline.answers.models import QuestionLog

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"


def _post(client, body, content_type="application/json"):
    return client.post("/api/answers", data=body, content_type=content_type)


def test_api_answers_in_the_documented_shape(client, knowledge_base):
    response = _post(client, json.dumps({"question": "When does cytokine release syndrome usually start?", "lang": "en"}))
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "answered"
    assert set(data) >= {"status", "passages", "message", "handoff"}
    assert set(data["passages"][0]) >= {"text", "article", "section", "url", "lang", "last_reviewed", "score"}
    assert data["handoff"]["chat_url"].startswith("/en/chat/?from_answer=")
    assert QuestionLog.objects.filter(log_token=data["log_token"], channel="api").exists()


def test_api_spanish_and_urgent(client, knowledge_base):
    data = _post(client, json.dumps({"question": "mi esposo tiene fiebre de 39 y escalofríos", "lang": "es"})).json()
    assert data["status"] == "urgent"
    assert "911" in data["message"] and "equipo de tratamiento" in data["message"]
    assert data["urgent"]["category"] == "car_t_emergency"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("{not json", "malformed_json"),
        ("[1, 2]", "malformed_json"),
        ("", "malformed_json"),
        (json.dumps({"lang": "en"}), "missing_question"),
        (json.dumps({"question": 42}), "missing_question"),
        (json.dumps({"question": "x" * 5000}), "too_long"),
        (json.dumps({"question": "What is CRS?", "lang": "de"}), "bad_lang"),
        (b"\xff\xfe\x00", "malformed_json"),
    ],
)
def test_api_bad_input_gives_clear_400_and_stores_nothing(client, body, code):
    response = _post(client, body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    assert QuestionLog.objects.count() == 0


def test_api_refuses_a_huge_body_with_json(client):
    response = _post(client, json.dumps({"question": "x" * (2 * 1024 * 1024)}))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "too_long"
    assert QuestionLog.objects.count() == 0


def test_api_needs_post(client):
    response = client.get("/api/answers")
    assert response.status_code == 405
    assert "POST" in response.json()["error"]["message"]


def test_api_is_rate_limited(client, knowledge_base, settings):
    from helpline.answers import views

    body = json.dumps({"question": "What is CAR T?", "lang": "en"})
    codes = [_post(client, body).status_code for _ in range(views.API_LIMIT + 1)]
    assert codes[:-1] == [200] * views.API_LIMIT
    assert codes[-1] == 429


@pytest.mark.parametrize(("path", "lang", "label"), [
    ("/en/ask/", "en", "Your question"),
    ("/es/ask/", "es", "Su pregunta"),
])
def test_page_renders_in_both_languages(client, path, lang, label):
    from django.utils import translation

    with translation.override(lang):
        heading = translation.gettext("Ask a question")
    assert (heading == "Ask a question") == (lang == "en")
    html = client.get(path).content.decode()
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{heading}</h1>" in html
    assert f'<label for="id_question">{label}</label>' in html
    assert "<script>" not in html and 'style="' not in html


def test_page_answers_without_javascript(client, knowledge_base):
    response = client.post("/en/ask/", {"question": "How do doctors grade cytokine release syndrome?"})
    assert response.status_code == 200
    html = response.content.decode()
    # Bundled content is not medically reviewed yet: the citation says so honestly.
    assert "<blockquote" in html and "Last updated" in html and "Awaiting medical review" in html
    # Chat when it is open, a callback request when it is closed: both carry the question.
    assert "/en/chat/?from_answer=" in html or "/en/chat/callback/?from_answer=" in html
    assert 'data-status="answered"' in html


def test_page_spanish_no_answer_offers_people(client, knowledge_base):
    response = client.post("/es/ask/", {"question": "¿Dónde puedo renovar mi pasaporte?"})
    html = response.content.decode()
    assert 'data-status="no_answer"' in html
    assert "No tenemos una respuesta revisada" in html
    assert "/es/chat/" in html


def test_page_empty_question_shows_form_error(client):
    response = client.post("/en/ask/", {"question": "  "})
    assert response.status_code == 400
    assert "Please write a question." in response.content.decode()
    assert QuestionLog.objects.count() == 0


def test_answer_command_prints_api_json(knowledge_base):
    out = StringIO()
    call_command("answer", "¿Qué es la leucaféresis?", "--lang", "es", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["status"] == "answered" and data["lang"] == "es"
    assert data["passages"][0]["url"].startswith("/es/")


def test_answer_command_refuses_bad_language():
    with pytest.raises(CommandError):
        call_command("answer", "What is CAR T?", "--lang", "fr")


def test_eval_command_on_a_small_corpus(tmp_path, settings):
    settings.ANSWERS_INDEX_DIR = tmp_path
    out = StringIO()
    call_command("eval-answers", str(DATA / "spanish_questions.jsonl"),
                 "--corpus", str(DATA / "everyday_english.jsonl"),
                 "--corpus", str(DATA / "spanish_questions.jsonl"), stdout=out)
    lines = out.getvalue().strip().splitlines()
    metrics = json.loads(lines[-1])
    assert set(metrics) >= {"recall@1", "recall@5", "mrr@10", "answered", "answered_precision",
                            "answered_precision@3", "answered_with_answer_shown", "p50_ms", "p95_ms", "by_lang"}
    assert 0.0 <= metrics["recall@1"] <= metrics["recall@5"] <= 1.0
    assert metrics["recall@5"] >= 0.7  # Spanish questions, English passages
    assert set(metrics["by_lang"]) == {"es"}
    assert metrics["by_lang"]["es"]["questions"] == metrics["questions"]
    if metrics["answered"]:
        # precision@3 counts an answering passage anywhere among those shown
        assert metrics["answered_precision"] <= metrics["answered_precision@3"]
    assert any(line.startswith("recall@1:") for line in lines)


def test_eval_command_on_the_knowledge_base_with_uncovered_questions_and_triage(tmp_path, settings):
    settings.ANSWERS_INDEX_DIR = tmp_path
    questions = tmp_path / "kb.jsonl"
    rows = [
        {"question": "what is icans", "lang": "en", "gold": ["car-t-neurologic-side-effects#what-is-icans"],
         "split": "calibration"},
        {"question": "¿qué es el síndrome de liberación de citocinas?", "lang": "es",
         "gold": ["car-t-cytokine-release-syndrome#what-is-crs"], "split": "calibration"},
        {"question": "how much does car t cost in dollars", "lang": "en", "gold": [], "split": "calibration"},
        {"question": "what is a new section nobody wrote", "lang": "en", "gold": ["no-such-article#nothing"],
         "split": "calibration"},
        {"question": "this row is held back", "lang": "en", "gold": [], "split": "heldback"},
    ]
    questions.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    urgent = tmp_path / "urgent.jsonl"
    urgent.write_text(json.dumps({"question": "my husband's handwriting looks weird today", "lang": "en",
                                  "category": "medical"}) + "\n")
    traps = tmp_path / "traps.jsonl"
    traps.write_text(json.dumps({"question": "my dog has a fever", "lang": "en", "expect": "not_urgent"}) + "\n")
    out = StringIO()
    call_command("eval-answers", str(questions), "--split", "calibration", "--urgent", str(urgent),
                 "--traps", str(traps), "--json", stdout=out)
    metrics = json.loads(out.getvalue().strip().splitlines()[-1])
    assert metrics["questions"] == 3 and metrics["answerable"] == 2 and metrics["uncovered"] == 1
    assert metrics["left_out_missing_sections"] == 1
    assert metrics["uncovered_no_answer"] == 1.0  # the price question is not answered from a question list
    assert set(metrics["by_lang"]) == {"en", "es"}
    assert metrics["recall@5"] == 1.0
    assert metrics["triage"]["urgent_recall"] == 1.0 and metrics["triage"]["urgent_precision"] == 1.0
    assert metrics["triage"]["traps_not_urgent"] == 1.0


def test_eval_command_reports_bad_files(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"qid": 1, "question": "x", "answer": "y"}\nnot json\n')
    with pytest.raises(CommandError, match="not JSON"):
        call_command("eval-answers", str(bad), "--corpus", str(bad))
    with pytest.raises(CommandError, match="no such file"):
        call_command("eval-answers", str(tmp_path / "missing.jsonl"), "--corpus", str(bad))


def test_calibrate_command_fits_a_model(tmp_path, settings):
    settings.ANSWERS_INDEX_DIR = tmp_path
    out = StringIO()
    call_command("calibrate-answers", str(DATA / "everyday_english.jsonl"),
                 "--corpus", str(DATA / "spanish_questions.jsonl"),
                 "--extra", str(DATA / "spanish_questions.jsonl"),
                 "--kb-questions", str(DATA / "kb_questions.jsonl"), stdout=out)
    text = out.getvalue()
    model = json.loads(text[: text.rindex("}") + 1])
    from helpline.answers.retrieval import FEATURES

    assert model["features"] == list(FEATURES) and len(model["coef"]) == len(FEATURES)
    assert 0.05 <= model["threshold"] < 1.0
    assert "knowledge-base questions" in model["fitted_on"] and "left out" in model["fitted_on"]
    assert "chosen threshold" in text


def test_page_answers_a_spanish_question_typed_on_the_english_page(client, knowledge_base):
    response = client.post("/en/ask/", {"question": "¿Qué es el síndrome de lisis tumoral?"})
    html = response.content.decode()
    assert 'data-status="answered"' in html
    assert 'href="/es/' in html  # the Spanish article is quoted
    entry = QuestionLog.objects.get()
    assert entry.lang == "es" and entry.channel == "web"


def test_editors_see_unanswered_questions_others_do_not(client, knowledge_base):
    from helpline.accounts import roles
    from helpline.accounts.testing import make_staff
    from helpline.answers import services

    services.answer_question("How do I renew my passport? call me at 305-555-0142", "en")
    services.answer_question("How do I renew my passport? call me at 305-555-0142", "en")
    services.answer_question("What is tumor lysis syndrome?", "en")

    assert client.get("/en/ask/unanswered/").status_code == 302  # login first
    client.force_login(make_staff("sam", roles.SPECIALIST))
    assert client.get("/en/ask/unanswered/").status_code == 403
    client.force_login(make_staff("edna", roles.EDITOR))
    response = client.get("/en/ask/unanswered/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "How do I renew my passport? call me at [phone]" in html
    assert "555-0142" not in html
    assert "tumor lysis" not in html
    assert "<td>2</td>" in html
