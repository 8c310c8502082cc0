"""The phone line's retention step for ``helpline purge`` (registered from ``PhoneConfig.ready``)."""

from __future__ import annotations

import datetime as dt

from helpline.common import purge

from .models import CallEvent, PhoneContact


@purge.register("phone.contacts", "Phone calls: clear notes and delete the voice webhook log "
                                  "(dates, language, topics, durations and outcomes stay)")
def phone_contacts_purge(cutoff: dt.datetime, dry_run: bool = False) -> int:
    """Clear notes of calls older than ``cutoff``; delete the webhook log."""
    rows = PhoneContact.objects.filter(created_at__lt=cutoff).exclude(notes="")
    events_old = CallEvent.objects.filter(created_at__lt=cutoff)
    count = rows.count() + events_old.count()
    if dry_run:
        return count
    rows.update(notes="")
    events_old.delete()
    return count
