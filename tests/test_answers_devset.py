"""The answer-service development set in tests/data/answers/ is well formed and big enough.

``test_every_gold_section_exists`` is strict: it fails while a labelled section is not yet in
content/articles/*.en.md (run ``tests/data/answers/validate.py --allow-missing`` to list them).
"""

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

import pytest

DATA_DIR = Path(__file__).resolve().parent / "data" / "answers"

_spec = importlib.util.spec_from_file_location("answers_devset_validate", DATA_DIR / "validate.py")
validate_module = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = validate_module
_spec.loader.exec_module(validate_module)

MINIMUMS = {
    # file: {lang: minimum rows}
    "answerable.jsonl": {"en": 200, "es": 130},
    "uncovered.jsonl": {"en": 30, "es": 30},
    "urgent.jsonl": {"en": 50, "es": 50},
    "traps.jsonl": {"en": 30, "es": 30},
}
TOTAL_MINIMUMS = {
    "answerable.jsonl": 330,
    "uncovered.jsonl": 70,
    "urgent.jsonl": 110,
    "traps.jsonl": 70,
}


@pytest.fixture(scope="module")
def report():
    return validate_module.validate()


def test_schema_ids_languages_and_recorded_split(report):
    assert report.errors == []


def test_every_gold_section_exists(report):
    missing = ", ".join(report.missing_anchors)
    assert report.missing_anchors == {}, f"gold sections missing from content/articles: {missing}"


@pytest.mark.parametrize("name", sorted(MINIMUMS))
def test_minimum_counts_per_language(report, name):
    counts = Counter(row["lang"] for row in report.rows[name])
    assert sum(counts.values()) >= TOTAL_MINIMUMS[name]
    for lang, minimum in MINIMUMS[name].items():
        assert counts[lang] >= minimum, f"{name}: {counts[lang]} {lang} rows, need {minimum}"


def test_urgent_has_both_categories_in_both_languages(report):
    counts = Counter((row["lang"], row["category"]) for row in report.rows["urgent.jsonl"])
    for lang in validate_module.LANGS:
        assert counts[(lang, "crisis")] >= 20
        assert counts[(lang, "medical")] >= 40


@pytest.mark.parametrize("name", sorted(MINIMUMS))
def test_split_is_half_and_half_in_each_language(report, name):
    """Half and half among the rows that were split; rows appended later are all calibration."""
    first = [row for row in report.rows[name] if not validate_module.added_later(row["id"], name)]
    later = [row for row in report.rows[name] if validate_module.added_later(row["id"], name)]
    counts = Counter((row["lang"], row["split"]) for row in first)
    for lang in validate_module.LANGS:
        calibration, heldback = counts[(lang, "calibration")], counts[(lang, "heldback")]
        assert heldback > 0
        assert abs(calibration - heldback) <= 1
    assert all(row["split"] == "calibration" for row in later)


def test_every_article_section_is_asked_about_in_both_languages(report):
    labelled = Counter(
        (gold, row["lang"]) for row in report.rows["answerable.jsonl"] for gold in row["gold"]
    )
    unasked = [
        f"{anchor} ({lang})"
        for anchor in sorted(validate_module.article_anchors())
        for lang in validate_module.LANGS
        if labelled[(anchor, lang)] == 0
    ]
    assert unasked == []


def _write_jsonl(path, rows):
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


def test_validator_reports_bad_rows_and_unknown_anchors(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "demo.en.md").write_text(
        "---\nkey: demo\nlang: en\n---\n\n## Known section {#known}\n\nText.\n", encoding="utf-8"
    )
    answerable = [
        {"id": "a-en-001", "question": "q one", "lang": "en", "gold": ["demo#known"]},
        {"id": "a-en-002", "question": "q two", "lang": "en", "gold": ["demo#unwritten"]},
        {"id": "a-en-002", "question": "Q  ONE", "lang": "es", "gold": []},
    ]
    splits = validate_module.split_for(answerable[:2], "answerable.jsonl")
    for row in answerable:
        row["style"] = ["short"]
        row["split"] = splits.get(row["id"], "heldback")
    answerable[2]["split"] = "later"
    answerable[2]["style"] = ["shouty"]
    _write_jsonl(tmp_path / "answerable.jsonl", answerable)
    _write_jsonl(
        tmp_path / "urgent.jsonl",
        [{"id": "g-en-001", "question": "fever", "lang": "en", "category": "mild", "split": "x"}],
    )
    _write_jsonl(
        tmp_path / "traps.jsonl",
        [{"id": "t-en-001", "question": "dog", "lang": "en", "expect": "urgent", "split": "x"}],
    )
    (tmp_path / "uncovered.jsonl").write_text("{not json\n", encoding="utf-8")

    report = validate_module.validate(tmp_path, articles)
    text = "\n".join(report.errors)

    assert report.missing_anchors == {"demo#unwritten": ["a-en-002"]}
    assert "id a-en-002 already used" in text
    assert "same question as answerable.jsonl: a-en-001" in text
    assert "id language does not match" in text
    assert "needs at least one gold section" in text
    assert "unknown style ['shouty']" in text
    assert "split 'later'" in text
    assert "category 'mild'" in text
    assert "expect must be 'not_urgent'" in text
    assert "uncovered.jsonl:1: not JSON" in text
    assert "differ from the recorded split" in text
    assert not report.ok(allow_missing=True)


def test_allow_missing_only_forgives_missing_anchors(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "demo.en.md").write_text(
        "---\nkey: demo\n---\n\n## S {#known}\n\nText.\n", encoding="utf-8"
    )
    row = {"id": "a-en-001", "question": "one", "lang": "en", "gold": ["demo#later"]}
    rows = [{**row, "style": ["long"]}]
    rows[0]["split"] = validate_module.split_for(rows, "answerable.jsonl")["a-en-001"]
    _write_jsonl(tmp_path / "answerable.jsonl", rows)
    for name in ("uncovered.jsonl", "urgent.jsonl", "traps.jsonl"):
        (tmp_path / name).write_text("", encoding="utf-8")

    report = validate_module.validate(tmp_path, articles)

    assert report.errors == []
    assert report.missing_anchors == {"demo#later": ["a-en-001"]}
    assert report.ok(allow_missing=True)
    assert not report.ok()
    assert validate_module.main(["--data-dir", str(tmp_path), "--articles-dir", str(articles)]) == 1
    assert (
        validate_module.main(
            ["--allow-missing", "--data-dir", str(tmp_path), "--articles-dir", str(articles)]
        )
        == 0
    )


def test_rows_added_after_the_split_are_calibration_and_move_no_row(tmp_path):
    assert validate_module.added_later("u-en-051", "uncovered.jsonl")
    assert not validate_module.added_later("u-en-050", "uncovered.jsonl")
    assert validate_module.added_later("u-es-039", "uncovered.jsonl")
    assert not validate_module.added_later("a-en-999", "answerable.jsonl")

    first = [
        {"id": f"u-en-{n:03d}", "question": f"question {n}", "lang": "en", "gold": [],
         "style": ["short"]}
        for n in range(1, 5)
    ]
    splits = validate_module.split_for(first, "uncovered.jsonl")
    for row in first:
        row["split"] = splits[row["id"]]
    later = {"id": "u-en-051", "question": "question 51", "lang": "en", "gold": [],
             "style": ["short"], "split": "calibration"}
    for name in ("answerable.jsonl", "urgent.jsonl", "traps.jsonl"):
        (tmp_path / name).write_text("", encoding="utf-8")

    _write_jsonl(tmp_path / "uncovered.jsonl", first + [later])
    assert validate_module.validate(tmp_path, tmp_path).errors == []

    _write_jsonl(tmp_path / "uncovered.jsonl", first + [{**later, "split": "heldback"}])
    errors = validate_module.validate(tmp_path, tmp_path).errors
    assert any("added after the split are not calibration" in error for error in errors)
