import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from helpline.outreach.models import Subscriber, VolunteerInterest


@pytest.mark.django_db
def test_purge_keeps_only_what_is_needed(settings, capsys):
    settings.HELPLINE = {**settings.HELPLINE, "RETENTION_DAYS": 365}
    now = timezone.now()
    old = now - datetime.timedelta(days=31)
    Subscriber.objects.create(email="stale@example.org", requested_at=old)
    Subscriber.objects.create(email="fresh@example.org", requested_at=now)
    Subscriber.objects.create(email="reader@example.org", requested_at=old, status="confirmed",
                              consent_at=old)
    VolunteerInterest.objects.create(name="Old", email="o@example.org", zip_code="10001",
                                     created_at=now - datetime.timedelta(days=400))
    VolunteerInterest.objects.create(name="New", email="n@example.org", zip_code="10001")
    call_command("purgeoutreach")
    assert "pending_subscribers: 1 deleted, volunteer_interest: 1 deleted" in capsys.readouterr().out
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "fresh@example.org", "reader@example.org"]
    assert list(VolunteerInterest.objects.values_list("name", flat=True)) == ["New"]
