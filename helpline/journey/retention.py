"""The timeline's retention step for ``helpline purge`` (registered from ``JourneyConfig.ready``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from helpline.common import purge

from .models import SavedTimeline


@purge.register("journey.saved_timelines", "delete saved personal timelines that expired or are "
                                           "older than the retention period")
def saved_timeline_purge(cutoff: dt.datetime, dry_run: bool = False) -> int:
    """Expired links, and any timeline saved before ``cutoff``."""
    rows = SavedTimeline.objects.filter(
        Q(expires_at__lte=timezone.now()) | Q(created_at__lt=cutoff)
    )
    if dry_run:
        return rows.count()
    deleted, _rows = rows.delete()
    return deleted
