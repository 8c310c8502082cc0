"""helpline calibrate-answers DEV.jsonl --corpus C.jsonl [...] [--extra Q.jsonl ...] [--kb-questions KB.jsonl] [--write]

Fits the confidence model the answer service uses to choose between "answered"
and "no_answer" (helpline/answers/calibration.json): a logistic regression on
the live search's features, and the threshold at which precision among
answered development questions reaches --target-precision.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from helpline.answers import retrieval
from helpline.answers.evaluation import (
    OFF_TOPIC, EvalInputError, corpus_passages, feature_rows, fit_calibration, read_jsonl,
)


class Command(BaseCommand):
    help = "Fit the answer service's confidence calibration on a development set."

    def add_arguments(self, parser):
        parser.add_argument("questions")
        parser.add_argument("--corpus", action="append", required=True)
        parser.add_argument("--extra", action="append", default=[],
                            help="more questions against the same corpus (e.g. Spanish versions)")
        parser.add_argument("--kb-questions", default=None,
                            help="questions about the loaded knowledge base with gold article#anchor")
        parser.add_argument("--target-precision", type=float, default=0.92)
        parser.add_argument("--write", action="store_true", help="write calibration.json")

    def handle(self, *args, **options):
        try:
            dev = read_jsonl(options["questions"])
            extra = [q for path in options["extra"] for q in read_jsonl(path)]
            passages = [p for path in options["corpus"] for p in corpus_passages(read_jsonl(path), source=path)]
            kb = read_jsonl(options["kb_questions"]) if options["kb_questions"] else []
        except EvalInputError as exc:
            raise CommandError(str(exc)) from exc
        index = retrieval.Index.build(passages, cache_dir=settings.ANSWERS_INDEX_DIR)
        off_topic = [{"question": q, "lang": lang, "answer": "\0"} for q, lang in OFF_TOPIC]
        groups = {
            "dev": (feature_rows(dev, index), 1.0),
            "extra": (feature_rows(extra, index), 2.0),
            "off_topic": (feature_rows(off_topic, index), 5.0),
        }
        if kb:
            from helpline.answers.services import live_index

            groups["kb"] = (feature_rows(kb, live_index(), both_pools=True), 4.0)
        calibration = fit_calibration(groups, target_set="dev", target_precision=options["target_precision"])
        calibration["fitted_on"] = (
            f"calibrate-answers: {len(groups['dev'][0])} dev questions, {len(groups['extra'][0])} extra, "
            f"{len(groups.get('kb', ([], 0))[0])} knowledge-base rows, {len(off_topic)} off-topic; "
            f"threshold = lowest confidence with dev precision >= {options['target_precision']}"
        )
        text = json.dumps(calibration, indent=1)
        self.stdout.write(text)
        if options["write"]:
            path = Path(retrieval.__file__).with_name("calibration.json")
            path.write_text(text + "\n")
            self.stdout.write(f"written to {path}")
