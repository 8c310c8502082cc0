"""Resource directory entries and the referrals specialists make to them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

STALE_AFTER_DAYS = 365

zip_validator = RegexValidator(r"^\d{5}$", _("Enter a five-digit ZIP code."))


class Need(models.TextChoices):
    LODGING = "lodging", _("Lodging near treatment")
    TRANSPORTATION = "transportation", _("Rides to treatment")
    FINANCIAL = "financial", _("Financial help")
    INSURANCE = "insurance", _("Insurance help")
    CAREGIVER = "caregiver", _("Caregiver support")
    SUPPORT_GROUPS = "support_groups", _("Support groups")
    CLINICAL_TRIALS = "clinical_trials", _("Clinical-trial matching")
    WIGS = "wigs", _("Wigs and prostheses")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    LEGAL = "legal", _("Legal help")
    OTHER = "other", _("Other help")


class Resource(models.Model):
    class Area(models.TextChoices):
        NATIONAL = "national", _("Nationwide")
        STATES = "states", _("Certain states")
        RADIUS = "radius", _("Near a ZIP code")

    class Cost(models.TextChoices):
        FREE = "free", _("Free")
        SLIDING = "sliding", _("Sliding scale")
        FEE = "fee", _("Fee")

    name = models.CharField(max_length=200)
    provider = models.CharField(max_length=200)
    need = models.CharField(max_length=32, choices=Need.choices, db_index=True)
    description_en = models.TextField()
    description_es = models.TextField()
    how_to_apply_en = models.TextField(blank=True)
    how_to_apply_es = models.TextField(blank=True)
    eligibility_en = models.TextField(blank=True)
    eligibility_es = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    # When people can call or visit, as the provider states it ("Mon-Fri 9 a.m.-5 p.m. ET").
    hours_en = models.CharField(max_length=200, blank=True)
    hours_es = models.CharField(max_length=200, blank=True)
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    area = models.CharField(max_length=10, choices=Area.choices, default=Area.NATIONAL)
    states = models.CharField(
        max_length=200, blank=True, help_text="Two-letter state codes separated by commas (area 'states')."
    )
    zip_code = models.CharField(max_length=5, blank=True, validators=[zip_validator])
    radius_miles = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(3000)]
    )
    latitude = models.FloatField(null=True, blank=True, editable=False)
    longitude = models.FloatField(null=True, blank=True, editable=False)
    # The box around the service area (radius services), for a quick SQL prefilter.
    box_south = models.FloatField(null=True, blank=True, editable=False)
    box_north = models.FloatField(null=True, blank=True, editable=False)
    box_west = models.FloatField(null=True, blank=True, editable=False)
    box_east = models.FloatField(null=True, blank=True, editable=False)
    languages = models.CharField(
        max_length=100, default="en", help_text="Language codes served, separated by commas (en,es)."
    )
    cost = models.CharField(max_length=10, choices=Cost.choices, default=Cost.FREE)
    cost_note = models.CharField(max_length=200, blank=True)
    last_verified = models.DateField()
    active = models.BooleanField(default=True)
    is_sample = models.BooleanField(
        default=False, help_text="Part of the bundled sample set: not a real, verified service."
    )
    sample_key = models.SlugField(max_length=80, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(area="radius")
                | (models.Q(radius_miles__isnull=False) & ~models.Q(zip_code="")),
                name="resource_radius_needs_zip_and_radius",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    # --- language helpers -------------------------------------------------
    def _pick(self, field: str, language: str | None) -> str:
        if language == "es":
            return getattr(self, f"{field}_es") or getattr(self, f"{field}_en")
        return getattr(self, f"{field}_en")

    def description(self, language: str | None) -> str:
        return self._pick("description", language)

    def how_to_apply(self, language: str | None) -> str:
        return self._pick("how_to_apply", language)

    def eligibility(self, language: str | None) -> str:
        return self._pick("eligibility", language)

    def hours(self, language: str | None) -> str:
        return self._pick("hours", language)

    @property
    def language_list(self) -> list[str]:
        return [code.strip().lower() for code in self.languages.split(",") if code.strip()]

    @property
    def state_list(self) -> list[str]:
        return [code.strip().upper() for code in self.states.split(",") if code.strip()]

    def is_stale(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.last_verified < today - datetime.timedelta(days=STALE_AFTER_DAYS)

    def save(self, *args, **kwargs) -> None:
        from .geo import bounding_box, zip_centroid

        centroid = zip_centroid(self.zip_code) if self.zip_code else None
        self.latitude, self.longitude = centroid if centroid else (None, None)
        box = (bounding_box(centroid[0], centroid[1], self.radius_miles)
               if centroid and self.radius_miles else None)
        self.box_south, self.box_north, self.box_west, self.box_east = box or (None,) * 4
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"zip_code", "radius_miles"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "latitude", "longitude", "box_south",
                                       "box_north", "box_west", "box_east"}
        super().save(*args, **kwargs)


class Referral(models.Model):
    """A specialist pointed a visitor to some resources during a chat or callback.

    The conversation is kept as its token (a UUID) rather than a foreign key, so
    that this app's migrations do not depend on the chat app's, and a referral
    survives the conversation's deletion under the retention policy.
    """

    class Channel(models.TextChoices):
        CHAT = "chat", _("Chat")
        CALLBACK = "callback", _("Callback")
        PHONE = "phone", _("Phone")
        OTHER = "other", _("Other")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.OTHER)
    conversation_token = models.UUIDField(null=True, blank=True, db_index=True)
    callback_ref = models.CharField(max_length=64, blank=True, db_index=True)
    language = models.CharField(max_length=2, default="en")
    note = models.CharField(max_length=500, blank=True)
    resources = models.ManyToManyField(Resource, through="ReferralItem", related_name="referrals")
    emailed_at = models.DateTimeField(null=True, blank=True)
    sent_in_chat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Referral {self.pk} ({self.channel}, {self.created_at:%Y-%m-%d})"


class ReferralItem(models.Model):
    """One resource in a referral. ``need`` is copied so counts survive edits and deletions."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="items")
    resource = models.ForeignKey(Resource, null=True, on_delete=models.SET_NULL, related_name="+")
    resource_name = models.CharField(max_length=200)
    need = models.CharField(max_length=32, choices=Need.choices, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["referral", "resource"], name="referral_resource_once"),
        ]

    def __str__(self) -> str:
        return f"{self.resource_name} ({self.need})"
