from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from helpline.articles import services
from helpline.articles.models import ArticleVersion


class _Operator:
    """The person at the console: allowed to export, recorded as 'system'."""

    is_authenticated = False
    pk = None

    def has_perm(self, perm: str) -> bool:
        return True


class Command(BaseCommand):
    help = "Print an article version in the content-file format."

    def add_arguments(self, parser):
        parser.add_argument("key")
        parser.add_argument("lang", choices=["en", "es"])
        parser.add_argument("--as-user", default=None, help="Export as this staff username.")

    def handle(self, key, lang, as_user=None, **options):
        try:
            version = ArticleVersion.objects.select_related("article__topic").get(
                article__key=key, language=lang)
        except ArticleVersion.DoesNotExist as exc:
            raise CommandError(f"No {lang} version of {key!r}") from exc
        actor = _Operator()
        if as_user:
            actor = get_user_model().objects.filter(username=as_user).first()
            if actor is None:
                raise CommandError(f"No user {as_user!r}")
        self.stdout.write(services.content_export(actor, version), ending="")
