"""The answer decision: answered when an answering passage is shown, one threshold path,
question lists and cost questions, the other language, reviewed question variants."""

from __future__ import annotations

import pytest

from helpline.answers import services
from helpline.answers.decision import decide, default_calibration
from helpline.answers.retrieval import (
    Embedder,
    Index,
    Passage,
    SearchResult,
    answer_type_agreement,
)


def _p(pid, text, heading, title="CAR T-cell therapy", lang="en", key="car-t", questions=()):
    return Passage(id=pid, text=text, title=title, heading=heading, lang=lang, article_key=key,
                   anchor=pid.split(":")[0], questions=tuple(questions))


PASSAGES = [
    _p("icans:0", "ICANS (immune effector cell-associated neurotoxicity syndrome) is a set of nervous system "
       "side effects of CAR T-cell therapy. It can cause confusion, trouble finding words, changes in "
       "handwriting, sleepiness and, rarely, seizures.", "What ICANS is"),
    _p("crs:0", "Cytokine release syndrome is the most common serious side effect of CAR T-cell therapy. "
       "Immune cells release large amounts of cytokines, which cause fever, chills and low blood pressure.",
       "What cytokine release syndrome is"),
    _p("stay:0", "Plan to stay within 2 hours of the treatment center for at least 2 weeks after the infusion, "
       "and do not drive for at least 2 weeks.", "Staying near the treatment center"),
    _p("costs:0", "Staying near the center can mean extra costs for lodging and travel. Questions you may "
       "want to ask:\nWhat will my insurance cover?\nWho can help with costs and paperwork?\nWhere can my "
       "caregiver and I stay, and is there free lodging?\nIs there help with travel or parking?",
       "Questions about costs, lodging and travel"),
    _p("leuka:0", "Leukapheresis collects your T cells from the blood. It takes about 3 to 6 hours and "
       "is a lot like donating plasma.", "Collecting your T cells"),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return Index.build(PASSAGES, cache_dir=tmp_path_factory.mktemp("emb"))


def test_answered_when_a_shown_passage_answers(index):
    result = services.answer_with_index("what is ICANS after car t?", "en", index)
    assert result.status == "answered"
    assert 1 <= len(result.passages) <= 3
    assert "icans:0" in [p["id"] for p in result.passages]
    assert result.passages[0]["id"] == "icans:0"


def test_a_list_of_questions_about_costs_does_not_answer_what_car_t_costs(index):
    search = index.search("how much does CAR T cost?", "en", k=5)
    assert all(not h.passage.is_question_list() for h in search.shown)
    result = services.answer_with_index("how much does CAR T cost?", "en", index)
    assert result.status == "no_answer"
    assert result.passages == []
    assert all(pid != "costs:0" for pid in result.candidates)


def test_the_question_list_is_shown_when_questions_are_what_is_asked(index):
    search = index.search("what questions should I ask about costs and lodging?", "en", k=5)
    assert "costs:0" in [h.passage.id for h in search.shown]


def test_answer_type_agreement():
    leuka, icans = PASSAGES[4], PASSAGES[0]
    assert answer_type_agreement("how long does leukapheresis take", [leuka]) == 1.0
    assert answer_type_agreement("how long does ICANS last", [icans]) == 0.0
    assert answer_type_agreement("¿cuánto cuesta la terapia CAR T?", [leuka, icans]) == 0.0
    assert answer_type_agreement("what is ICANS", [icans]) == 0.5


def test_one_threshold_path(index):
    search = index.search("what is ICANS after car t?", "en", k=5)
    # The search ranks and measures; it carries no confidence and no threshold.
    assert not hasattr(search, "confidence") and not hasattr(search, "answerable")
    calibration = {k: v for k, v in default_calibration().items() if k != "threshold_by_lang"}
    always = decide(search, {**calibration, "threshold": 0.0})
    never = decide(search, {**calibration, "threshold": 1.01})
    assert always.answered and not never.answered
    assert always.confidence == never.confidence
    # The service applies the same decision, with the calibration it is given.
    assert services.answer_with_index("what is ICANS after car t?", "en", index,
                                      calibration={**calibration, "threshold": 1.01}).status == "no_answer"
    assert services.answer_with_index("what is ICANS after car t?", "en", index,
                                      calibration={**calibration, "threshold": 0.0}).status == "answered"


def test_threshold_of_the_question_language(index):
    search = index.search("what is ICANS after car t?", "en", k=5)
    calibration = dict(default_calibration())
    # A language's own threshold wins over the one threshold; other languages use the one.
    assert decide(search, {**calibration, "threshold": 0.0, "threshold_by_lang": {"en": 1.01}}).answered is False
    assert decide(search, {**calibration, "threshold": 1.01, "threshold_by_lang": {"en": 0.0}}).answered is True
    assert decide(search, {**calibration, "threshold": 0.0, "threshold_by_lang": {"es": 1.01}}).answered is True


def test_a_dose_is_answered_only_by_a_passage_that_gives_one(index):
    search = index.search("what dose of tocilizumab in mg per kg", "en", k=5)
    assert not search.shown or answer_type_agreement("what dose of tocilizumab in mg per kg",
                                                     [h.passage for h in search.shown]) == 1.0


def test_nothing_to_show_is_never_answered():
    empty = SearchResult(hits=[], lang="en", searched_lang="en")
    assert not decide(empty, {**default_calibration(), "threshold": 0.0}).answered


def test_other_language_only_for_sections_the_question_language_lacks(tmp_path):
    es = [_p("icans:0", "El ICANS es un conjunto de efectos secundarios neurológicos de la terapia CAR T.",
             "Qué es el ICANS", lang="es"),
          _p("only-en:0", "Tocilizumab is a medicine used to treat cytokine release syndrome.",
             "Treating CRS", key="car-t-crs", lang="en")]
    index = Index.build(PASSAGES[:1] + es, cache_dir=tmp_path)
    search = index.search("what is ICANS", "en", k=5)
    assert search.alternative is not None
    # The Spanish ICANS section exists in English too: it is never offered as a fallback.
    assert all(h.passage.lang == "es" and h.passage.anchor != "icans" for h in search.alternative.shown)
    question = "¿Qué medicamento se usa para tratar el síndrome de liberación de citocinas?"
    spanish = index.search(question, "es", k=5)
    assert "only-en:0" in [h.passage.id for h in spanish.alternative.shown]


def test_reviewed_question_variants_find_their_section(tmp_path):
    plain = [_p("visits:0", "After the first month, visits are usually every few months for the first "
                "year and then once a year.", "Follow-up visits")] + PASSAGES[1:3]
    question = "do i still have to see the car t doctor years later"
    without = Index.build(plain, cache_dir=tmp_path)
    with_variants = Index.build(
        [_p("visits:0", plain[0].text, "Follow-up visits",
            questions=("Will I still see the CAR T team years later?", "How often are check-ups after CAR T?"))]
        + PASSAGES[1:3], cache_dir=tmp_path)
    before = without.search(question, "en", k=3)
    after = with_variants.search(question, "en", k=3)
    score_before = next(h.score for h in before.hits if h.passage.id == "visits:0")
    score_after = next(h.score for h in after.hits if h.passage.id == "visits:0")
    assert score_after > score_before
    assert after.hits[0].passage.id == "visits:0"
    assert after.features["coverage"] >= before.features["coverage"]


def test_section_passages_carry_the_reviewed_variants():
    section = {"text": "Short text.", "version_id": 7, "anchor": "a", "article_title": "T", "section_heading": "H",
               "language": "es", "url": "/es/t#a", "questions": ["¿Cuánto dura?", " "]}
    (passage,) = services.section_passages(section)
    assert passage.questions == ("¿Cuánto dura?",)
    del section["questions"]
    assert services.section_passages(section)[0].questions == ()


class CountingEmbedder(Embedder):
    calls = 0

    def encode(self, texts, batch_size=64):
        CountingEmbedder.calls += len(texts)
        return super().encode(texts, batch_size)


def test_the_question_is_encoded_once_for_triage_and_search(tmp_path):
    embedder = CountingEmbedder()
    index = Index.build(PASSAGES, cache_dir=tmp_path, embedder=embedder)
    CountingEmbedder.calls = 0
    services.answer_with_index("my husband is so sleepy since his cells, what is ICANS", "en", index)
    assert CountingEmbedder.calls == 1


@pytest.mark.django_db
def test_cost_question_on_the_real_articles_is_not_answered_from_the_question_list(knowledge_base):
    result = services.answer_question("how much does CAR T cost?", "en")
    assert not any(p["url"].endswith("#costs-and-travel") for p in result.passages)
    if result.status == "answered":
        # only from a passage that gives a price
        assert any("$" in p["text"] or "dollar" in p["text"].lower() for p in result.passages)


@pytest.mark.django_db
@pytest.mark.parametrize(("question", "lang", "anchors"), [
    ("What is ICANS?", "en", {"what-is-icans", "symptoms"}),
    ("can I drive after CAR T?", "en", {"driving", "driving-and-distance", "staying-near-the-center"}),
    ("how long do I have to stay near the hospital after car t", "en",
     {"staying-near-the-center", "driving-and-distance"}),
    ("¿Qué es el síndrome de liberación de citocinas?", "es", {"what-is-crs"}),
])
def test_common_questions_on_the_real_articles_are_answered_with_the_answer_shown(knowledge_base, question,
                                                                                   lang, anchors):
    result = services.answer_question(question, lang)
    assert result.status == "answered"
    assert anchors & {p["url"].split("#")[1] for p in result.passages}


def test_misspelled_words_are_read_as_the_content_spells_them(tmp_path):
    passages = PASSAGES + [_p("toci:0", "Tocilizumab is the medicine most often used to treat cytokine release "
                              "syndrome; steroids may be added.", "How CRS is treated")]
    index = Index.build(passages, cache_dir=tmp_path)
    right = index.search("is tocilizumab used for crs", "en", k=5)
    typo = index.search("is tocilizumb used for crs", "en", k=5)
    assert typo.hits[0].passage.id == right.hits[0].passage.id == "toci:0"
    assert typo.features["coverage"] == pytest.approx(right.features["coverage"])
    assert typo.features["unknown"] == 0.0
    # A word the content never uses stays unknown: it is evidence the question is not covered.
    other = index.search("is teclistamab used for crs", "en", k=5)
    assert other.features["unknown"] > 0.0
    assert other.features["unknown_name"] == 1.0
    assert typo.features["unknown_name"] == 0.0


def test_a_misspelling_is_repaired_as_written_when_the_stems_are_too_far_apart(tmp_path):
    # "drivng" stems to itself, two letters from "drive" (the stem of "driving"), but it is
    # one letter from "driving" as the content writes it.
    passages = PASSAGES + [_p("drive:0", "Do not go driving for eight weeks after the infusion: "
                              "sudden sleepiness or confusion can come without warning.", "Driving")]
    index = Index.build(passages, cache_dir=tmp_path)
    right = index.search("how many weeks no driving after car t", "en", k=5)
    typo = index.search("how many weeks no drivng after car t", "en", k=5)
    assert typo.hits[0].passage.id == right.hits[0].passage.id == "drive:0"
    assert typo.features["unknown"] == 0.0
    assert typo.features["coverage"] == pytest.approx(right.features["coverage"])
    # Not for a different word that happens to be near: first letters must agree.
    assert index.search("how many weeks no arivng after car t", "en", k=5).features["unknown"] > 0.0


def test_spanish_spelled_by_ear_and_spanglish_are_not_unknown(tmp_path):
    passages = PASSAGES + [
        _p("celulas:0", "Las células CAR T se fabrican con las células T del propio paciente.", "Cómo se fabrican",
           lang="es", key="car-t-es"),
        _p("manejo:0", "No maneje durante 8 semanas después de la infusión.", "Manejar", lang="es", key="car-t-es"),
        _p("driving:0", "Do not drive for 8 weeks after the infusion.", "Driving"),
    ]
    index = Index.build(passages, cache_dir=tmp_path)
    pool, other = index._pools["es"], index._pools["en"]
    # "selulas" is how "células" sounds; it is the content's word, not an unknown name.
    assert pool.query_tokens("como se fabrican las selulas") == pool.query_tokens("como se fabrican las celulas")
    assert pool.unknown("como se fabrican las selulas", other) == 0.0
    # An English word in a Spanish question that the English content uses is not unknown either.
    assert pool.unknown("cuando puede driving otra vez", other) == 0.0
    assert pool.unknown("el imss cubre la infusion", other) > 0.0
