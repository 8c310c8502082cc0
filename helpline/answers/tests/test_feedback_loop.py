"""The loop that improves answers: 'Was this helpful?' on answers, and linking logged questions
to the section that answers them (a reviewed question variant)."""

from __future__ import annotations

import json
import uuid

import pytest

from helpline.accounts import roles
from helpline.accounts.testing import make_staff
from helpline.answers import feedback_services, selectors
from helpline.answers.models import QuestionLog
from helpline.articles import selectors as article_selectors
from helpline.articles import services as article_services
from helpline.articles.models import ArticleVersion
from helpline.common.exceptions import ApplicationError, NotAllowed
from helpline.common.models import AuditEntry

pytestmark = pytest.mark.django_db


def _log(question="how much does car t cost", lang="en", status="no_answer") -> QuestionLog:
    return QuestionLog.objects.create(question=question, lang=lang, status=status)


@pytest.fixture
def editor(db):
    return make_staff("edna", roles.EDITOR)


@pytest.fixture
def reviewer(db):
    return make_staff("rita", roles.MEDICAL_REVIEWER)


def _unanswered(user, **kwargs) -> dict[str, dict]:
    return {row["question"]: row for row in selectors.unanswered_questions(user, **kwargs)}


# --- "Was this helpful?" on answers -----------------------------------------------

def test_one_vote_per_answer_and_the_last_one_counts(editor):
    entry = _log(status="answered")
    feedback_services.answer_feedback_record(entry.log_token, helpful="yes")
    feedback_services.answer_feedback_record(str(entry.log_token), helpful=True)
    entry.refresh_from_db()
    assert entry.helpful is True and entry.helpful_reason == ""
    assert selectors.answer_feedback_counts() == {"yes": 1, "no": 0, "rate": 100.0, "reasons": []}
    feedback_services.answer_feedback_record(entry.log_token, helpful=False, reason="unclear")
    entry.refresh_from_db()
    assert entry.helpful is False and entry.helpful_reason == "unclear"
    counts = selectors.answer_feedback_counts()
    assert (counts["yes"], counts["no"], counts["rate"]) == (0, 1, 0.0)
    assert counts["reasons"] == [("It was hard to understand", 1)]


@pytest.mark.parametrize("status", ["answered", "urgent"])
def test_a_no_puts_the_question_on_the_unanswered_list(editor, status):
    entry = _log("what is crs exactly", status=status)
    assert "what is crs exactly" not in _unanswered(editor)
    feedback_services.answer_feedback_record(entry.log_token, helpful="no")
    row = _unanswered(editor)["what is crs exactly"]
    assert row["not_helpful"] == 1 and row["entry_id"] == entry.pk


@pytest.mark.parametrize(
    ("token", "helpful", "reason", "code"),
    [
        ("not-a-uuid", "yes", "", "unknown_answer"),
        (None, "yes", "", "unknown_answer"),
        (uuid.uuid4(), "yes", "", "unknown_answer"),
        ("VALID", "perhaps", "", "bad_helpful"),
        ("VALID", None, "", "bad_helpful"),
        ("VALID", "no", "free text about me", "bad_reason"),
        ("VALID", "no", ["unclear"], "bad_reason"),
    ],
)
def test_bad_feedback_is_refused_with_a_code(token, helpful, reason, code):
    entry = _log(status="answered")
    token = entry.log_token if token == "VALID" else token
    with pytest.raises(ApplicationError) as error:
        feedback_services.answer_feedback_record(token, helpful=helpful, reason=reason)
    assert error.value.code == code
    entry.refresh_from_db()
    assert entry.helpful is None


def test_api_feedback(client):
    entry = _log(status="answered")
    url = "/api/answers/feedback"
    body = {"log_token": str(entry.log_token), "helpful": False, "reason": "incomplete"}
    response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 200 and response.json() == {"ok": True}
    again = client.post(url, json.dumps(body), content_type="application/json")
    assert again.status_code == 200
    entry.refresh_from_db()
    assert (entry.helpful, entry.helpful_reason) == (False, "incomplete")

    for raw, code in [("{bad", "malformed_json"), ("[1]", "malformed_json"),
                      (json.dumps({"helpful": True}), "unknown_answer"),
                      (json.dumps({"log_token": str(entry.log_token), "helpful": "x"}),
                       "bad_helpful")]:
        bad = client.post(url, raw, content_type="application/json")
        assert bad.status_code == 400 and bad.json()["error"]["code"] == code
    assert client.get(url).status_code == 405


def test_api_feedback_is_rate_limited(client):
    entry = _log(status="answered")
    body = json.dumps({"log_token": str(entry.log_token), "helpful": True})
    statuses = [client.post("/api/answers/feedback", body, content_type="application/json")
                .status_code for _ in range(21)]
    assert statuses[:20] == [200] * 20 and statuses[20] == 429


def test_form_post_without_javascript_redirects_back_with_thanks(client):
    entry = _log(status="answered")
    response = client.post("/es/ask/helpful/", {"log_token": entry.log_token, "helpful": "no",
                                                "reason": "not_answered"}, follow=True)
    assert response.redirect_chain == [("/es/ask/", 302)]
    assert "Gracias por su opinión." in response.content.decode()
    entry.refresh_from_db()
    assert (entry.helpful, entry.helpful_reason) == (False, "not_answered")
    bad = client.post("/en/ask/helpful/", {"log_token": "nope", "helpful": "no"})
    assert bad.status_code == 400 and b"This answer is not known." in bad.content
    js = client.post("/en/ask/helpful/", {"log_token": entry.log_token, "helpful": "yes"},
                     HTTP_ACCEPT="application/json")
    assert js.json() == {"ok": True, "message": "Thank you for your feedback."}


def test_ask_page_shows_the_helpful_form_under_an_answer(client, knowledge_base):
    response = client.post("/en/ask/", {"question": "What is cytokine release syndrome?"})
    html = response.content.decode()
    entry = QuestionLog.objects.get()
    assert "<legend>Was this helpful?</legend>" in html
    assert f'name="log_token" value="{entry.log_token}"' in html
    assert 'action="/en/ask/helpful/"' in html
    assert 'value="not_answered"' in html and 'aria-live="polite"' in html
    client.post("/en/ask/helpful/", {"log_token": entry.log_token, "helpful": "yes"})
    entry.refresh_from_db()
    assert entry.helpful is True


# --- linking a logged question to the section that answers it ------------------------

def _first_section(language: str) -> dict:
    return next(iter(article_selectors.live_sections(language)))


def test_editor_links_a_question_and_it_goes_live_after_review(knowledge_base, editor, reviewer):
    section = _first_section("es")
    entry = _log("cuanto tiempo tengo q quedarme cerca del hospital", lang="es")
    twin = _log("cuanto tiempo tengo q quedarme cerca del hospital", lang="es")
    version = ArticleVersion.objects.get(pk=section["version_id"])
    live_number = version.live_revision.number

    feedback_services.question_link(editor, entry.pk, version.pk, section["anchor"])

    version.refresh_from_db()
    draft = version.latest_revision
    assert draft.number == live_number + 1 and not draft.is_published
    drafted = next(s for s in draft.sections if s["anchor"] == section["anchor"])
    assert drafted["questions"][-1] == entry.question
    for row in (entry, twin):
        row.refresh_from_db()
        assert (row.linked_version_id, row.linked_anchor) == (version.pk, section["anchor"])
        assert row.linked_at is not None
    assert entry.question not in _unanswered(editor)
    assert [r["question"] for r in selectors.linked_questions(editor)] == [entry.question]
    assert AuditEntry.objects.filter(action="answers.question_link", actor=editor,
                                     object_id=str(entry.pk)).count() == 1
    assert AuditEntry.objects.filter(action="articles.question_variant_add").count() == 1

    def live_questions():
        return next(s for s in article_selectors.live_sections("es")
                    if s["version_id"] == version.pk and s["anchor"] == section["anchor"]
                    )["questions"]

    assert entry.question not in live_questions()  # not live before review
    article_services.submit_for_review(editor, version)
    article_services.publish(reviewer, version)
    assert entry.question in live_questions()


def test_link_needs_the_question_language_and_a_real_section(knowledge_base, editor):
    en = _first_section("en")
    es_entry = _log("que es el crs", lang="es")
    with pytest.raises(ApplicationError) as error:
        feedback_services.question_link(editor, es_entry.pk, en["version_id"], en["anchor"])
    assert error.value.code == "wrong_language"
    entry = _log()
    with pytest.raises(ApplicationError):
        feedback_services.question_link(editor, entry.pk, en["version_id"], "no-such-anchor")
    with pytest.raises(ApplicationError):
        feedback_services.question_link(editor, entry.pk, 999999, en["anchor"])
    with pytest.raises(ApplicationError):
        feedback_services.question_link(editor, 999999, en["version_id"], en["anchor"])
    entry.refresh_from_db()
    assert entry.linked_at is None


@pytest.mark.parametrize("role", [roles.SUPERVISOR, roles.TRANSLATOR, roles.MEDICAL_REVIEWER,
                                  roles.SPECIALIST, roles.ADMINISTRATOR])
def test_only_editors_link_questions(knowledge_base, role):
    en = _first_section("en")
    entry = _log()
    with pytest.raises(NotAllowed):
        feedback_services.question_link(make_staff("someone", role), entry.pk, en["version_id"],
                                        en["anchor"])
    entry.refresh_from_db()
    assert entry.linked_at is None


def test_unanswered_page_links_a_question(client, knowledge_base, editor):
    en = _first_section("en")
    entry = _log()
    client.force_login(editor)
    page = client.get("/en/ask/unanswered/").content.decode()
    assert f'name="entry" value="{entry.pk}"' in page
    assert f'value="{en["version_id"]}:{en["anchor"]}"' in page
    response = client.post("/en/ask/unanswered/link/",
                           {"entry": entry.pk, "section": f"{en['version_id']}:{en['anchor']}"},
                           follow=True)
    assert response.redirect_chain == [("/en/ask/unanswered/", 302)]
    html = response.content.decode()
    assert "Linked to a section, waiting for review" in html
    assert f'name="entry" value="{entry.pk}"' not in html
    entry.refresh_from_db()
    assert entry.linked_anchor == en["anchor"]
    bad = client.post("/en/ask/unanswered/link/", {"entry": entry.pk, "section": "garbage"})
    assert bad.status_code == 400


def test_unanswered_link_page_refuses_others(client, knowledge_base):
    en = _first_section("en")
    entry = _log()
    data = {"entry": entry.pk, "section": f"{en['version_id']}:{en['anchor']}"}
    assert client.post("/en/ask/unanswered/link/", data).status_code == 302  # sign in first
    for role in (roles.SUPERVISOR, roles.SPECIALIST, roles.TRANSLATOR):
        client.force_login(make_staff(f"u_{role}", role))
        assert client.post("/en/ask/unanswered/link/", data).status_code == 403
    assert client.get("/en/ask/unanswered/link/").status_code == 405
    entry.refresh_from_db()
    assert entry.linked_at is None


def test_supervisor_sees_the_list_without_link_forms(client, knowledge_base):
    entry = _log()
    client.force_login(make_staff("sue", roles.SUPERVISOR))
    html = client.get("/en/ask/unanswered/").content.decode()
    assert entry.question in html
    assert 'name="entry"' not in html
