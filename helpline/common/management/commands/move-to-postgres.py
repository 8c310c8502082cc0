"""``helpline move-to-postgres URL``: copy the embedded SQLite installation into PostgreSQL."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from helpline.common.backup import BackupError, move_to_postgres


class Command(BaseCommand):
    help = ("Copy the SQLite database into the empty PostgreSQL database at URL "
            "(postgres://user@host/name) and check the row counts of every table. Stop the "
            "server first; then set DATABASE_URL to URL.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("url", help="postgres://user@host:5432/name (an empty database)")

    def handle(self, *args, url: str, **options):
        try:
            report = move_to_postgres(url, progress=lambda text: self.stdout.write(text))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(a for a, _ in report.values())
        for table, (before, after) in report.items():
            if before:
                self.stdout.write(f"  {table}: {before} -> {after}")
        self.stdout.write(f"copied {rows} rows in {len(report)} tables; every count matches")
