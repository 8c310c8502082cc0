"""``helpline restore SRC``: put a backup into an empty database of the same engine."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from helpline.common.backup import BackupError, restore


class Command(BaseCommand):
    help = ("Restore a backup made by `helpline backup` into the configured database (it must be "
            "empty unless --force), and the secret key when the site has none.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("src", help="The backup file (.tar.gz).")
        parser.add_argument("--database-url", default=None,
                            help="Restore into this database instead of DATABASE_URL's.")
        parser.add_argument("--force", action="store_true",
                            help="Replace a database that holds data, and the secret key.")

    def handle(self, *args, src: str, database_url: str | None, force: bool, **options):
        try:
            manifest = restore(Path(src), database_url=database_url, force=force)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored the {manifest['engine']} backup of {manifest['created']}")
