"""Delete saved timelines whose private link has expired (run daily)."""

from django.core.management.base import BaseCommand

from helpline.journey.services import saved_timeline_purge_expired


class Command(BaseCommand):
    help = "Delete saved personal timelines whose link has expired."

    def handle(self, *args, **options):
        count = saved_timeline_purge_expired()
        self.stdout.write(f"Deleted {count} expired saved timeline(s).")
