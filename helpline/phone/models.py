"""The phone line: calls logged by specialists, and the Twilio voice integration's records.

Writes go through ``helpline.phone.services``; reads through ``helpline.phone.selectors``.
Nothing here stores a caller's phone number: a caller who asks to be called back
becomes a callback request in the chat app's queue (which the retention policy clears).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PhoneContact(models.Model):
    """One phone call with a caller, logged by hand or created by the voice integration."""

    class Source(models.TextChoices):
        LOGGED = "logged", _("Logged by a specialist")
        TWILIO = "twilio", _("Voice integration")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting in the phone queue")
        ACTIVE = "active", _("In progress")
        ENDED = "ended", _("Ended: to complete")
        COMPLETED = "completed", _("Completed")
        ABANDONED = "abandoned", _("Caller hung up while waiting")
        CALLBACK = "callback", _("Caller asked for a callback")

    class CallerType(models.TextChoices):
        PATIENT = "patient", _("Patient")
        CAREGIVER = "caregiver", _("Caregiver")
        FAMILY = "family", _("Family member")
        FRIEND = "friend", _("Friend")
        PROFESSIONAL = "professional", _("Health professional")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        ANSWERED = "answered", _("Answered")
        REFERRED = "referred", _("Referred")
        CALLBACK_NEEDED = "callback_needed", _("Callback needed")
        EMERGENCY = "emergency", _("Transferred to 911/988")

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.LOGGED)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE,
                              db_index=True)
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="phone_contacts",
    )
    language = models.CharField(max_length=2, default="en")
    caller_type = models.CharField(max_length=12, choices=CallerType.choices, blank=True)
    topics = models.JSONField(default=list, blank=True)
    urgent = models.BooleanField(default=False)
    urgent_signs = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    # ids of helpline.resources Referral rows made from this call (no cross-app foreign key).
    referral_ids = models.JSONField(default=list, blank=True)
    resource_ids = models.JSONField(default=list, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    # A callback request (chat Conversation token) this call answers or created.
    # The callback request in the chat queue (its id: staff never see conversation tokens).
    callback_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    # Voice integration only.
    call_sid = models.CharField(max_length=64, null=True, blank=True, unique=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    wait_seconds = models.PositiveIntegerField(null=True, blank=True)
    handle_seconds = models.PositiveIntegerField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "language", "queued_at"],
                                name="phone_queue_idx")]

    def __str__(self) -> str:
        return f"Phone contact {str(self.token)[:8]} ({self.status})"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.ACTIVE, self.Status.ENDED)


class PhoneAgent(models.Model):
    """A specialist's agent line: the phone they call from, verified, and a hashed PIN."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="phone_agent")
    phone_number = models.CharField(max_length=16, unique=True)  # E.164
    pin_hash = models.CharField(max_length=128)
    verification_hash = models.CharField(max_length=128, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    # The agent-line call in progress; set while they are connected to (or taking) a caller.
    busy_call_sid = models.CharField(max_length=64, blank=True, db_index=True)
    busy_since = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Agent line of {self.user}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def is_busy(self) -> bool:
        return bool(self.busy_call_sid)


class CallEvent(models.Model):
    """A voice webhook already applied, by call and kind: a replay finds it and changes nothing."""

    call_sid = models.CharField(max_length=64)
    kind = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["call_sid", "kind"],
                                               name="phone_event_once")]

    def __str__(self) -> str:
        return f"{self.call_sid} {self.kind}"
