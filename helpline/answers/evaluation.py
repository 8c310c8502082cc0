"""Evaluation of the answer service on MedQuAD-format corpora and on the knowledge base.

Every question goes through ``services.answer_with_index`` -- the code path of
the live service. Two kinds of question files:

* MedQuAD format (``qid``, ``question``, ``answer``): every corpus record's
  ``answer`` becomes a passage (its ``focus`` is the title); the right passage
  is the one whose text equals the question's ``answer``;
* knowledge-base format (``question``, ``lang``, ``gold: ["article-key#anchor"]``):
  the passages of the bundled articles (``kb_passages``); a passage is right
  when its ``article_key#anchor`` is in ``gold``; ``gold: []`` marks a question
  the content does not cover (it should get no_answer). Rows whose gold
  sections do not exist in the content are left out and counted.

Urgent and trap files (``question``, ``lang``; urgent ones carry ``category``,
traps ``expect: not_urgent``) are measured with ``evaluate_triage``.

Only rows with ``split == "calibration"`` (or no split) are used to fit or tune;
``--split heldback`` is for reporting.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .retrieval import Index, Passage


class EvalInputError(ValueError):
    pass


def read_jsonl(path: str | Path) -> list[dict]:
    records = []
    path = Path(path)
    if not path.exists():
        raise EvalInputError(f"{path}: no such file")
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvalInputError(f"{path}:{lineno}: not JSON ({exc.msg})") from exc
            if not isinstance(record, dict):
                raise EvalInputError(f"{path}:{lineno}: expected an object")
            records.append(record)
    return records


def select_split(records: list[dict], split: str | None) -> list[dict]:
    """Rows of one split ("calibration" / "heldback"); rows without a split belong to every split."""
    if not split:
        return records
    return [r for r in records if r.get("split") in (None, split)]


def select_half(records: list[dict], half: str | None) -> list[dict]:
    """Rows of one half ("A" / "B", or "C" to "F" for later sets) of a set split in parts; rows without a half belong to both."""
    if not half:
        return records
    return [r for r in records if r.get("half") in (None, half)]


def urgent_messages(records: list[dict]) -> list[dict]:
    """The urgent rows of a file: a set that mixes both kinds marks traps ``category: not_urgent``."""
    return [r for r in records if r.get("category") != "not_urgent"]


def trap_messages(records: list[dict]) -> list[dict]:
    """The not-urgent rows of a file: rows with an urgent category (crisis, medical) are left out."""
    return [r for r in records if r.get("category") in (None, "not_urgent")]


def corpus_passages(records: Iterable[dict], source: str = "") -> list[Passage]:
    passages = []
    for n, record in enumerate(records):
        text = record.get("answer")
        if not isinstance(text, str) or not text.strip():
            continue
        lang = record.get("lang") if record.get("lang") in ("en", "es") else None
        if lang is None:
            from .lang import detect_language

            lang = detect_language(text[:400])
        passages.append(
            Passage(
                id=f"{source}#{record.get('qid', n)}#{n}",
                text=text,
                title=str(record.get("focus") or ""),
                lang=lang,
                url=str(record.get("url") or ""),
            )
        )
    return passages


def kb_passages(directory: str | Path) -> list[Passage]:
    """The passages of the article files in ``directory``, split as the live index splits them."""
    from helpline.articles import markup

    from .services import split_section

    passages: list[Passage] = []
    for path in sorted(Path(directory).glob("*.md")):
        try:
            parsed = markup.parse(path.read_text(encoding="utf-8"), source=str(path))
        except markup.ContentError as exc:
            raise EvalInputError(str(exc)) from exc
        meta = parsed.meta
        key, lang = str(meta["key"]), meta["lang"]
        for section in parsed.sections:
            text = markup.plain_text(section["body"])
            for n, chunk in enumerate(split_section(text)):
                passages.append(Passage(
                    id=f"{key}.{lang}:{section['anchor']}:{n}", text=chunk, title=str(meta.get("title", "")),
                    heading=section["heading"], lang=lang, url=f"/{lang}/{meta.get('slug', key)}#{section['anchor']}",
                    article_key=key, anchor=section["anchor"],
                    questions=tuple(str(q) for q in (section.get("questions") or ()) if str(q).strip()),
                ))
    return passages


def passage_key(passage: Passage) -> str:
    return f"{passage.article_key}#{passage.anchor}"


def kb_rows(questions: list[dict], passages: list[Passage]) -> tuple[list[dict], int]:
    """Knowledge-base questions whose gold sections all exist; returns (rows, number left out)."""
    known = {passage_key(p) for p in passages}
    kept, dropped = [], 0
    for q in questions:
        gold = q.get("gold")
        if not isinstance(gold, list):
            dropped += 1
            continue
        present = [g for g in gold if g in known]
        if gold and not present:
            dropped += 1  # answers live in sections the content does not have yet
            continue
        kept.append({**q, "gold": present})
    return kept, dropped


@dataclass
class EvalReport:
    metrics: dict
    per_question: list[dict]
    build_seconds: float
    embedded: int
    passages: int


def _is_right(passage: Passage | None, q: dict) -> bool:
    if passage is None:
        return False
    if "gold" in q:
        return passage_key(passage) in set(q["gold"])
    return passage.text.strip() == (q.get("answer") or "").strip()


def _share(rows: list[dict], pred) -> float | None:
    return (sum(1 for r in rows if pred(r)) / len(rows)) if rows else None


def summarize(rows: list[dict], latencies: list[float] | None = None) -> dict:
    """Figures for a set of evaluated rows (see ``evaluate``)."""
    answerable = [r for r in rows if r["answerable"]]
    uncovered = [r for r in rows if not r["answerable"]]
    total = len(answerable) or 1
    answered = [r for r in answerable if r["status"] == "answered"]
    out = {
        "questions": len(rows),
        "answerable": len(answerable),
        "recall@1": sum(1 for r in answerable if r["rank"] == 1) / total,
        "recall@5": sum(1 for r in answerable if r["rank"] and r["rank"] <= 5) / total,
        "mrr@10": sum(1.0 / r["rank"] for r in answerable if r["rank"]) / total,
        "answered": len(answered) / total,
        # answered with an answering passage among those shown, over all answerable questions
        "answered_with_answer_shown": sum(1 for r in answered if r["gold_shown"]) / total,
        "no_answer": _share(answerable, lambda r: r["status"] == "no_answer"),
        "urgent": _share(rows, lambda r: r["status"] == "urgent"),
        "answered_precision": _share(answered, lambda r: r["top1_correct"]),
        "answered_precision@3": _share(answered, lambda r: r["gold_shown"]),
    }
    if uncovered:
        out["uncovered"] = len(uncovered)
        out["uncovered_no_answer"] = _share(uncovered, lambda r: r["status"] != "answered")
    if latencies:
        out["p50_ms"] = float(np.percentile(latencies, 50))
        out["p95_ms"] = float(np.percentile(latencies, 95))
    return out


def evaluate(questions: list[dict], corpus: list[Passage], *, cache_dir=None, index: Index | None = None,
             calibration: dict | None = None, progress=None) -> EvalReport:
    from .services import answer_with_index

    started = time.perf_counter()
    index = index or Index.build(corpus, cache_dir=cache_dir)
    build_seconds = time.perf_counter() - started
    by_id = {p.id: p for p in index.passages}
    rows = []
    latencies = []
    # Warm the encoder so the first question's latency is not the model load.
    index.embedder.encode_one("warm up")
    for n, q in enumerate(questions):
        question = q.get("question")
        if not isinstance(question, str) or not question.strip():
            continue
        lang = q.get("lang") if q.get("lang") in ("en", "es") else None
        t0 = time.perf_counter()
        result = answer_with_index(question.strip(), lang, index, k=10, calibration=calibration)
        latencies.append((time.perf_counter() - t0) * 1000)
        rank = None
        for r, pid in enumerate(result.ranking[:10], 1):
            if _is_right(by_id.get(pid), q):
                rank = r
                break
        shown = [p["id"] for p in result.passages]
        rows.append({
            "qid": q.get("qid", q.get("id")), "lang": result.lang, "status": result.status, "rank": rank,
            "confidence": result.confidence,
            "answerable": bool(q.get("gold")) if "gold" in q else True,
            "top1_correct": bool(shown) and _is_right(by_id.get(shown[0]), q),
            "gold_shown": any(_is_right(by_id.get(pid), q) for pid in shown),
        })
        if progress and (n + 1) % 50 == 0:
            progress(n + 1, len(questions))
    metrics = summarize(rows, latencies)
    metrics["by_lang"] = {lang: summarize([r for r in rows if r["lang"] == lang])
                          for lang in sorted({r["lang"] for r in rows})}
    return EvalReport(metrics, rows, build_seconds, index.embedded_count, len(index))


def evaluate_triage(urgent: list[dict], traps: list[dict]) -> dict:
    """Urgent recall and precision (over urgent messages and traps), per language."""
    from .triage import assess

    rows = []
    latencies = []
    for q, expected in [(q, True) for q in urgent] + [(q, False) for q in traps]:
        text = q.get("question")
        if not isinstance(text, str) or not text.strip():
            continue
        started = time.perf_counter()
        result = assess(text, q.get("lang"))
        latencies.append(time.perf_counter() - started)
        rows.append({"lang": result.lang, "expected": expected, "urgent": result.urgent,
                     "crisis_expected": q.get("category") == "crisis", "category": result.category})

    def figures(part: list[dict]) -> dict:
        flagged = [r for r in part if r["urgent"]]
        urgent_rows = [r for r in part if r["expected"]]
        crisis = [r for r in part if r["crisis_expected"]]
        return {
            "urgent_messages": len(urgent_rows), "traps": len(part) - len(urgent_rows),
            "urgent_recall": _share(urgent_rows, lambda r: r["urgent"]),
            "urgent_precision": _share(flagged, lambda r: r["expected"]),
            "crisis_recall": _share(crisis, lambda r: r["category"] == "crisis"),
            "traps_not_urgent": _share([r for r in part if not r["expected"]], lambda r: not r["urgent"]),
        }

    out = figures(rows)
    out["by_lang"] = {lang: figures([r for r in rows if r["lang"] == lang]) for lang in sorted({r["lang"] for r in rows})}
    if latencies:
        ordered = sorted(latencies)
        # per message, as called here: the sentence encoder runs for messages the rules do not settle
        out["p50_ms"] = 1000 * ordered[len(ordered) // 2]
        out["p95_ms"] = 1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return out


# --- calibration ----------------------------------------------------------------

OFF_TOPIC = [
    ("How do I renew my passport?", "en"), ("What is the best pizza in New York?", "en"),
    ("How do I reset my router password?", "en"), ("When does the bus to the airport leave?", "en"),
    ("¿Dónde puedo comprar zapatos baratos?", "es"), ("What's the weather tomorrow?", "en"),
    ("How much does a parking permit cost at the hospital?", "en"), ("¿Cuál es el horario del banco?", "es"),
]


@dataclass
class FeatureRow:
    features: dict
    label: int  # an answering passage is among those that would be shown
    question: dict
    top1: int  # the first passage shown answers
    primary: bool  # the ranking the decision looks at first (not the other language's)


def feature_rows(questions: list[dict], index: Index) -> list[FeatureRow]:
    """One row for the question's own-language ranking and one for the other language's,
    with the features the live search computes."""
    from .retrieval import LANGS

    rows = []
    for q in questions:
        lang = q.get("lang") if q.get("lang") in LANGS else "en"
        result = index.search(q["question"], lang, k=10)
        for part in (result, result.alternative):
            if part is None or not part.shown:
                continue
            label = int(any(_is_right(h.passage, q) for h in part.shown))
            rows.append(FeatureRow(part.features, label, q, int(_is_right(part.shown[0].passage, q)), part is result))
    return rows


def fit_logistic(rows: list[FeatureRow], weights: list[float], l2: float = 1e-3) -> dict:
    """Weighted logistic regression on the search features (standardised, L2, gradient descent)."""
    from .retrieval import FEATURES

    X = np.array([[float(r.features.get(name, 0.0)) for name in FEATURES] for r in rows])
    y = np.array([float(r.label) for r in rows])
    w = np.array(weights, dtype=float)
    mu, sd = X.mean(0), X.std(0) + 1e-9
    Z = (X - mu) / sd
    b, c = np.zeros(Z.shape[1]), 0.0
    for _ in range(4000):
        p = 1.0 / (1.0 + np.exp(-(Z @ b + c)))
        g = (p - y) * w
        b -= 0.5 * ((Z * g[:, None]).sum(0) / w.sum() + l2 * b)
        c -= 0.5 * g.sum() / w.sum()
    coef = b / sd
    return {"coef": [float(v) for v in coef], "intercept": float(c - float((b * mu / sd).sum())),
            "features": list(FEATURES)}


def probabilities(rows: list[FeatureRow], model: dict) -> np.ndarray:
    from .retrieval import FEATURES

    X = np.array([[float(r.features.get(name, 0.0)) for name in FEATURES] for r in rows]).reshape(len(rows), len(FEATURES))
    return 1.0 / (1.0 + np.exp(-(X @ np.array(model["coef"]) + model["intercept"])))


def lowest_threshold(rows: list[FeatureRow], model: dict, *, precision_at_3: float,
                     precision_at_1: float = 0.0) -> float:
    """The lowest threshold at which, among answered rows, an answering passage is shown for at
    least ``precision_at_3`` of them and the first passage answers for ``precision_at_1`` (0.99 when
    no threshold does)."""
    if not rows:
        return 0.5
    conf = probabilities(rows, model)
    labels = np.array([r.label for r in rows])
    top1 = np.array([r.top1 for r in rows])
    for t in np.arange(0.05, 0.995, 0.01):
        answered = conf >= t
        if (answered.any() and labels[answered].mean() >= precision_at_3
                and top1[answered].mean() >= precision_at_1):
            return round(float(t), 2)
    return 0.99
