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
    OFF_TOPIC,
    EvalInputError,
    corpus_passages,
    feature_rows,
    fit_logistic,
    kb_passages,
    kb_rows,
    lowest_threshold,
    probabilities,
    read_jsonl,
    select_split,
)

WEIGHTS = {"dev": 1.0, "extra": 1.0, "off_topic": 3.0, "kb": 1.5}
# Questions the content does not cover weigh more: answering one is the costly mistake,
# and they set the threshold (--uncovered-no-answer).
UNCOVERED_WEIGHT = 5.0


def _shown_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path(settings.BASE_DIR).resolve()))
    except ValueError:
        return str(path)


def _document(q: dict) -> str:
    """The source document of a MedQuAD question (its URL; the qid's prefix otherwise)."""
    return str(q.get("url") or re.split(r"[_-]", str(q.get("qid", "")))[0])


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
        parser.add_argument("--target-precision", type=float, default=0.93,
                            help="MedQuAD dev: share of answered questions with an answering passage shown")
        parser.add_argument("--target-top1", type=float, default=0.82,
                            help="MedQuAD dev: share of answered questions whose first passage answers")
        parser.add_argument("--uncovered-no-answer", type=float, default=0.92,
                            help="knowledge base: share of uncovered questions that must get no answer")
        parser.add_argument("--kb-target-precision", type=float, default=0.90,
                            help="knowledge base: share of answered questions with an answering passage shown")
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
        targets = {"dev": (options["target_precision"], options["target_top1"]),
                   "kb": (options["kb_target_precision"], 0.0)}

        def fit(parts: dict) -> dict:
            rows = [r for rs in parts.values() for r in rs]
            weights = [WEIGHTS[name] * (UNCOVERED_WEIGHT if name == "kb" and not r.question.get("gold") else 1.0)
                       for name, rs in parts.items() for r in rs]
            model = fit_logistic(rows, weights)
            model["threshold"] = max(
                lowest_threshold([r for r in parts[name] if r.primary], model,
                                 precision_at_3=p3, precision_at_1=p1)
                for name, (p3, p1) in targets.items() if parts.get(name))
            kb_rows_ = [r for r in parts.get("kb", []) if r.primary]
            uncovered = [r for r in kb_rows_ if not r.question.get("gold")]
            by_lang = {}
            for lang in sorted({str(r.question.get("lang")) for r in uncovered}):
                # ... per question language: an answering passage is shown for enough of the
                # answered knowledge-base questions, and questions the content does not cover
                # get no answer often enough.
                own = [r for r in kb_rows_ if str(r.question.get("lang")) == lang]
                lang_threshold = max(model["threshold"],
                                     lowest_threshold(own, model, precision_at_3=targets["kb"][0]))
                conf = np.sort(probabilities([r for r in uncovered if str(r.question.get("lang")) == lang], model))
                keep = int(np.ceil(options["uncovered_no_answer"] * len(conf)))
                if keep >= 1:
                    lang_threshold = max(lang_threshold, round(float(conf[keep - 1]) + 0.005, 2))
                by_lang[lang] = lang_threshold
            if by_lang:
                # Questions in another language (and MedQuAD's) use the strictest.
                model["threshold"] = max(by_lang.values())
                model["threshold_by_lang"] = by_lang
            return model

        calibration = fit(groups)
        calibration["cross_margin"] = 0.3
        counts = {name: len(rows) for name, rows in groups.items()}
        calibration["fitted_on"] = (
            f"helpline calibrate-answers on: {len(dev)} MedQuAD dev questions ({options['questions']}) against "
            f"{len(passages)} corpus passages; {len(extra)} extra questions ({', '.join(options['extra']) or '-'}); "
            f"{len(off_topic)} off-topic questions; {len(kb_used)} knowledge-base questions (split=calibration "
            f"or no split) from {', '.join(options['kb_questions']) or '-'} against {len(kb)} passages of "
            f"{_shown_path(content)}/ ({kb_dropped} left out: gold sections not in the content). Feature rows "
            f"(own and other language): {counts}. Label: an answering passage is among those shown. "
            f"Threshold: the lowest confidence at which, among answered questions, an answering passage is "
            f"shown for >= {targets['dev'][0]} and the first passage answers for >= {targets['dev'][1]} of the "
            f"MedQuAD dev questions, and an answering passage is shown for >= {targets['kb'][0]} of the "
            f"knowledge-base questions (uncovered ones count as wrong when answered), and at least "
            f"{options['uncovered_no_answer']} of the uncovered knowledge-base questions get no answer; both "
            f"per question language (threshold_by_lang; the strictest for other questions); uncovered "
            f"questions weigh {UNCOVERED_WEIGHT} times in the fit."
        )
        self.stdout.write(json.dumps(calibration, indent=1))
        self.stdout.write(self._report(groups, calibration))
        if options["folds"]:
            self._cross_validate(groups, dev, options["folds"], fit)
        if options["write"]:
            path = Path(retrieval.__file__).with_name("calibration.json")
            path.write_text(json.dumps(calibration, indent=1) + "\n")
            self.stdout.write(f"written to {path}")

    def _report(self, groups: dict, model: dict) -> str:
        """Answered share and precision per group at a few thresholds (first ranking only)."""
        lines = [f"in-sample, first ranking of each question; chosen threshold {model['threshold']}:",
                 "  threshold " + "  ".join(f"{name:>26}" for name in groups)]
        for t in sorted({0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, model["threshold"]}):
            cells = []
            for name, rows in groups.items():
                rows = [r for r in rows if r.primary]
                conf = probabilities(rows, model) if rows else np.zeros(0)
                mask = conf >= t
                answerable = [r for r in rows if r.question.get("gold", True)]
                n = max(len(answerable), 1)
                shown_ok = sum(r.label for r, m in zip(rows, mask) if m) / n
                prec = (sum(r.label for r, m in zip(rows, mask) if m) / mask.sum()) if mask.any() else float("nan")
                cells.append(f"ans {mask.mean() if len(rows) else 0:.2f} ok {shown_ok:.2f} p@3 {prec:.2f}")
            lines.append(f"  {t:9.2f} " + "  ".join(f"{c:>26}" for c in cells))
        return "\n".join(lines)

    def _cross_validate(self, groups: dict, dev: list[dict], folds: int, fit) -> None:
        docs = sorted({_document(q) for q in dev})
        rng = np.random.default_rng(12)
        rng.shuffle(docs)
        fold_of = {d: n % folds for n, d in enumerate(docs)}
        answered = correct = top1 = total = 0
        for k in range(folds):
            train = {name: [r for r in rows if name != "dev" or fold_of[_document(r.question)] != k]
                     for name, rows in groups.items()}
            test = [r for r in groups["dev"] if fold_of[_document(r.question)] == k and r.primary]
            model = fit(train)
            conf = probabilities(test, model) if test else np.zeros(0)
            mask = conf >= (model.get("threshold_by_lang") or {}).get("en", model["threshold"])
            answered += int(mask.sum())
            correct += int(sum(r.label for r, m in zip(test, mask) if m))
            top1 += int(sum(r.top1 for r, m in zip(test, mask) if m))
            total += len(test)
        self.stdout.write(
            f"cross-validation by MedQuAD document ({folds} folds, {len(docs)} documents): held-out answered "
            f"{answered / max(total, 1):.3f}, precision@3 among answered {correct / max(answered, 1):.3f}, "
            f"top passage right among answered {top1 / max(answered, 1):.3f}")
