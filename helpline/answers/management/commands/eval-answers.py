"""helpline eval-answers QUESTIONS.jsonl --corpus CORPUS.jsonl [--corpus MORE.jsonl ...] [--json]"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from helpline.answers.evaluation import EvalInputError, corpus_passages, evaluate, read_jsonl


class Command(BaseCommand):
    help = (
        "Measure the answer service on MedQuAD-format JSONL files: recall@1, recall@5, MRR@10, "
        "answered share and precision at the calibrated threshold, latency per question."
    )

    def add_arguments(self, parser):
        parser.add_argument("questions", help="JSONL with qid, question, answer (and optional lang)")
        parser.add_argument("--corpus", action="append", required=True,
                            help="JSONL whose records' answer fields become passages (repeatable)")
        parser.add_argument("--json", action="store_true", help="print only the JSON line")

    def handle(self, *args, **options):
        try:
            questions = read_jsonl(options["questions"])
            passages = []
            for path in options["corpus"]:
                passages.extend(corpus_passages(read_jsonl(path), source=path))
        except EvalInputError as exc:
            raise CommandError(str(exc)) from exc
        if not passages:
            raise CommandError("The corpus has no passages (records need a non-empty 'answer').")
        quiet = options["json"]

        def progress(done, total):
            if not quiet:
                self.stderr.write(f"  {done}/{total} questions")

        if not quiet:
            self.stdout.write(f"Indexing {len(passages)} passages (embeddings cached in "
                              f"{settings.ANSWERS_INDEX_DIR}) ...")
        report = evaluate(questions, passages, cache_dir=settings.ANSWERS_INDEX_DIR, progress=progress)
        m = report.metrics
        keys = ["recall@1", "recall@5", "mrr@10", "answered", "answered_precision", "p50_ms", "p95_ms"]
        out = {key: (round(m[key], 4) if isinstance(m[key], float) else m[key]) for key in keys}
        if not quiet:
            self.stdout.write(f"passages: {report.passages}  newly embedded: {report.embedded}  "
                              f"index build: {report.build_seconds:.1f}s")
            self.stdout.write(f"questions: {m['questions']}  (urgent: {m['urgent']:.1%})")
            self.stdout.write(f"recall@1: {m['recall@1']:.3f}  recall@5: {m['recall@5']:.3f}  "
                              f"MRR@10: {m['mrr@10']:.3f}")
            precision = "n/a" if m["answered_precision"] is None else f"{m['answered_precision']:.3f}"
            self.stdout.write(f"answered: {m['answered']:.1%}  no_answer: {m['no_answer']:.1%}  "
                              f"precision among answered: {precision}")
            self.stdout.write(f"latency per question: p50 {m['p50_ms']:.1f} ms  p95 {m['p95_ms']:.1f} ms")
        self.stdout.write(json.dumps(out))
