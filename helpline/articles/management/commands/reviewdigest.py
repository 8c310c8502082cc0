"""Weekly e-mail to medical reviewers: articles whose review is due within 30 days.

Scheduled by deploy/systemd/helpline-review-digest.timer (Mondays 07:00).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from helpline.articles import services


class Command(BaseCommand):
    help = "E-mail medical reviewers the articles whose review is due within N days (default 30)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=services.REVIEW_DIGEST_DAYS)

    def handle(self, *args, days: int, **options) -> None:
        if days < 1 or days > 366:
            self.stderr.write("--days must be between 1 and 366")
            raise SystemExit(2)
        sent = services.review_digest_send(days=days, site_url=settings.OUTREACH_SITE_URL)
        self.stdout.write(f"Review digest sent to {sent} reviewer(s).")
