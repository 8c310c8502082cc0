"""The urgent classifier: the second net's reading of intent, on the sentence encoder.

Two logistic heads over the answer service's multilingual sentence vector (512
numbers): *urgent* (an emergency now, or a crisis) and *crisis* (thoughts of
suicide or self-harm). They are trained, not written: ``helpline train-triage``
fits them on the project's labelled messages (the reviewed exemplars, the
halves of the triage stress set, the calibration part of the development set,
and questions that must never be flagged) and writes ``data/triage_model.npz``.
At run time a message costs two dot products on the vector the answer service
has already computed.

Why a classifier beside the rules and the nearest exemplars: on text they had
not seen, the rules and the exemplars missed 14-22 % of urgent messages and a
third of the crisis ones (halves C-G of the stress set, each measured before
it was used for anything). The classifier weighs every labelled message at
once instead of the nearest few, and on the same halves, trained without the
half it is measured on, it caught most of what the other two missed; see
docs/notes/issue-12.md. It is one of the detectors: a message is urgent when
any of them says so, after the context checks in ``triage`` (animals, stories,
figures of speech, things that are over, general questions).

Plain numpy: the fit is a few Newton steps on at most a few thousand rows, so
no learning library is needed at run time or to train.
"""

from __future__ import annotations

import datetime
import json
import random
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).with_name("data") / "triage_model.npz"
CALM_PATH = Path(__file__).with_name("data") / "triage_calm.jsonl"

# Probabilities at which the heads flag a message; chosen by leave-one-half-out
# on the stress set (recall first, see the notes), not on any measured split.
URGENT_THRESHOLD = 0.5
CRISIS_THRESHOLD = 0.6
# L2 penalty of the fit (the bias is not penalised). The figures barely move
# between 0.3 and 3.
L2 = 1.0
# Weight of an urgent row in the fit; None weighs the two classes the same.
POSITIVE_WEIGHT: float | None = None

URGENT, CRISIS_HEAD = "urgent", "crisis"


def fit_logistic(X: np.ndarray, y: np.ndarray, *, l2: float = L2, positive_weight: float | None = None,
                 iterations: int = 30) -> np.ndarray:
    """Weights (last one the bias) of an L2-penalised logistic regression, by Newton's method.

    A positive row weighs ``positive_weight`` (None: negatives / positives, so that
    the two classes weigh the same however many calm messages there are).
    Deterministic: the same rows give the same weights.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, d = X.shape
    if n == 0 or y.min() == y.max():
        raise ValueError("a head needs both positive and negative rows")
    Xb = np.hstack([X, np.ones((n, 1))])
    positives = y.sum()
    sample_weight = np.where(y == 1, (n - positives) / positives if positive_weight is None else positive_weight, 1.0)
    penalty = l2 * np.eye(d + 1)
    penalty[-1, -1] = 0.0
    w = np.zeros(d + 1)
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(Xb @ w)))
        gradient = Xb.T @ (sample_weight * (p - y)) + penalty @ w
        hessian = (Xb * (sample_weight * p * (1 - p))[:, None]).T @ Xb + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-7:
            break
    return w


def _probability(w: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(vectors @ w[:-1] + w[-1])))


@dataclass
class TriageModel:
    urgent: np.ndarray
    crisis: np.ndarray
    encoder: str
    info: dict = field(default_factory=dict)

    def probabilities(self, vector) -> tuple[float, float]:
        """(P(urgent), P(crisis)) for one unit sentence vector."""
        v = np.asarray(vector, dtype=np.float64).reshape(1, -1)
        if v.shape[1] != self.urgent.size - 1:
            raise ValueError(f"vector of {v.shape[1]} numbers for a model of {self.urgent.size - 1}")
        return float(_probability(self.urgent, v)[0]), float(_probability(self.crisis, v)[0])

    def save(self, path: Path = MODEL_PATH) -> None:
        np.savez_compressed(
            path, urgent=self.urgent.astype(np.float32), crisis=self.crisis.astype(np.float32),
            meta=np.array(json.dumps({"encoder": self.encoder, **self.info}, ensure_ascii=False, sort_keys=True)),
        )

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> TriageModel:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            return cls(urgent=data["urgent"].astype(np.float64), crisis=data["crisis"].astype(np.float64),
                       encoder=meta.pop("encoder"), info=meta)


_MODEL: TriageModel | None = None
_MODEL_LOCK = threading.Lock()


def triage_model() -> TriageModel | None:
    """The shipped model, or None when the file is missing or made for another encoder."""
    global _MODEL
    if _MODEL is None:
        with _MODEL_LOCK:
            if _MODEL is None:
                from .retrieval import Embedder

                if not MODEL_PATH.exists():
                    return None
                model = TriageModel.load(MODEL_PATH)
                if model.encoder != Embedder.name:
                    return None
                _MODEL = model
    return _MODEL


# --- training rows -------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    text: str
    urgent: bool
    crisis: bool
    group: str  # where it comes from: "exemplars", a stress half ("A".."Z"), "dev", "questions", "calm"


def _jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def exemplar_rows(path: Path) -> list[Row]:
    import yaml

    from .triage import _SIGNS_BY_CODE, CRISIS

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows = []
    for code, by_lang in (data.get("urgent") or {}).items():
        crisis = _SIGNS_BY_CODE[code].category == CRISIS
        rows += [Row(str(t), True, crisis, "exemplars") for texts in (by_lang or {}).values() for t in texts or ()]
    rows += [Row(str(t), False, False, "exemplars") for texts in (data.get("not_urgent") or {}).values() for t in texts or ()]
    return rows


def stress_rows(paths: list[Path]) -> list[Row]:
    """Rows of the triage stress set: ``category`` crisis / medical / not_urgent, ``half`` a letter."""
    rows = []
    for path in paths:
        for r in _jsonl(path):
            category = r["category"]
            rows.append(Row(r["question"], category in ("crisis", "medical"), category == "crisis", r["half"]))
    return rows


def development_rows(directory: Path) -> list[Row]:
    """The calibration part of the development set; the held-back part is never read."""
    rows = []
    for name, urgent in (("urgent.jsonl", True), ("traps.jsonl", False), ("answerable.jsonl", False),
                         ("uncovered.jsonl", False)):
        path = directory / name
        if not path.exists():
            continue
        for r in _jsonl(path):
            if r.get("split") != "calibration":
                continue
            rows.append(Row(r["question"], urgent, r.get("category") == "crisis",
                            "dev" if name in ("urgent.jsonl", "traps.jsonl") else "questions"))
    return rows


def calm_rows(paths: list[Path]) -> list[Row]:
    """Ordinary messages that are not urgent: ``{"text", "lang", "kind"}`` per line."""
    return [Row(r["text"], False, False, "calm") for path in paths for r in _jsonl(path)]


def question_rows(paths: list[Path], *, sample: int | None = None, seed: int = 1) -> list[Row]:
    """Questions people ask that are never urgent by themselves (MedQuAD, knowledge-base questions)."""
    rows = []
    for path in paths:
        questions = [r["question"] for r in _jsonl(path)]
        if sample is not None and len(questions) > sample:
            random.Random(seed).shuffle(questions)
            questions = questions[:sample]
        rows += [Row(q, False, False, "questions") for q in questions]
    return rows


def train(rows: list[Row], vectors: np.ndarray, *, encoder: str, l2: float = L2,
          positive_weight: float | None = None) -> TriageModel:
    urgent = np.array([r.urgent for r in rows], dtype=float)
    crisis = np.array([r.crisis for r in rows], dtype=float)
    groups: dict[str, int] = {}
    for r in rows:
        groups[r.group] = groups.get(r.group, 0) + 1
    info = {
        "trained": datetime.date.today().isoformat(), "rows": len(rows), "urgent_rows": int(urgent.sum()),
        "crisis_rows": int(crisis.sum()), "groups": groups, "l2": l2, "positive_weight": positive_weight,
    }
    return TriageModel(urgent=fit_logistic(vectors, urgent, l2=l2, positive_weight=positive_weight),
                       crisis=fit_logistic(vectors, crisis, l2=l2, positive_weight=positive_weight),
                       encoder=encoder, info=info)


def leave_one_half_out(rows: list[Row], vectors: np.ndarray, flag, *, l2: float = L2,
                       positive_weight: float | None = None) -> dict:
    """For each stress half: train without it, then flag its messages with ``flag(text, p_urgent, p_crisis)``.

    ``flag`` returns (urgent, crisis) as the detectors would decide with these
    probabilities. Returns per half and overall: urgent recall, crisis recall,
    traps flagged.
    """
    halves = sorted({r.group for r in rows if len(r.group) == 1})
    out: dict = {}
    total = dict(urgent=0, caught=0, crisis=0, crisis_caught=0, traps=0, traps_flagged=0)
    for half in halves:
        train_idx = [i for i, r in enumerate(rows) if r.group != half]
        test_idx = [i for i, r in enumerate(rows) if r.group == half]
        model = train([rows[i] for i in train_idx], vectors[train_idx], encoder="", l2=l2,
                      positive_weight=positive_weight)
        counts = dict(urgent=0, caught=0, crisis=0, crisis_caught=0, traps=0, traps_flagged=0)
        for i in test_idx:
            pu, pc = model.probabilities(vectors[i])
            is_urgent, is_crisis = flag(rows[i].text, pu, pc)
            r = rows[i]
            if r.urgent:
                counts["urgent"] += 1
                counts["caught"] += bool(is_urgent)
            else:
                counts["traps"] += 1
                counts["traps_flagged"] += bool(is_urgent)
            if r.crisis:
                counts["crisis"] += 1
                counts["crisis_caught"] += bool(is_crisis)
        out[half] = _rates(counts)
        for k, v in counts.items():
            total[k] += v
    out["all"] = _rates(total)
    return out


def _rates(c: dict) -> dict:
    return {
        "urgent": c["urgent"], "urgent_recall": round(c["caught"] / c["urgent"], 3) if c["urgent"] else None,
        "crisis": c["crisis"], "crisis_recall": round(c["crisis_caught"] / c["crisis"], 3) if c["crisis"] else None,
        "traps": c["traps"], "traps_flagged": round(c["traps_flagged"] / c["traps"], 3) if c["traps"] else None,
    }
