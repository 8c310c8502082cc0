"""The answer service on the real bundled knowledge base: answers, no-answers, urgent, logging, handoff."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings

from helpline.answers import services
from helpline.answers.models import QuestionLog
from helpline.answers.retrieval import Index, Passage
from helpline.common.exceptions import ApplicationError

pytestmark = pytest.mark.django_db


def _section_text(url_fragment: str) -> str:
    from helpline.articles.selectors import live_sections

    return "\n".join(s["text"] for s in live_sections() if s["url"].endswith(url_fragment))


def test_english_question_is_answered_with_verbatim_cited_passage(knowledge_base):
    result = services.answer_question("What are the signs of cytokine release syndrome?", "en")
    assert result.status == "answered"
    assert 1 <= len(result.passages) <= 3
    top = result.passages[0]
    assert "cytokine release syndrome" in top["article"].lower()
    assert top["url"].startswith("/en/") and "#" in top["url"]
    # Quoted word for word from the section it links to.
    anchor = top["url"].split("#", 1)[1]
    assert top["text"] in _section_text(f"#{anchor}")
    # Bundled content: no medical review yet, so no review date; the honest line instead.
    assert top["last_reviewed"] is None and datetime.date.fromisoformat(top["last_updated"])
    assert "Awaiting medical review" in top["review_line"]
    assert top["lang"] == "en" and top["other_language"] is False
    assert result.handoff["chat_url"].startswith("/en/chat/?from_answer=")
    assert result.handoff["phone"] == settings.HELPLINE["PHONE"]


def test_spanish_question_is_answered_from_spanish_content(knowledge_base):
    result = services.answer_question("¿Cuáles son los síntomas del ICANS?", "es")
    assert result.status == "answered"
    top = result.passages[0]
    assert top["lang"] == "es" and top["url"].startswith("/es/")
    assert result.fallback_language is False
    assert "neurológicos" in top["article"].lower()


def test_language_is_detected_when_not_given(knowledge_base):
    result = services.answer_question("¿Qué es la terapia de células CAR T?", None)
    assert result.lang == "es"


def test_question_outside_the_content_gets_an_honest_no_answer(knowledge_base):
    result = services.answer_question("How do I renew my passport before a trip to Canada?", "en")
    assert result.status == "no_answer"
    assert result.passages == []
    assert "reviewed answer" in result.message
    assert settings.HELPLINE["PHONE"] in result.message
    assert result.handoff["callback_url"].startswith("/en/chat/callback/")


def test_urgent_message_comes_first_and_is_logged_for_specialists(knowledge_base):
    result = services.answer_question("My husband had CAR T two weeks ago and now has a fever of 101", "en")
    assert result.status == "urgent"
    assert "911" in result.message and "treatment team" in result.message
    entry = QuestionLog.objects.get(log_token=result.log_token)
    assert entry.status == "urgent" and "fever" in entry.urgent_signs


def test_log_holds_no_personal_data(knowledge_base):
    result = services.answer_question(
        "My email is ana.perez@example.com and my phone 305-555-0142, what is CRS?", "en")
    entry = QuestionLog.objects.get(log_token=result.log_token)
    assert "example.com" not in entry.question and "555-0142" not in entry.question
    assert "[email]" in entry.question and "[phone]" in entry.question
    assert entry.lang == "en" and entry.status == result.status


def test_handoff_context_for_the_chat(knowledge_base):
    result = services.answer_question("How long do I need to stay near the treatment center?", "en")
    context = services.get_handoff_context(result.log_token)
    assert context["question"] == "How long do I need to stay near the treatment center?"
    assert context["lang"] == "en" and context["status"] == result.status
    assert [p["url"] for p in context["passages"]] == [p["url"] for p in result.passages]
    # Reading the context (the chat and callback pages do, on GET) writes nothing...
    assert QuestionLog.objects.get(log_token=result.log_token).handed_off is False
    # ...the mark is explicit, when a conversation starts from the answer.
    assert services.mark_handed_off(result.log_token) is True
    assert QuestionLog.objects.get(log_token=result.log_token).handed_off is True
    assert services.mark_handed_off("not-a-uuid") is False
    assert services.get_handoff_context("not-a-uuid") is None
    assert services.get_handoff_context("00000000-0000-0000-0000-000000000000") is None


def test_suggest_passages_for_the_console(knowledge_base):
    suggestions = services.suggest_passages("she has a headache and trouble finding words", "en", k=3)
    assert len(suggestions) == 3
    assert {"text", "article", "section", "url", "lang", "last_reviewed", "score"} <= set(suggestions[0])
    assert QuestionLog.objects.count() == 0  # suggestions are not visitor questions


@pytest.mark.parametrize(
    ("question", "lang", "code"),
    [("", "en", "missing_question"), ("   ", "en", "missing_question"), (None, "en", "missing_question"),
     ("x" * 1001, "en", "too_long"), ("What is CRS?", "fr", "bad_lang"), ("What is CRS?", 7, "bad_lang")],
)
def test_bad_input_is_refused_and_changes_nothing(question, lang, code):
    with pytest.raises(ApplicationError) as info:
        services.answer_question(question, lang)
    assert info.value.code == code
    assert QuestionLog.objects.count() == 0


def test_publishing_updates_the_index_incrementally(knowledge_base, django_capture_on_commit_callbacks):
    from helpline.accounts import roles
    from helpline.accounts.testing import make_staff
    from helpline.articles import services as articles
    from helpline.articles.models import Article, ArticleVersion, Topic

    question = "Where can caregivers park for free at the infusion center garage?"
    index = services.live_index()
    before = len(index)
    assert services.answer_question(question, "en").status == "no_answer"

    editor = make_staff("edna", roles.EDITOR)
    reviewer = make_staff("rita", roles.MEDICAL_REVIEWER)
    topic = Topic.objects.first()
    article = Article.objects.create(key="parking", topic=topic, order=99)
    version = ArticleVersion.objects.create(article=article, language="en", slug="parking")
    data = articles.DraftInput(
        title="Parking at the infusion center", summary="Where caregivers can park.",
        sections=[{"heading": "Free parking for caregivers", "anchor": "free-parking",
                   "body": "Caregivers can park for free in the infusion center garage on level 2 [1]."}],
        references=[{"number": 1, "text": "National Cancer Institute.", "url": "https://www.cancer.gov/"}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        articles.draft_save(editor, version, data)
        articles.submit_for_review(editor, version)
        articles.publish(reviewer, version)
    assert services.live_index() is index  # updated in place, not rebuilt
    assert len(index) == before + 1
    result = services.answer_question(question, "en")
    assert result.status == "answered"
    assert result.passages[0]["url"].endswith("#free-parking")

    with django_capture_on_commit_callbacks(execute=True):
        articles.archive(reviewer, version)
    assert len(index) == before
    assert all("parking" not in p.url for p in index.passages)


def test_embedding_cache_means_no_re_embedding(tmp_path):
    passages = [Passage(id=str(n), text=f"Passage number {n} about fever and chills.", title="T")
                for n in range(5)]
    first = Index.build(passages, cache_dir=tmp_path)
    assert first.embedded_count == 5
    second = Index.build(passages, cache_dir=tmp_path)
    assert second.embedded_count == 0
    changed = passages[:4] + [Passage(id="4", text="A different text now.", title="T")]
    third = Index.build(changed, cache_dir=tmp_path)
    assert third.embedded_count == 1
    assert abs(float(first.vectors[0] @ second.vectors[0]) - 1.0) < 1e-5


def test_cross_language_fallback_says_so(tmp_path):
    passages = [
        Passage(id="a", text="Tocilizumab is a medicine used to treat cytokine release syndrome.",
                title="Treating CRS", heading="Medicines", lang="en"),
        Passage(id="b", text="Keep a list of your medicines and bring it to every appointment.",
                title="Appointments", heading="What to bring", lang="en"),
    ]
    index = Index.build(passages, cache_dir=tmp_path)
    question = "¿Qué medicamento se usa para tratar el síndrome de liberación de citocinas?"
    search = index.search(question, "es", k=2)
    assert search.fallback is True and search.searched_lang == "en"
    assert search.hits[0].passage.id == "a"
    result = services.answer_with_index(question, "es", index)
    assert result.ranking[0] == "a"
    assert result.fallback_language == bool(result.passages)
    assert all(p["other_language"] for p in result.passages)


def test_searches_run_while_the_index_is_updated(tmp_path):
    import threading

    base = [Passage(id=f"p{n}", text=f"Section {n} explains fever, chills and infections after treatment.",
                    title="Side effects", heading=f"Part {n}", lang="en") for n in range(40)]
    index = Index.build(base, cache_dir=tmp_path)
    extra = [Passage(id=f"x{n}", text=f"Parking garage level {n} for caregivers.", title="Parking",
                     heading=f"Level {n}", lang="en") for n in range(10)]
    errors: list[BaseException] = []
    results: list[int] = []

    def searcher():
        try:
            for _ in range(30):
                found = index.search("where do caregivers park", "en", k=3)
                results.append(len(found.hits))
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=searcher) for _ in range(4)]
    for t in threads:
        t.start()
    for n in range(5):
        index.replace(add=extra[n * 2:(n + 1) * 2])
        index.replace(remove=[f"p{n}"])
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 120 and all(r == 3 for r in results)
    assert len(index) == 40 - 5 + 10
    assert index.search("where do caregivers park", "en", k=1).hits[0].passage.title == "Parking"
