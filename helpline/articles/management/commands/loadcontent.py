from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from helpline.articles import services
from helpline.articles.markup import ContentError
from helpline.articles.models import ArticleVersion


class Command(BaseCommand):
    help = "Load the bundled article files (content/articles/*.md). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", default=None,
                            help="Folder of article files (default: content/articles)")
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing when articles are already in the database.")

    def handle(self, *args, directory=None, if_empty=False, **options):
        if if_empty and ArticleVersion.objects.exists():
            self.stdout.write("Articles already loaded; nothing to do.")
            return
        folder = Path(directory) if directory else settings.CONTENT_DIR / "articles"
        if not folder.is_dir():
            raise CommandError(f"No such folder: {folder}")
        try:
            report = services.content_load_directory(folder)
        except ContentError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Articles: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged."
        )
