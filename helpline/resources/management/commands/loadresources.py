from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from helpline.resources.services import SAMPLE_FILE, load_sample_resources


class Command(BaseCommand):
    help = "Load the bundled SAMPLE resource directory (marked as sample data). Idempotent."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing when the directory already has entries.")
        parser.add_argument("--file", default=str(SAMPLE_FILE), help="JSON file to load.")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        try:
            created, updated = load_sample_resources(path, if_empty=options["if_empty"])
        except (ValueError, KeyError) as exc:
            raise CommandError(f"Invalid resource file {path}: {exc}") from exc
        self.stdout.write(f"Sample resources: {created} created, {updated} updated.")
