"""Reads: the public resource search, staff lists and referral counts."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from helpline.common.exceptions import ApplicationError, NotAllowed

from .geo import haversine_miles, normalize_zip, zip_info
from .models import STALE_AFTER_DAYS, Need, ReferralItem, Resource

# Sort tiers: services near the ZIP code first (by distance), then services that
# cover the whole state, then nationwide services. Within a tier: by name.
TIER_LOCAL, TIER_STATE, TIER_NATIONAL, TIER_UNPLACED = 0, 1, 2, 3


class UnknownZipCode(ApplicationError):
    def __init__(self, zip_code: str) -> None:
        super().__init__(
            _("We could not find the ZIP code “%(zip)s”. Check it and try again, "
              "or leave it empty to see services available everywhere.") % {"zip": zip_code[:10]},
            code="unknown_zip",
        )


class UnknownNeed(ApplicationError):
    def __init__(self) -> None:
        super().__init__(_("Choose a kind of help from the list."), code="unknown_need")


@dataclass
class ResourceMatch:
    resource: Resource
    distance_miles: float | None
    tier: int

    @property
    def is_national(self) -> bool:
        return self.resource.area == Resource.Area.NATIONAL


def search_resources(
    need: str | None = None, zip_code: str | None = None, language: str | None = None
) -> list[ResourceMatch]:
    """Active resources for a need, near a ZIP code, serving a language.

    Nationwide services are always listed (when they match need and language).
    With a ZIP code, state services are listed when the ZIP is in one of their
    states, and local services when the ZIP's centroid is within their radius;
    results are sorted by tier (local, state, national), then distance, then name.
    Without a ZIP code every matching service is listed, by name. Raises
    ``UnknownZipCode`` / ``UnknownNeed`` (ApplicationError) for bad input.
    """
    qs: QuerySet[Resource] = Resource.objects.filter(active=True)
    if need:
        if need not in Need.values:
            raise UnknownNeed()
        qs = qs.filter(need=need)
    origin = None
    if zip_code:
        zip_code = normalize_zip(zip_code)
        origin = zip_info(zip_code)
        if origin is None:
            raise UnknownZipCode(zip_code)
        # SQL prefilter; the exact rules are applied below.
        lat, lon, state = origin
        qs = qs.filter(
            Q(area=Resource.Area.NATIONAL)
            | Q(area=Resource.Area.STATES, states__icontains=state or "--")
            | Q(area=Resource.Area.RADIUS, box_south__lte=lat, box_north__gte=lat,
                box_west__lte=lon, box_east__gte=lon)
        )
    results: list[ResourceMatch] = []
    for resource in qs:
        if language and language not in resource.language_list:
            continue
        distance = None
        if resource.latitude is not None and origin is not None:
            distance = haversine_miles(origin[0], origin[1], resource.latitude, resource.longitude)
        if resource.area == Resource.Area.NATIONAL:
            tier = TIER_NATIONAL
        elif origin is None:
            tier = TIER_LOCAL if resource.area == Resource.Area.RADIUS else TIER_STATE
        elif resource.area == Resource.Area.STATES:
            if origin[2] not in resource.state_list:
                continue
            tier = TIER_STATE
        else:  # radius
            if distance is None or distance > (resource.radius_miles or 0):
                continue
            tier = TIER_LOCAL
        results.append(ResourceMatch(resource, distance, tier))
    if origin is None:
        results.sort(key=lambda m: (m.resource.name.casefold(), m.resource.pk))
    else:
        results.sort(
            key=lambda m: (
                m.tier,
                m.distance_miles if m.distance_miles is not None else 0.0,
                m.resource.name.casefold(),
                m.resource.pk,
            )
        )
    return results


def referred_resource_names(conversation_token) -> list[str]:
    """The names of the resources referred in a conversation (for chat's wrap-up)."""
    return list(ReferralItem.objects.filter(referral__conversation_token=conversation_token)
                .values_list("resource_name", flat=True))


# --- Resource cards (sent into a chat by a specialist) ------------------------

_PHONE_RUN = re.compile(r"\+?\d[\d\s().-]{5,}\d")


def _tel(phone: str) -> str:
    """The ``tel:`` target of a listed number ("1-800-555-0105 ext. 2" -> "18005550105")."""
    match = _PHONE_RUN.search(phone or "")
    if match is None:
        return ""
    digits = re.sub(r"\D", "", match.group(0))
    return ("+" + digits) if match.group(0).startswith("+") else digits


def _web(url: str) -> str:
    return url if re.match(r"https?://[^\s]+$", url or "", re.IGNORECASE) else ""


def resource_card(resource_id, language: str) -> dict | None:
    """What a chat card shows of one active resource, or None (unknown, inactive, bad id).

    The texts are in ``language`` where the entry has a translation, else in English;
    ``offers_lang`` / ``hours_lang`` say which. ``tel`` is the number for a ``tel:`` link
    and ``website`` is kept only when it is an http(s) address.
    """
    if isinstance(resource_id, bool):
        return None
    try:
        pk = int(str(resource_id).strip())
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**62:
        return None
    resource = Resource.objects.filter(pk=pk, active=True).first()
    if resource is None:
        return None

    def lang(field: str) -> str:
        return "es" if language == "es" and getattr(resource, f"{field}_es") else "en"

    hours = resource.hours(language)
    return {
        "resource": resource.pk,
        "name": resource.name,
        "offers": resource.description(language),
        "offers_lang": lang("description"),
        "phone": resource.phone,
        "tel": _tel(resource.phone),
        "website": _web(resource.website),
        "hours": hours,
        "hours_lang": lang("hours") if hours else "",
    }


def card_choices(language: str, limit: int = 300) -> list[dict]:
    """Active resources that serve ``language``, for the console's "Send a resource" list:
    ``{"id", "name", "need", "need_label"}``, by kind of help, then name."""
    labels = need_labels()
    rows = [{"id": m.resource.pk, "name": m.resource.name, "need": m.resource.need,
             "need_label": labels.get(m.resource.need, m.resource.need)}
            for m in search_resources(language=language)]
    rows.sort(key=lambda row: (row["need_label"].casefold(), row["name"].casefold(), row["id"]))
    return rows[:limit]


def need_labels() -> dict[str, str]:
    """{need code: its label in the active language} (the needs a resource can meet)."""
    return {code: str(label) for code, label in Need.choices}


def resources_by_ids(ids: list[int]) -> list[Resource]:
    by_id = {r.pk: r for r in Resource.objects.filter(pk__in=ids, active=True)}
    return [by_id[i] for i in ids if i in by_id]


def stale_cutoff(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=STALE_AFTER_DAYS)


def stale_resources(today: datetime.date | None = None) -> QuerySet[Resource]:
    return Resource.objects.filter(last_verified__lt=stale_cutoff(today))


def _require(user, perm: str) -> None:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perm):
        raise NotAllowed()


def staff_resource_list(user, *, stale_only: bool = False) -> list[Resource]:
    _require(user, "resources.view_resource")
    qs = stale_resources() if stale_only else Resource.objects.all()
    return list(qs.order_by("need", "name"))


def referral_totals_by_need(*, since: datetime.datetime, until: datetime.datetime,
                            language: str = "") -> list[tuple[str, int]]:
    """[(need label, referrals)] for referrals made in [since, until), most referred first
    (the supervisor dashboard's report; needs never referred are left out)."""
    qs = ReferralItem.objects.filter(referral__created_at__gte=since,
                                     referral__created_at__lt=until)
    if language:
        qs = qs.filter(referral__language=language)
    rows = qs.order_by().values_list("need").annotate(n=Count("id")).order_by("-n", "need")
    labels = dict(Need.choices)
    return [(str(labels.get(need, need)), n) for need, n in rows.values_list("need", "n")]


def referral_counts_by_need(
    user, since: datetime.datetime | None = None
) -> list[dict]:
    """[{"need", "label", "count"}] for every need, most referred first."""
    _require(user, "resources.view_referral")
    qs = ReferralItem.objects.all()
    if since is not None:
        qs = qs.filter(referral__created_at__gte=since)
    counts = dict(qs.values_list("need").annotate(n=Count("id")).values_list("need", "n"))
    rows = [{"need": value, "label": label, "count": counts.get(value, 0)}
            for value, label in Need.choices]
    rows.sort(key=lambda row: (-row["count"], str(row["label"])))
    return rows


def referral_for(user, pk: int):
    """A referral the user may send on: their own, or any with ``view_referral``."""
    from .models import Referral

    _require(user, "resources.add_referral")
    qs = Referral.objects.all()
    if not user.has_perm("resources.view_referral"):
        qs = qs.filter(created_by=user)
    return qs.filter(pk=pk).first()
