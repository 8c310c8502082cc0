"""Outreach's retention steps for ``helpline purge`` (registered from ``OutreachConfig.ready``).

Two periods apply (``settings.HELPLINE_RETENTION``):

* ``PENDING_SIGNUP_DAYS`` (30): a newsletter sign-up that was never confirmed is deleted
  after 30 days, or after the retention period if that is shorter. The person never gave
  consent, so the address is kept no longer than a confirmation could take.
* ``DAYS`` (365, the ``--days`` of ``helpline purge``): addresses that unsubscribed, delivery
  records and volunteer sign-ups older than the retention period.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from helpline.common import purge

from .models import Delivery, Subscriber, VolunteerInterest


def pending_cutoff(cutoff: dt.datetime, now: dt.datetime | None = None) -> dt.datetime:
    """The later of the retention cut-off and PENDING_SIGNUP_DAYS ago."""
    pending = (now or timezone.now()) - dt.timedelta(days=purge.period_days("PENDING_SIGNUP_DAYS"))
    return max(cutoff, pending)


@purge.register("outreach.subscribers", "Newsletter: delete addresses that unsubscribed before "
                                        "the cut-off, and sign-ups never confirmed after "
                                        "PENDING_SIGNUP_DAYS")
def subscribers_purge(cutoff: dt.datetime, dry_run: bool) -> int:
    rows = Subscriber.objects.filter(
        Q(status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at__lt=cutoff)
        | Q(status=Subscriber.Status.PENDING, consent_at__isnull=True,
            requested_at__lt=pending_cutoff(cutoff))
    )
    if dry_run:
        return rows.count()
    return rows.delete()[0]


@purge.register("outreach.deliveries", "Newsletter: delete old per-address delivery records")
def deliveries_purge(cutoff: dt.datetime, dry_run: bool) -> int:
    rows = Delivery.objects.filter(claimed_at__lt=cutoff)
    if dry_run:
        return rows.count()
    return rows.delete()[0]


@purge.register("outreach.volunteers", "Volunteer sign-ups: delete those older than the cut-off")
def volunteers_purge(cutoff: dt.datetime, dry_run: bool) -> int:
    rows = VolunteerInterest.objects.filter(created_at__lt=cutoff)
    if dry_run:
        return rows.count()
    return rows.delete()[0]
