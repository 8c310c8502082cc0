"""helpline train-triage [--medquad DIR] [--check]: fit the urgent classifier and report how it does on unseen halves."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from helpline.answers import triage, triage_model
from helpline.answers.retrieval import Embedder, default_embedder


class Command(BaseCommand):
    help = (
        "Fit the urgent classifier (the second net's trained heads) on the labelled messages and write "
        "helpline/answers/data/triage_model.npz. Prints leave-one-half-out figures on the triage stress set."
    )

    def add_arguments(self, parser):
        base = Path(settings.BASE_DIR)
        parser.add_argument("--medquad", default=str(base.parent / "shared" / "eval" / "medquad"),
                            help="folder with cancergov_dev.jsonl and other_sources.jsonl (questions that are never urgent)")
        parser.add_argument("--stress", default=str(base / "helpline" / "answers" / "tests" / "data"),
                            help="folder of the triage stress set (triage_stress*.jsonl)")
        parser.add_argument("--dev", default=str(base / "tests" / "data" / "answers"),
                            help="development set folder (only its calibration rows are read)")
        parser.add_argument("--calm", action="append", default=None,
                            help="ordinary messages that are not urgent (JSON Lines with text); default data/triage_calm.jsonl")
        parser.add_argument("--exclude-half", action="append", default=[],
                            help="leave a stress half out of the fit (to measure it first-sight later)")
        parser.add_argument("--other-sample", type=int, default=1500,
                            help="questions drawn (seeded) from other_sources.jsonl")
        parser.add_argument("--positive-weight", type=float, default=triage_model.POSITIVE_WEIGHT,
                            help="weight of an urgent row in the fit (0: as many as the calm rows together)")
        parser.add_argument("--l2", type=float, default=triage_model.L2)
        parser.add_argument("--out", default=str(triage_model.MODEL_PATH))
        parser.add_argument("--no-report", action="store_true", help="skip the leave-one-half-out figures")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        medquad, stress = Path(options["medquad"]), Path(options["stress"])
        questions = [medquad / "cancergov_dev.jsonl"]
        if not questions[0].exists():
            raise CommandError(f"{questions[0]} not found: pass --medquad with the MedQuAD development split")
        stress_files = sorted(stress.glob("triage_stress*.jsonl"))
        if not stress_files:
            raise CommandError(f"no triage_stress*.jsonl in {stress}")
        data = Path(__file__).resolve().parents[2] / "tests" / "data"
        rows = (
            triage_model.exemplar_rows(triage.EXEMPLARS_PATH)
            + [r for r in triage_model.stress_rows(stress_files) if r.group not in options["exclude_half"]]
            + triage_model.development_rows(Path(options["dev"]))
            + triage_model.question_rows([data / "kb_questions.jsonl", data / "everyday_english.jsonl",
                                          data / "spanish_questions.jsonl", questions[0]])
            + triage_model.question_rows([medquad / "other_sources.jsonl"], sample=options["other_sample"])
            + triage_model.calm_rows([Path(p) for p in options["calm"]] if options["calm"] is not None
                                     else [p for p in [triage_model.CALM_PATH] if p.exists()])
        )
        weight = options["positive_weight"] or None
        vectors = default_embedder().encode([r.text for r in rows]).astype("float64")
        report = {}
        if not options["no_report"]:
            report = triage_model.leave_one_half_out(rows, vectors, _flag, l2=options["l2"], positive_weight=weight)
        model = triage_model.train(rows, vectors, encoder=Embedder.name, l2=options["l2"], positive_weight=weight)
        model.info["excluded_halves"] = sorted(options["exclude_half"])
        model.save(Path(options["out"]))
        if options["json"]:
            self.stdout.write(json.dumps({"model": model.info, "leave_one_half_out": report}, ensure_ascii=False))
            return
        self.stdout.write(f"wrote {options['out']}: {model.info['rows']} rows, {model.info['urgent_rows']} urgent, "
                          f"{model.info['crisis_rows']} crisis; groups {model.info['groups']}")
        for half, r in report.items():
            self.stdout.write(f"  half {half}: classifier alone (after the context checks): urgent recall "
                              f"{r['urgent_recall']} ({r['urgent']}), crisis {r['crisis_recall']} ({r['crisis']}), "
                              f"traps flagged {r['traps_flagged']} ({r['traps']})")


def _flag(text: str, p_urgent: float, p_crisis: float) -> tuple[bool, bool]:
    """The classifier's decision with these probabilities, after the same context checks as at run time."""
    discounted = bool(triage.mentioned_signs(text)) and not triage.rule_signs(text)
    return triage.classifier_decision(text, p_urgent, p_crisis, discounted=discounted)
