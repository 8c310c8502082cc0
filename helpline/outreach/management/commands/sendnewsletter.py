from django.core.management.base import BaseCommand, CommandError

from helpline.common.exceptions import ApplicationError
from helpline.outreach.models import NewsletterIssue
from helpline.outreach.services import newsletter_send


class Command(BaseCommand):
    help = ("Send a newsletter issue to confirmed subscribers in their language, in batches. "
            "Safe to run again after a crash: it resumes and never sends an issue twice to "
            "one address.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("issue_id", type=int)
        parser.add_argument("--batch-size", type=int, default=50,
                            help="Messages per SMTP connection (default 50).")
        parser.add_argument("--pause", type=float, default=0.0,
                            help="Seconds to wait between batches (default 0).")
        parser.add_argument("--retry-failed", action="store_true",
                            help="Try again the addresses the mail server refused.")
        parser.add_argument("--base-url", default=None,
                            help="Site address for links (default: settings.OUTREACH_SITE_URL).")

    def handle(self, *args, **options) -> None:
        issue = NewsletterIssue.objects.filter(pk=options["issue_id"]).first()
        if issue is None:
            raise CommandError(f"No newsletter issue {options['issue_id']}.")
        verbosity = options["verbosity"]

        def progress(report) -> None:
            if verbosity > 1:
                self.stdout.write(f"sent {report.sent}")

        try:
            report = newsletter_send(
                None, issue, batch_size=options["batch_size"], pause=options["pause"],
                retry_failed=options["retry_failed"], base_url=options["base_url"],
                progress=progress,
            )
        except ApplicationError as exc:
            raise CommandError(f"Stopped: {exc.message}") from exc
        self.stdout.write(
            f"Issue {issue.pk}: {report.sent} sent now in {report.batches} batch(es), "
            f"{report.already_sent} sent before, {report.failed} refused, "
            f"{report.skipped} skipped, {report.interrupted} interrupted earlier "
            f"(not re-sent: outcome unknown)."
        )
