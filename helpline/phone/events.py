"""Phone events, sent only after the transaction that caused them commits."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

# Sent with ``contact`` (a PhoneContact) and ``change`` (the transition's name).
contact_changed = Signal()
# Sent with ``user_id`` and ``busy`` when a specialist's agent line takes or ends a call.
agent_changed = Signal()


def contact(contact_obj, change: str) -> None:
    transaction.on_commit(
        lambda: contact_changed.send(sender=type(contact_obj), contact=contact_obj, change=change)
    )


def agent(user_id: int, busy: bool) -> None:
    transaction.on_commit(lambda: agent_changed.send(sender=None, user_id=user_id, busy=busy))
