"""Evaluation of the answer service on any corpus in the MedQuAD JSONL format.

Every corpus record's ``answer`` becomes a passage (its ``focus`` is the title);
every question goes through ``services.answer_with_index`` -- the code path of
the live service -- and is scored against the passage whose text equals its
``answer``.
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


@dataclass
class EvalReport:
    metrics: dict
    per_question: list[dict]
    build_seconds: float
    embedded: int
    passages: int


def evaluate(questions: list[dict], corpus: list[Passage], *, cache_dir=None, index: Index | None = None,
             calibration: dict | None = None, progress=None) -> EvalReport:
    from .services import answer_with_index

    started = time.perf_counter()
    index = index or Index.build(corpus, cache_dir=cache_dir)
    build_seconds = time.perf_counter() - started
    text_of = {p.id: p.text for p in index.passages}
    rows = []
    latencies = []
    # Warm the encoder so the first question's latency is not the model load.
    index.embedder.encode_one("warm up")
    for n, q in enumerate(questions):
        question = q.get("question")
        if not isinstance(question, str) or not question.strip():
            continue
        gold = (q.get("answer") or "").strip()
        lang = q.get("lang") if q.get("lang") in ("en", "es") else None
        t0 = time.perf_counter()
        result = answer_with_index(question.strip(), lang, index, k=10, calibration=calibration)
        latencies.append((time.perf_counter() - t0) * 1000)
        rank = None
        for r, pid in enumerate(result.ranking[:10], 1):
            if text_of.get(pid, "").strip() == gold:
                rank = r
                break
        rows.append({
            "qid": q.get("qid"), "lang": result.lang, "status": result.status, "rank": rank,
            "confidence": result.confidence, "top1_correct": rank == 1,
        })
        if progress and (n + 1) % 50 == 0:
            progress(n + 1, len(questions))
    total = len(rows) or 1
    answered = [r for r in rows if r["status"] == "answered"]
    metrics = {
        "questions": len(rows),
        "recall@1": sum(1 for r in rows if r["rank"] == 1) / total,
        "recall@5": sum(1 for r in rows if r["rank"] and r["rank"] <= 5) / total,
        "mrr@10": sum(1.0 / r["rank"] for r in rows if r["rank"]) / total,
        "answered": len(answered) / total,
        "no_answer": sum(1 for r in rows if r["status"] == "no_answer") / total,
        "urgent": sum(1 for r in rows if r["status"] == "urgent") / total,
        "answered_precision": (sum(1 for r in answered if r["top1_correct"]) / len(answered)) if answered else None,
        "p50_ms": float(np.percentile(latencies, 50)) if latencies else None,
        "p95_ms": float(np.percentile(latencies, 95)) if latencies else None,
    }
    return EvalReport(metrics, rows, build_seconds, index.embedded_count, len(index))


# --- calibration ----------------------------------------------------------------

OFF_TOPIC = [
    ("How do I renew my passport?", "en"), ("What is the best pizza in New York?", "en"),
    ("How do I reset my router password?", "en"), ("When does the bus to the airport leave?", "en"),
    ("¿Dónde puedo comprar zapatos baratos?", "es"), ("What's the weather tomorrow?", "en"),
    ("How much does a parking permit cost at the hospital?", "en"), ("¿Cuál es el horario del banco?", "es"),
]


def feature_rows(questions: list[dict], index: Index, *, both_pools: bool = False) -> list[tuple[dict, int]]:
    """(features, 1 if the top passage is right else 0) for each question, as the live search computes them.

    A question is right when the top passage's text equals its ``answer`` or,
    for knowledge-base questions, when "article_key#anchor" is in its ``gold``.
    """
    from .retrieval import LANGS

    rows = []
    for q in questions:
        lang = q.get("lang") if q.get("lang") in LANGS else "en"
        if both_pools:
            qvec = index.embedder.encode_one(q["question"])
            results = [index._search_pool(pool, q["question"], qvec, lang, 5) for pool in LANGS]
        else:
            results = [index.search(q["question"], lang, k=5)]
        for result in results:
            if not result.hits:
                continue
            top = result.hits[0].passage
            if "gold" in q:
                right = f"{top.article_key}#{top.anchor}" in set(q["gold"])
            else:
                right = top.text.strip() == (q.get("answer") or "").strip()
            rows.append((result.features, int(right)))
    return rows


def fit_calibration(groups: dict[str, tuple[list[tuple[dict, int]], float]], *, target_set: str,
                    target_precision: float = 0.92) -> dict:
    """Weighted logistic regression on the search features; the threshold is the lowest
    confidence at which precision among answered questions of ``target_set`` reaches the target."""
    from .retrieval import FEATURES

    xs, ys, ws = [], [], []
    for rows, weight in groups.values():
        for features, label in rows:
            xs.append([float(features.get(name, 0.0)) for name in FEATURES])
            ys.append(float(label))
            ws.append(weight)
    X, y, w = np.array(xs), np.array(ys), np.array(ws)
    mu, sd = X.mean(0), X.std(0) + 1e-9
    Z = (X - mu) / sd
    b, c = np.zeros(Z.shape[1]), 0.0
    for _ in range(20000):
        p = 1.0 / (1.0 + np.exp(-(Z @ b + c)))
        g = (p - y) * w
        b -= 0.05 * ((Z * g[:, None]).sum(0) / w.sum() + 1e-3 * b)
        c -= 0.05 * g.sum() / w.sum()
    coef = b / sd
    intercept = c - float((b * mu / sd).sum())
    target_rows = groups[target_set][0]
    tx = np.array([[float(f.get(name, 0.0)) for name in FEATURES] for f, _ in target_rows])
    ty = np.array([label for _, label in target_rows])
    conf = 1.0 / (1.0 + np.exp(-(tx @ coef + intercept)))
    threshold = 0.5
    for t in np.arange(0.30, 0.99, 0.01):
        answered = conf >= t
        if answered.any() and ty[answered].mean() >= target_precision:
            threshold = round(float(t), 2)
            break
    return {"coef": [float(v) for v in coef], "intercept": float(intercept), "threshold": threshold,
            "features": list(FEATURES)}
