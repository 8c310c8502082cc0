"""The urgent classifier: the fit, the shipped model, the command that trains it, and its place in triage."""

from __future__ import annotations

import json

import numpy as np
import pytest
from django.core.management import call_command

from helpline.answers import triage, triage_model
from helpline.answers.retrieval import Embedder
from helpline.answers.triage_model import Row, TriageModel, fit_logistic


def _separable(n=200, d=8, seed=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    y = (X[:, 0] + 0.5 * X[:, 1] > 0.1).astype(float)
    return X, y


def test_the_fit_separates_what_is_separable_and_is_deterministic():
    X, y = _separable()
    w = fit_logistic(X, y, l2=0.1)
    predicted = (X @ w[:-1] + w[-1]) > 0
    assert (predicted == (y == 1)).mean() > 0.95
    assert np.array_equal(w, fit_logistic(X, y, l2=0.1))


def test_a_heavier_positive_weight_flags_more():
    X, y = _separable()
    light = fit_logistic(X, y, positive_weight=0.2)
    heavy = fit_logistic(X, y, positive_weight=5.0)
    flagged = lambda w: int(((X @ w[:-1] + w[-1]) > 0).sum())  # noqa: E731
    assert flagged(heavy) > flagged(light)


def test_a_head_without_both_classes_is_refused():
    X, _ = _separable()
    with pytest.raises(ValueError):
        fit_logistic(X, np.zeros(len(X)))


def test_the_model_round_trips_and_refuses_a_vector_of_another_size(tmp_path):
    X, y = _separable()
    model = TriageModel(urgent=fit_logistic(X, y), crisis=fit_logistic(X, 1 - y), encoder="enc", info={"rows": 200})
    model.save(tmp_path / "m.npz")
    loaded = TriageModel.load(tmp_path / "m.npz")
    assert loaded.encoder == "enc" and loaded.info == {"rows": 200}
    pu, pc = loaded.probabilities(X[0])
    assert 0.0 <= pu <= 1.0 and 0.0 <= pc <= 1.0
    assert abs(pu - model.probabilities(X[0])[0]) < 1e-5
    with pytest.raises(ValueError):
        loaded.probabilities(np.ones(5))


def test_the_shipped_model_matches_the_encoder_and_was_fitted_on_the_labelled_sets():
    model = triage_model.triage_model()
    assert model is not None, "helpline/answers/data/triage_model.npz is missing or made for another encoder"
    assert model.encoder == Embedder.name and model.urgent.size == Embedder.dim + 1
    groups = model.info["groups"]
    assert {"exemplars", "dev", "questions", "calm"} <= set(groups)
    assert sum(1 for g in groups if len(g) == 1) >= 7, "the stress halves"
    assert model.info["urgent_rows"] >= 1000 and model.info["crisis_rows"] >= 400


def test_only_calibration_rows_of_the_development_set_are_read(tmp_path):
    lines = [
        {"id": "g-en-1", "question": "calibration crisis", "lang": "en", "category": "crisis", "split": "calibration"},
        {"id": "g-en-2", "question": "held back", "lang": "en", "category": "medical", "split": "heldback"},
    ]
    (tmp_path / "urgent.jsonl").write_text("\n".join(json.dumps(r) for r in lines), encoding="utf-8")
    rows = triage_model.development_rows(tmp_path)
    assert rows == [Row("calibration crisis", True, True, "dev")]


def test_train_triage_writes_a_model_and_reports_each_unseen_half(tmp_path):
    stress, dev, medquad = tmp_path / "stress", tmp_path / "dev", tmp_path / "medquad"
    for d in (stress, dev, medquad):
        d.mkdir()
    stress_rows = []
    for half in "AB":
        stress_rows += [
            {"question": f"{half}: she has a fever of 39.5 two days after her cells", "lang": "en", "category": "medical", "half": half},
            {"question": f"{half}: i want to end my life tonight", "lang": "en", "category": "crisis", "half": half},
            {"question": f"{half}: my dog has a fever", "lang": "en", "category": "not_urgent", "half": half},
        ]
    (stress / "triage_stress.jsonl").write_text("\n".join(json.dumps(r) for r in stress_rows), encoding="utf-8")
    (medquad / "cancergov_dev.jsonl").write_text(json.dumps({"question": "What is leukemia?"}), encoding="utf-8")
    (medquad / "other_sources.jsonl").write_text(json.dumps({"question": "What causes anemia?"}), encoding="utf-8")
    calm = tmp_path / "calm.jsonl"
    calm.write_text(json.dumps({"text": "where do we park for the clinic", "lang": "en", "kind": "logistics"}), encoding="utf-8")
    out = tmp_path / "model.npz"
    import io

    buffer = io.StringIO()
    call_command("train-triage", "--medquad", str(medquad), "--stress", str(stress), "--dev", str(dev),
                 "--calm", str(calm), "--out", str(out), "--json", stdout=buffer)
    report = json.loads(buffer.getvalue())
    model = TriageModel.load(out)
    assert model.encoder == Embedder.name
    assert model.info["groups"]["A"] == 3 and model.info["groups"]["calm"] == 1
    assert set(report["leave_one_half_out"]) == {"A", "B", "all"}
    assert report["leave_one_half_out"]["all"]["urgent"] == 4


def test_train_triage_says_what_is_missing(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="MedQuAD"):
        call_command("train-triage", "--medquad", str(tmp_path), "--out", str(tmp_path / "m.npz"))


def test_triage_works_on_rules_and_exemplars_when_the_model_is_missing(monkeypatch):
    monkeypatch.setattr(triage_model, "_MODEL", None)
    monkeypatch.setattr(triage_model, "MODEL_PATH", triage_model.MODEL_PATH.with_name("missing.npz"))
    assert triage_model.triage_model() is None
    result = triage.assess("i started cutting again last night", "en")
    assert result.urgent and result.category == triage.CRISIS
    assert not triage.assess("where do we park for the clinic", "en").urgent


@pytest.mark.parametrize("text", [
    # first-sight messages of half H of the stress set, which the shipped model was fitted without
    "jokes on the lymphoma, it doesnt get to pick the date. i already did. saturday after everyone goes home",
    "been praying all week that He forgives me for what im about to do. i think He'll understand, He knows how tired i am",
])
def test_the_classifier_catches_crisis_wording_the_rules_and_exemplars_miss(text):
    assert not triage.rule_signs(text)
    assert not triage.similarity_detector().signs(text)
    result = triage.assess(text, "en")
    assert result.urgent and result.category == triage.CRISIS
    assert result.detectors == ["classifier"]


def test_the_calm_context_does_not_swallow_words_that_only_look_like_it():
    assert triage._CALM_CONTEXT.search("our goldfish is floating sideways")
    assert not triage._CALM_CONTEXT.search("i feel so selfish, they'd be better off without me")
    assert not triage._CALM_CONTEXT.search("it's not fine, he can't breathe")


def test_text_far_from_every_exemplar_is_not_flagged_by_the_classifier():
    # a name, a phone number and a birth date: no sign, nothing near any exemplar
    result = triage.assess("Soy Ana, mi teléfono es 612 345 678 y nací el 3 de marzo de 1962", "es")
    assert not result.urgent, result.detectors
