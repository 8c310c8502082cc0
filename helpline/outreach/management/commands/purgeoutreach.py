from django.core.management.base import BaseCommand

from helpline.outreach.services import outreach_purge


class Command(BaseCommand):
    help = ("Delete newsletter sign-ups never confirmed after 30 days and volunteer interest "
            "older than the retention period. Run daily.")

    def handle(self, *args, **options) -> None:
        counts = outreach_purge()
        self.stdout.write(", ".join(f"{k}: {v} deleted" for k, v in counts.items()))
