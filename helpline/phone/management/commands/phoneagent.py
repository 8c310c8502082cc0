"""Set a specialist's agent line from the command line (for set-up and for testing the line).

    helpline phoneagent USERNAME +12125550177 --pin 2468 [--verified]

Without --verified the command prints the code the specialist keys in when they
first call the agent line from that number.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from helpline.common.exceptions import ApplicationError
from helpline.phone import services


class Command(BaseCommand):
    help = "Set a specialist's agent-line phone number and PIN."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("number", help="The phone they call from, e.g. +12125550177")
        parser.add_argument("--pin", required=True, help="4 to 8 digits")
        parser.add_argument("--verified", action="store_true",
                            help="Mark the number verified without a test call")

    def handle(self, *args, username: str, number: str, pin: str, verified: bool, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username!r}.")
        try:
            agent, code = services.agent_line_set(user, phone_number=number, pin=pin)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        if verified:
            services.agent_line_verify_by_operator(agent, note="phoneagent command")
            self.stdout.write(f"Agent line {agent.phone_number} of {username} is verified.")
        else:
            self.stdout.write(f"Agent line {agent.phone_number} of {username} saved. "
                              f"Verification code (key it in on the first call): {code}")
