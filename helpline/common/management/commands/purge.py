"""``helpline purge``: apply the retention period (HELPLINE_RETENTION_DAYS)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from helpline.common import purge
from helpline.common.audit import record


class Command(BaseCommand):
    help = ("Anonymize conversations, callbacks and other personal records older than the "
            "retention period. Use --dry-run first to see what would change.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true",
                            help="Only count what would change; write nothing.")
        parser.add_argument("--days", type=int, default=None,
                            help="Retention period in days (default: HELPLINE_RETENTION_DAYS).")
        parser.add_argument("--only", action="append", default=None, metavar="STEP",
                            help="Run only this step (repeatable). See --list.")
        parser.add_argument("--list", action="store_true", help="List the steps and exit.")

    def handle(self, *args, dry_run: bool, days: int | None, only, list: bool, **options):
        if list:
            for step in purge.steps():
                self.stdout.write(f"{step.name}: {step.description}")
            return
        try:
            cutoff = purge.cutoff_for(days)
            results = purge.run(days=days, dry_run=dry_run, only=only)
        except ValueError as error:
            raise CommandError(str(error)) from None
        mode = "DRY RUN: would change" if dry_run else "Changed"
        self.stdout.write(f"Retention cut-off: records before {cutoff:%Y-%m-%d %H:%M %Z}")
        total = 0
        for result in results:
            total += result.count
            self.stdout.write(f"  {result.name:<22} {result.count:>7}  {result.description}")
        self.stdout.write(f"{mode} {total} record(s).")
        if not dry_run:
            record(None, "common.purge",
                   data={"cutoff": cutoff.isoformat(), "days": days or purge.retention_days(),
                         "counts": {r.name: r.count for r in results}})
