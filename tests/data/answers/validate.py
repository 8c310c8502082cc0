"""Validator for the answer-service development set in this folder.

Usage (from the repository root)::

    .venv/bin/python tests/data/answers/validate.py                  # strict
    .venv/bin/python tests/data/answers/validate.py --allow-missing  # list missing anchors only

It checks the schema of each file, unique ids and questions, languages, the recorded split
(``split_for`` below reproduces it from ``SEED``; rows appended later, listed in
``ADDED_LATER``, must all be calibration), and that every gold ``key#anchor`` is a section of
``content/articles/<key>.en.md``. Import ``validate`` to use it from tests.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
REPO_ROOT = DATA_DIR.parents[2]
ARTICLES_DIR = REPO_ROOT / "content" / "articles"

SEED = 20261205
CALIBRATION = "calibration"
HELDBACK = "heldback"
SPLITS = (CALIBRATION, HELDBACK)
LANGS = ("en", "es")
STYLES = frozenset(
    {
        "lowercase",
        "typo",
        "no-accents",
        "run-on",
        "third-person",
        "spanglish",
        "slang",
        "vague",
        "short",
        "long",
        "formal",
        "abbreviation",
        "anxious",
    }
)
CATEGORIES = ("crisis", "medical")

# file name -> (id prefix, required fields)
FILES: dict[str, tuple[str, tuple[str, ...]]] = {
    "answerable.jsonl": ("a", ("id", "question", "lang", "gold", "style", "split")),
    "uncovered.jsonl": ("u", ("id", "question", "lang", "gold", "style", "split")),
    "urgent.jsonl": ("g", ("id", "question", "lang", "category", "split")),
    "traps.jsonl": ("t", ("id", "question", "lang", "expect", "split")),
}

# Rows appended to a file after its split was decided: file -> {lang: last id number of the rows
# that were split}. The seeded split is recomputed over those first rows only, so adding rows moves
# no row between the parts; every row appended later (a higher id number) is calibration.
ADDED_LATER: dict[str, dict[str, int]] = {
    "uncovered.jsonl": {"en": 50, "es": 38},
}
ID_NUMBER = re.compile(r"^[a-z]-(en|es)-(\d{3})$")

ANCHOR_HEADING = re.compile(r"^## .*\{#([a-z0-9-]+)\}\s*$", re.MULTILINE)
FRONT_MATTER_KEY = re.compile(r"^key:\s*(\S+)\s*$", re.MULTILINE)
GOLD_FORMAT = re.compile(r"^[a-z0-9-]+#[a-z0-9-]+$")


def split_for(rows: list[dict], file_name: str, seed: int = SEED) -> dict[str, str]:
    """The split as it was decided: ``{id: split}`` for the rows of one file.

    Within each language, ids are sorted, shuffled with ``random.Random(f"{seed}:{file}:{lang}")``
    and the first half (rounded up) is calibration, the rest held back.
    """
    by_lang: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        by_lang[row["lang"]].append(row["id"])
    result: dict[str, str] = {}
    for lang in sorted(by_lang):
        ids = sorted(by_lang[lang])
        random.Random(f"{seed}:{file_name}:{lang}").shuffle(ids)
        half = (len(ids) + 1) // 2
        for position, row_id in enumerate(ids):
            result[row_id] = CALIBRATION if position < half else HELDBACK
    return result


def added_later(row_id: object, file_name: str) -> bool:
    """Whether a row was appended after the file's split was decided (see ``ADDED_LATER``)."""
    last = ADDED_LATER.get(file_name)
    match = ID_NUMBER.match(row_id) if isinstance(row_id, str) else None
    if not last or not match or match.group(1) not in last:
        return False
    return int(match.group(2)) > last[match.group(1)]


def article_anchors(articles_dir: Path = ARTICLES_DIR) -> set[str]:
    """Every ``key#anchor`` of the English article files."""
    anchors: set[str] = set()
    for path in sorted(articles_dir.glob("*.en.md")):
        text = path.read_text(encoding="utf-8")
        match = FRONT_MATTER_KEY.search(text)
        key = match.group(1).strip("\"'") if match else path.name[: -len(".en.md")]
        anchors.update(f"{key}#{anchor}" for anchor in ANCHOR_HEADING.findall(text))
    return anchors


def load_rows(path: Path) -> tuple[list[dict], list[str]]:
    """The JSON objects of a JSON Lines file, and an error for each line that is not one."""
    rows: list[dict] = []
    errors: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                errors.append(f"{path.name}:{number}: empty line")
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"{path.name}:{number}: not JSON ({exc.msg})")
                continue
            if not isinstance(row, dict):
                errors.append(f"{path.name}:{number}: not a JSON object")
                continue
            rows.append(row)
    return rows, errors


@dataclass
class Report:
    rows: dict[str, list[dict]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    # gold key#anchor that is not in content/articles/*.en.md -> ids that use it
    missing_anchors: dict[str, list[str]] = field(default_factory=dict)

    def counts(self) -> Counter:
        """Rows per (file, lang)."""
        return Counter((name, row.get("lang")) for name, rows in self.rows.items() for row in rows)

    def split_counts(self) -> Counter:
        """Rows per (file, lang, split)."""
        return Counter(
            (name, row.get("lang"), row.get("split"))
            for name, rows in self.rows.items()
            for row in rows
        )

    def ok(self, allow_missing: bool = False) -> bool:
        return not self.errors and (allow_missing or not self.missing_anchors)


def _check_row(name: str, row: dict, prefix: str, required: tuple[str, ...]) -> list[str]:
    where = f"{name}: {row.get('id', '?')}"
    errors = []
    missing = [key for key in required if key not in row]
    extra = sorted(set(row) - set(required))
    if missing:
        errors.append(f"{where}: missing fields {missing}")
    if extra:
        errors.append(f"{where}: unknown fields {extra}")
    if missing:
        return errors
    lang = row["lang"]
    if lang not in LANGS:
        errors.append(f"{where}: lang {lang!r} is not one of {LANGS}")
    if not isinstance(row["id"], str) or not re.fullmatch(rf"{prefix}-(en|es)-\d{{3}}", row["id"]):
        errors.append(f"{where}: id must look like {prefix}-en-001")
    elif row["id"].split("-")[1] != lang:
        errors.append(f"{where}: id language does not match lang {lang!r}")
    if not isinstance(row["question"], str) or not row["question"].strip():
        errors.append(f"{where}: empty question")
    if row["split"] not in SPLITS:
        errors.append(f"{where}: split {row['split']!r} is not one of {SPLITS}")
    if "gold" in required:
        gold = row["gold"]
        if not isinstance(gold, list) or not all(isinstance(item, str) for item in gold):
            errors.append(f"{where}: gold must be a list of strings")
        elif name == "answerable.jsonl" and not gold:
            errors.append(f"{where}: an answerable question needs at least one gold section")
        elif name == "uncovered.jsonl" and gold:
            errors.append(f"{where}: an uncovered question has gold []")
        elif len(set(gold)) != len(gold):
            errors.append(f"{where}: repeated gold section")
        else:
            bad = [item for item in gold if not GOLD_FORMAT.match(item)]
            if bad:
                errors.append(f"{where}: gold entries must be key#anchor: {bad}")
        style = row["style"]
        if not isinstance(style, list) or not style:
            errors.append(f"{where}: style must be a non-empty list")
        elif unknown := sorted(set(style) - STYLES):
            errors.append(f"{where}: unknown style {unknown}")
    if "category" in required and row["category"] not in CATEGORIES:
        errors.append(f"{where}: category {row['category']!r} is not one of {CATEGORIES}")
    if "expect" in required and row["expect"] != "not_urgent":
        errors.append(f"{where}: expect must be 'not_urgent'")
    return errors


def validate(data_dir: Path = DATA_DIR, articles_dir: Path = ARTICLES_DIR) -> Report:
    report = Report()
    anchors = article_anchors(articles_dir)
    seen_ids: dict[str, str] = {}
    seen_questions: dict[str, str] = {}
    missing: dict[str, list[str]] = defaultdict(list)
    for name, (prefix, required) in FILES.items():
        path = data_dir / name
        if not path.exists():
            report.errors.append(f"{name}: file is missing")
            report.rows[name] = []
            continue
        rows, errors = load_rows(path)
        report.rows[name] = rows
        report.errors.extend(errors)
        for row in rows:
            report.errors.extend(_check_row(name, row, prefix, required))
            row_id = row.get("id")
            if row_id in seen_ids:
                report.errors.append(f"{name}: id {row_id} already used in {seen_ids[row_id]}")
            seen_ids[row_id] = name
            question = " ".join(str(row.get("question", "")).lower().split())
            if question in seen_questions:
                report.errors.append(
                    f"{name}: {row_id}: same question as {seen_questions[question]}"
                )
            seen_questions[question] = f"{name}: {row_id}"
            for gold in row.get("gold", []) if isinstance(row.get("gold"), list) else []:
                if isinstance(gold, str) and GOLD_FORMAT.match(gold) and gold not in anchors:
                    missing[gold].append(row_id)
        well_formed = [r for r in rows if r.get("lang") in LANGS and isinstance(r.get("id"), str)]
        first = [r for r in well_formed if not added_later(r["id"], name)]
        expected = split_for(first, name)
        moved = [r["id"] for r in first if r.get("split") != expected[r["id"]]]
        if moved:
            report.errors.append(
                f"{name}: {len(moved)} rows differ from the recorded split (seed {SEED}), "
                f"e.g. {moved[:5]}"
            )
        later = [
            r["id"]
            for r in well_formed
            if added_later(r["id"], name) and r.get("split") != CALIBRATION
        ]
        if later:
            report.errors.append(
                f"{name}: {len(later)} rows added after the split are not calibration, "
                f"e.g. {later[:5]}"
            )
    report.missing_anchors = dict(sorted(missing.items()))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--allow-missing",
        action="store_true",
        help="report gold sections missing from content/articles without failing",
    )
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--articles-dir", type=Path, default=ARTICLES_DIR)
    args = parser.parse_args(argv)

    report = validate(args.data_dir, args.articles_dir)
    for (name, lang, split), count in sorted(report.split_counts().items(), key=str):
        print(f"{name:18} {lang}  {split:11} {count:4}")
    for name, rows in report.rows.items():
        print(f"{name:18} total {len(rows)}")
    if report.missing_anchors:
        label = "MISSING (allowed)" if args.allow_missing else "MISSING"
        count = len(report.missing_anchors)
        print(f"\n{label}: {count} gold sections are not in {args.articles_dir}:")
        for anchor, ids in report.missing_anchors.items():
            print(f"  {anchor}  ({len(ids)} questions)")
    if report.errors:
        print(f"\n{len(report.errors)} errors:")
        for error in report.errors:
            print(f"  {error}")
    ok = report.ok(allow_missing=args.allow_missing)
    print("\nOK" if ok else "\nFAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
