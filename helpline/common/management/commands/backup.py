"""``helpline backup DEST``: a consistent backup of the database and the var/ files that matter."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from helpline.common.backup import BackupError, backup


class Command(BaseCommand):
    help = ("Write a backup (.tar.gz) of the database and the secret key to DEST (a file, or a "
            "directory for a time-stamped file). Safe while the server runs.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("dest", help="A file name, or a directory.")
        parser.add_argument("--include-pdf-cache", action="store_true",
                            help="Also keep the rendered PDFs (they can be rebuilt).")

    def handle(self, *args, dest: str, include_pdf_cache: bool, **options):
        try:
            manifest = backup(Path(dest), include_pdf_cache=include_pdf_cache)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup written: {manifest['path']} ({manifest['engine']})")
