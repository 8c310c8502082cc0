"""Reads for staff pages: volunteers (and CSV), donations, subscribers."""

from __future__ import annotations

import csv
import io

from django.db.models import Count, Sum

from helpline.common import audit
from helpline.common.exceptions import NotAllowed

from .models import Delivery, Donation, NewsletterIssue, VolunteerInterest


def _require(user, perm: str) -> None:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perm):
        raise NotAllowed()


def volunteer_list(user) -> list[VolunteerInterest]:
    _require(user, "outreach.view_volunteerinterest")
    return list(VolunteerInterest.objects.all())


def _csv_cell(value: object) -> str:
    text = "; ".join(value) if isinstance(value, list) else str(value)
    # Spreadsheets run cells starting with these as formulas.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def volunteer_csv(user) -> str:
    rows = volunteer_list(user)
    audit.record(user, "outreach.volunteer_export", data={"rows": len(rows)})
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["created_at", "name", "email", "zip_code", "areas", "availability",
                     "languages", "note"])
    for v in rows:
        writer.writerow([_csv_cell(x) for x in (
            v.created_at.isoformat(timespec="seconds"), v.name, v.email, v.zip_code, v.areas,
            v.availability, v.languages, v.note)])
    return out.getvalue()


def donation_summary(user) -> dict:
    _require(user, "outreach.view_donation")
    qs = Donation.objects.all()
    totals = list(qs.values("currency", "frequency").annotate(n=Count("id"), total=Sum("amount_minor"))
                  .order_by("currency", "frequency"))
    for row in totals:
        row["total_major"] = (row["total"] or 0) / 100
    return {"recent": list(qs[:50]), "totals": totals}


def issue_delivery_counts(issue: NewsletterIssue) -> dict[str, int]:
    counts = dict(Delivery.objects.filter(issue=issue).values_list("status").annotate(n=Count("id")))
    return {status: counts.get(status, 0) for status in Delivery.Status.values}
