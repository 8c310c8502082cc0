"""Outreach's retention steps, run by ``helpline purge``: never-confirmed sign-ups go after
PENDING_SIGNUP_DAYS (30), the rest after the retention period (365)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from helpline.outreach.models import Subscriber, VolunteerInterest

STEPS = ["--only", "outreach.subscribers", "--only", "outreach.volunteers"]


@pytest.mark.django_db
def test_purge_keeps_only_what_is_needed(settings):
    settings.HELPLINE_RETENTION = {"DAYS": 365, "PENDING_SIGNUP_DAYS": 30}
    now = timezone.now()
    old = now - datetime.timedelta(days=31)
    Subscriber.objects.create(email="stale@example.org", requested_at=old)
    Subscriber.objects.create(email="fresh@example.org", requested_at=now)
    Subscriber.objects.create(email="reader@example.org", requested_at=old, status="confirmed",
                              consent_at=old)
    Subscriber.objects.create(email="left@example.org", requested_at=old, status="unsubscribed",
                              unsubscribed_at=old)
    VolunteerInterest.objects.create(name="Old", email="o@example.org", zip_code="10001",
                                     created_at=now - datetime.timedelta(days=400))
    VolunteerInterest.objects.create(name="New", email="n@example.org", zip_code="10001")
    out = io.StringIO()
    call_command("purge", *STEPS, stdout=out)
    counts = {line.split()[0]: int(line.split()[1]) for line in out.getvalue().splitlines()
              if line.startswith("  outreach.")}
    assert counts == {"outreach.subscribers": 1, "outreach.volunteers": 1}
    # The unsubscribed address is kept until the retention period (365 days) has passed.
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "fresh@example.org", "left@example.org", "reader@example.org"]
    assert list(VolunteerInterest.objects.values_list("name", flat=True)) == ["New"]


@pytest.mark.django_db
def test_a_shorter_retention_period_also_shortens_the_pending_one(settings):
    settings.HELPLINE_RETENTION = {"DAYS": 365, "PENDING_SIGNUP_DAYS": 30}
    ten_days = timezone.now() - datetime.timedelta(days=10)
    Subscriber.objects.create(email="recent@example.org", requested_at=ten_days)
    call_command("purge", *STEPS, stdout=io.StringIO())
    assert Subscriber.objects.count() == 1
    call_command("purge", "--days", "7", *STEPS, stdout=io.StringIO())
    assert Subscriber.objects.count() == 0
