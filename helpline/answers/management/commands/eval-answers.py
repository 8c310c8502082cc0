"""helpline eval-answers QUESTIONS.jsonl [MORE.jsonl ...] [--corpus CORPUS.jsonl ...] [--content DIR]
       [--split calibration|heldback] [--half A|B|C|D|E|F|G] [--urgent U.jsonl] [--traps T.jsonl] [--json]

With --corpus: MedQuAD-format questions against the corpus records' answers.
Without --corpus: knowledge-base questions (gold ["article-key#anchor"], [] for
questions the content does not cover) against the bundled articles (or --content).
--urgent / --traps add urgent recall and precision of the triage. One file can be given to
both when its rows carry a category (``not_urgent`` rows are the traps), as the triage
stress set does; --half keeps one part of a set whose rows carry a half (A, B; C to G for later unseen sets).
The last line printed is one JSON object with every figure, overall and per language.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from helpline.answers.evaluation import (
    EvalInputError,
    corpus_passages,
    evaluate,
    evaluate_triage,
    kb_passages,
    kb_rows,
    read_jsonl,
    select_half,
    select_split,
    trap_messages,
    urgent_messages,
)

KEYS = ["questions", "answerable", "recall@1", "recall@5", "mrr@10", "answered", "answered_precision",
        "answered_precision@3", "answered_with_answer_shown", "uncovered", "uncovered_no_answer", "urgent",
        "p50_ms", "p95_ms"]


def _rounded(figures: dict) -> dict:
    out = {}
    for key, value in figures.items():
        if isinstance(value, dict):
            out[key] = _rounded(value)
        elif isinstance(value, float):
            out[key] = round(value, 4)
        else:
            out[key] = value
    return out


class Command(BaseCommand):
    help = (
        "Measure the answer service: recall@1/5, MRR@10, answered share, precision among answered "
        "(top passage, and any of the passages shown), no_answer for uncovered questions, per language, "
        "latency per question; with --urgent/--traps, urgent recall and precision."
    )

    def add_arguments(self, parser):
        parser.add_argument("questions", nargs="*", help="JSONL question files")
        parser.add_argument("--corpus", action="append", default=[],
                            help="MedQuAD-format JSONL whose records' answers become passages (repeatable)")
        parser.add_argument("--content", default=None, help="article files for knowledge-base questions")
        parser.add_argument("--split", default=None, choices=["calibration", "heldback"],
                            help="only rows of this split (rows without a split always count)")
        parser.add_argument("--half", default=None, choices=["A", "B", "C", "D", "E", "F", "G", "H"],
                            help="only rows of this half (rows without a half always count)")
        parser.add_argument("--urgent", action="append", default=[], help="urgent messages (JSONL)")
        parser.add_argument("--traps", action="append", default=[], help="messages that are not urgent (JSONL)")
        parser.add_argument("--json", action="store_true", help="print only the JSON line")

    def handle(self, *args, **options):
        quiet = options["json"]
        split, half = options["split"], options["half"]

        def rows(path: str) -> list[dict]:
            return select_half(select_split(read_jsonl(path), split), half)

        try:
            questions = [q for path in options["questions"] for q in rows(path)]
            urgent = [q for path in options["urgent"] for q in urgent_messages(rows(path))]
            traps = [q for path in options["traps"] for q in trap_messages(rows(path))]
            if options["corpus"]:
                passages = [p for path in options["corpus"] for p in corpus_passages(read_jsonl(path), source=path)]
            elif questions:
                passages = kb_passages(Path(options["content"] or settings.CONTENT_DIR / "articles"))
            else:
                passages = []
        except EvalInputError as exc:
            raise CommandError(str(exc)) from exc
        if not questions and not urgent and not traps:
            raise CommandError("Give a question file, or --urgent / --traps files.")
        if questions and not passages:
            raise CommandError("The corpus has no passages (records need a non-empty 'answer').")
        out: dict = {}
        if questions:
            dropped = 0
            if not options["corpus"]:
                questions, dropped = kb_rows(questions, passages)

            def progress(done, total):
                if not quiet:
                    self.stderr.write(f"  {done}/{total} questions")

            if not quiet:
                self.stdout.write(f"Indexing {len(passages)} passages (embeddings cached in "
                                  f"{settings.ANSWERS_INDEX_DIR}) ...")
            report = evaluate(questions, passages, cache_dir=settings.ANSWERS_INDEX_DIR, progress=progress)
            m = report.metrics
            out = {key: m[key] for key in KEYS if key in m}
            out["by_lang"] = {lang: {key: f[key] for key in KEYS if key in f and key not in ("p50_ms", "p95_ms")}
                              for lang, f in m["by_lang"].items()}
            if dropped:
                out["left_out_missing_sections"] = dropped
            if not quiet:
                self.stdout.write(f"passages: {report.passages}  newly embedded: {report.embedded}  "
                                  f"index build: {report.build_seconds:.1f}s")
                self._print(out)
        if urgent or traps:
            out["triage"] = evaluate_triage(urgent, traps)
            if not quiet:
                t = out["triage"]
                self.stdout.write(f"triage: urgent recall {t['urgent_recall']}  precision {t['urgent_precision']}  "
                                  f"traps not urgent {t['traps_not_urgent']}  p95 {t.get('p95_ms', 0):.1f} ms")
        if split:
            out["split"] = split
        if half:
            out["half"] = half
        self.stdout.write(json.dumps(_rounded(out)))

    def _print(self, m: dict) -> None:
        def f(value, pct=False):
            if value is None:
                return "n/a"
            return f"{value:.1%}" if pct else f"{value:.3f}"

        self.stdout.write(f"questions: {m['questions']}  answerable: {m['answerable']}")
        self.stdout.write(f"recall@1: {f(m['recall@1'])}  recall@5: {f(m['recall@5'])}  MRR@10: {f(m['mrr@10'])}")
        self.stdout.write(f"answered: {f(m['answered'], True)}  precision among answered: top passage "
                          f"{f(m['answered_precision'])}, any shown {f(m['answered_precision@3'])}")
        if "uncovered" in m:
            self.stdout.write(f"uncovered: {m['uncovered']}  no_answer: {f(m['uncovered_no_answer'], True)}")
        for lang, fig in m["by_lang"].items():
            self.stdout.write(f"  {lang}: answered {f(fig['answered'], True)} with an answer shown "
                              f"{f(fig['answered_with_answer_shown'], True)}, precision@3 {f(fig['answered_precision@3'])}")
        self.stdout.write(f"latency per question: p50 {m['p50_ms']:.1f} ms  p95 {m['p95_ms']:.1f} ms")
