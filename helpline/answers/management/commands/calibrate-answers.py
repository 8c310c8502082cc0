"""helpline calibrate-answers DEV.jsonl --corpus C.jsonl [...] [--extra Q.jsonl ...]
       [--kb-questions KB.jsonl ...] [--content DIR] [--folds 5] [--write]

Fits the answer decision (helpline/answers/calibration.json): a logistic
regression of "an answering passage is among the passages shown" on the
search's features (retrieval.FEATURES), for the question's own language and for
the other language's ranking. The threshold is the lowest confidence at which,
among answered questions, an answering passage is shown for at least
--target-precision of the MedQuAD development questions AND of the
knowledge-base questions. Knowledge-base files may carry a "split"; only
"calibration" rows (and rows without a split) are used. Rows whose gold
sections are not in the content are left out and counted.

--folds N also reports held-out figures: the MedQuAD questions are split by
source document into N folds; each fold is measured with a model and threshold
fitted without it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from helpline.answers import retrieval
from helpline.answers.evaluation import (
    OFF_TOPIC, EvalInputError, corpus_passages, feature_rows, fit_logistic, kb_passages, kb_rows,
    lowest_threshold, probabilities, read_jsonl, select_split,
)

WEIGHTS = {"dev": 1.0, "extra": 1.0, "off_topic": 3.0, "kb": 1.5}


def _document(q: dict) -> str:
    return re.split(r"[_-]", str(q.get("qid", "")))[0]


class Command(BaseCommand):
    help = "Fit the answer decision's calibration on development questions (MedQuAD and knowledge base)."

    def add_arguments(self, parser):
        parser.add_argument("questions", help="MedQuAD-format development questions")
        parser.add_argument("--corpus", action="append", required=True)
        parser.add_argument("--extra", action="append", default=[],
                            help="more MedQuAD-format questions against the same corpus (Spanish, everyday wording)")
        parser.add_argument("--kb-questions", action="append", default=[],
                            help='knowledge-base questions with gold ["article-key#anchor"] ([] = not covered)')
        parser.add_argument("--content", default=None, help="article files (default: the bundled content)")
        parser.add_argument("--target-precision", type=float, default=0.93)
        parser.add_argument("--folds", type=int, default=0)
        parser.add_argument("--write", action="store_true", help="write calibration.json")

    def handle(self, *args, **options):
        try:
            dev = read_jsonl(options["questions"])
            extra = [q for path in options["extra"] for q in read_jsonl(path)]
            passages = [p for path in options["corpus"] for p in corpus_passages(read_jsonl(path), source=path)]
            kb_questions = [q for path in options["kb_questions"]
                            for q in select_split(read_jsonl(path), "calibration")]
            content = Path(options["content"] or settings.CONTENT_DIR / "articles")
            kb = kb_passages(content) if kb_questions else []
        except EvalInputError as exc:
            raise CommandError(str(exc)) from exc
        index = retrieval.Index.build(passages, cache_dir=settings.ANSWERS_INDEX_DIR)
        off_topic = [{"question": q, "lang": lang, "answer": "\0"} for q, lang in OFF_TOPIC]
        groups = {
            "dev": feature_rows(dev, index),
            "extra": feature_rows(extra, index),
            "off_topic": feature_rows(off_topic, index),
        }
        kb_used, kb_dropped = kb_rows(kb_questions, kb)
        if kb_used:
            kb_index = retrieval.Index.build(kb, cache_dir=settings.ANSWERS_INDEX_DIR)
            groups["kb"] = feature_rows(kb_used, kb_index)
        target = options["target_precision"]

        def fit(parts: dict) -> dict:
            rows = [(f, y) for name, rs in parts.items() for f, y, _ in rs]
            weights = [WEIGHTS[name] for name, rs in parts.items() for _ in rs]
            model = fit_logistic(rows, weights)
            thresholds = [lowest_threshold([(f, y) for f, y, _ in parts[name]], model, target)
                          for name in ("dev", "kb") if parts.get(name)]
            model["threshold"] = max(thresholds)
            return model

        calibration = fit(groups)
        calibration["cross_margin"] = 0.3
        counts = {name: len(rows) for name, rows in groups.items()}
        calibration["fitted_on"] = (
            f"helpline calibrate-answers on: {len(dev)} MedQuAD dev questions ({options['questions']}) against "
            f"{len(passages)} corpus passages; {len(extra)} extra questions ({', '.join(options['extra']) or '-'}); "
            f"{len(off_topic)} off-topic questions; {len(kb_used)} knowledge-base questions (split=calibration "
            f"or no split) from {', '.join(options['kb_questions']) or '-'} against {len(kb)} passages of "
            f"{content.name}/ ({kb_dropped} left out: gold sections not in the content). Feature rows "
            f"(own and other language): {counts}. Label: an answering passage is among those shown. "
            f"Threshold: lowest confidence with precision@3 among answered >= {target} on the MedQuAD dev rows "
            f"and on the knowledge-base rows."
        )
        self.stdout.write(json.dumps(calibration, indent=1))
        self.stdout.write(self._report("in-sample", groups, calibration))
        if options["folds"]:
            self._cross_validate(groups, dev, options["folds"], fit)
        if options["write"]:
            path = Path(retrieval.__file__).with_name("calibration.json")
            path.write_text(json.dumps(calibration, indent=1) + "\n")
            self.stdout.write(f"written to {path}")

    def _report(self, title: str, groups: dict, model: dict) -> str:
        lines = [f"{title} (threshold {model['threshold']}):"]
        for name, rows in groups.items():
            if not rows:
                continue
            own = rows
            conf = probabilities([(f, y) for f, y, _ in own], model) if own else np.zeros(0)
            labels = np.array([y for _, y, _ in own])
            answered = conf >= model["threshold"]
            share = answered.mean() if len(own) else 0.0
            prec = labels[answered].mean() if answered.any() else float("nan")
            lines.append(f"  {name:9} rows {len(own):4}  answered {share:.3f}  precision@3 {prec:.3f}")
        return "\n".join(lines)

    def _cross_validate(self, groups: dict, dev: list[dict], folds: int, fit) -> None:
        docs = sorted({_document(q) for q in dev})
        rng = np.random.default_rng(12)
        rng.shuffle(docs)
        fold_of = {d: n % folds for n, d in enumerate(docs)}
        answered = correct = total = 0
        for k in range(folds):
            train = {name: [r for r in rows if name != "dev" or fold_of[_document(r[2])] != k]
                     for name, rows in groups.items()}
            test = [r for r in groups["dev"] if fold_of[_document(r[2])] == k]
            model = fit(train)
            conf = probabilities([(f, y) for f, y, _ in test], model) if test else np.zeros(0)
            mask = conf >= model["threshold"]
            answered += int(mask.sum())
            correct += int(sum(y for (f, y, _), m in zip(test, mask) if m))
            total += len(test)
        self.stdout.write(
            f"cross-validation by MedQuAD document ({folds} folds, {len(docs)} documents): held-out answered "
            f"{answered / max(total, 1):.3f}, precision@3 among answered {correct / max(answered, 1):.3f}")
