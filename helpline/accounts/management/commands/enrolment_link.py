"""``helpline enrolment_link USERNAME``: a one-time link to set up an authenticator.

For the server's operator, e.g. for the first administrator after
``createsuperuser`` (nobody can issue one from the staff pages yet). Later,
administrators issue links from the person's page at /<lang>/staff/people/.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from helpline.accounts import services


class Command(BaseCommand):
    help = "Print a one-time link (expires in 24 hours) to set up USERNAME's authenticator."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--base-url", default="",
                            help="put this in front of the path, e.g. https://helpline.example")

    def handle(self, *args, **options) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None or not user.is_active:
            raise CommandError(f"No active account {options['username']!r}.")
        with translation.override("en"):
            link = services.enrolment_link_for_operator(user)
        self.stdout.write(options["base_url"].rstrip("/") + link)
