"""Newsletter subscribers and issues, volunteer interest, and donations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LANGUAGE_CHOICES = [("en", _("English")), ("es", _("Spanish"))]


class Subscriber(models.Model):
    """One e-mail address. Consent is stored when the address confirms (double opt-in)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    email = models.EmailField(max_length=254, unique=True)  # stored lower-cased
    language = models.CharField(max_length=2, choices=LANGUAGE_CHOICES, default="en")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    requested_at = models.DateTimeField(default=timezone.now)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_source = models.CharField(max_length=200, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email


class NewsletterIssue(models.Model):
    subject_en = models.CharField(max_length=200)
    body_en = models.TextField(help_text="Plain text.")
    subject_es = models.CharField(max_length=200)
    body_es = models.TextField(help_text="Plain text.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    send_started_at = models.DateTimeField(null=True, blank=True)
    send_finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("send_newsletterissue", "Can send a newsletter issue")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject_en}"

    def subject(self, language: str) -> str:
        return self.subject_es if language == "es" else self.subject_en

    def body(self, language: str) -> str:
        return self.body_es if language == "es" else self.body_en


class Delivery(models.Model):
    """One issue to one address. The row is claimed (committed) before the SMTP
    send and marked sent after it; the unique constraint means an address can be
    claimed once per issue, so it is never sent twice (at-most-once)."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Claimed (sending, or interrupted)")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Refused by the mail server")

    issue = models.ForeignKey(NewsletterIssue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, null=True, on_delete=models.SET_NULL,
                                   related_name="deliveries")
    email = models.EmailField(max_length=254)
    language = models.CharField(max_length=2)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.CLAIMED)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["issue", "email"], name="one_delivery_per_address"),
        ]

    def __str__(self) -> str:
        return f"{self.issue_id} → {self.email} ({self.status})"


class VolunteerInterest(models.Model):
    AREAS = [
        ("peer_support", _("Peer support (I have been a patient or caregiver)")),
        ("events", _("Events and fundraising")),
        ("translation", _("Translation and review of Spanish materials")),
        ("office", _("Office and administrative help")),
        ("rides", _("Driving patients to treatment")),
        ("advocacy", _("Advocacy and awareness")),
    ]
    AVAILABILITY = [
        ("weekdays", _("Weekdays")),
        ("evenings", _("Weekday evenings")),
        ("weekends", _("Weekends")),
        ("occasional", _("Now and then")),
    ]

    name = models.CharField(max_length=120)
    email = models.EmailField(max_length=254)
    zip_code = models.CharField(max_length=5)
    areas = models.JSONField(default=list)
    availability = models.JSONField(default=list)
    languages = models.JSONField(default=list)
    note = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.created_at:%Y-%m-%d})"


class Donation(models.Model):
    """A payment Stripe reported through a verified webhook. Recorded once."""

    class Frequency(models.TextChoices):
        ONCE = "once", _("One-time")
        MONTHLY = "monthly", _("Monthly")

    stripe_event_id = models.CharField(max_length=100, unique=True)
    # Checkout Session id (first payment) or Invoice id (monthly renewals).
    stripe_object_id = models.CharField(max_length=100, unique=True)
    amount_minor = models.PositiveBigIntegerField(help_text="In the currency's smallest unit.")
    currency = models.CharField(max_length=3)
    frequency = models.CharField(max_length=8, choices=Frequency.choices)
    livemode = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.amount_minor / 100:.2f} {self.currency.upper()} ({self.frequency})"

    @property
    def amount(self) -> float:
        return self.amount_minor / 100
