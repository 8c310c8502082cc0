"""Live chat and callback requests: conversations, their messages, specialist presence.

Writes go through ``helpline.chat.services``; reads through ``helpline.chat.selectors``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Conversation(models.Model):
    """One contact with the helpline: a live chat or a callback request.

    Both kinds wait in the same queue (``status == "waiting"``), ordered urgent
    first, then by ``queued_at`` (oldest first). The visitor is identified only
    by ``token`` (an unguessable UUID4); the numeric id is never shown to them.
    """

    class Channel(models.TextChoices):
        CHAT = "chat", _("Live chat")
        CALLBACK = "callback", _("Callback request")

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")
        ABANDONED = "abandoned", _("Abandoned")

    class CallbackOutcome(models.TextChoices):
        NONE = "", _("Not yet called")
        CALLED = "called", _("Called")
        NO_ANSWER = "no_answer", _("No answer")
        DONE = "done", _("Done")

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.CHAT)
    language = models.CharField(max_length=8, default="en")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.WAITING, db_index=True
    )
    urgent = models.BooleanField(default=False)
    urgent_codes = models.JSONField(default=list, blank=True)
    visitor_name = models.CharField(max_length=40, blank=True)

    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="chat_conversations",
    )
    # A transfer to a named person: only they may accept it while it waits.
    transfer_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="chat_transfers_in",
    )
    transfer_note = models.TextField(blank=True)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    queued_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    # Set when a human first joins and never cleared: from then on no bot speaks.
    human_joined_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    visitor_last_seen = models.DateTimeField(default=timezone.now)

    # The sequence number of the last message; the next one gets last_seq + 1.
    last_seq = models.PositiveIntegerField(default=0)

    # Handoff from the answer service: {"question", "lang", "status", "passages"}.
    handoff_token = models.CharField(max_length=64, blank=True)
    handoff_context = models.JSONField(default=dict, blank=True)

    # Wrap-up.
    topics = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    referrals_text = models.TextField(blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.TextField(blank=True)

    # Callback requests (channel == "callback").
    callback_phone = models.CharField(max_length=40, blank=True)
    callback_preferred_time = models.CharField(max_length=120, blank=True)
    callback_reason = models.CharField(max_length=500, blank=True)
    callback_outcome = models.CharField(
        max_length=10, choices=CallbackOutcome.choices, blank=True, default=""
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "urgent", "queued_at"], name="chat_queue_idx"),
            models.Index(fields=["assigned_to", "status"], name="chat_assigned_idx"),
        ]
        constraints = [
            # An active conversation always has its specialist (a transition that
            # would leave one without is refused by the database too).
            models.CheckConstraint(
                condition=~models.Q(status="active") | models.Q(assigned_to__isnull=False),
                name="chat_active_is_assigned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.pk} ({self.status})"

    @property
    def group_name(self) -> str:
        """The channel-layer group every participant's socket joins."""
        return f"chat.conv.{self.token.hex}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.WAITING, self.Status.ACTIVE)


class Message(models.Model):
    """One line in a conversation, numbered gap-free per conversation by ``seq``."""

    class Sender(models.TextChoices):
        VISITOR = "visitor", _("Visitor")
        SPECIALIST = "specialist", _("Specialist")
        SYSTEM = "system", _("System")
        BOT = "bot", _("Automatic")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveIntegerField()
    # Chosen by the sending client; a repeated id is stored once. NULL for server-made lines.
    client_id = models.CharField(max_length=64, null=True, blank=True)
    sender = models.CharField(max_length=10, choices=Sender.choices)
    sender_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    sender_label = models.CharField(max_length=80, blank=True)
    # Raw text as typed: escaped when rendered, never trusted as HTML.
    text = models.TextField()
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["conversation", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="chat_message_seq_unique"),
            models.UniqueConstraint(
                fields=["conversation", "client_id"], name="chat_message_client_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.sender}: {self.text[:40]}"


class SpecialistStatus(models.Model):
    """A specialist's own availability setting plus their console's heartbeat.

    Routable = ``available`` and the console was seen within the grace period
    (``HELPLINE_CHAT["PRESENCE_GRACE_SECONDS"]``), speaks the language, and has
    fewer active conversations than ``max_concurrent``.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_status"
    )
    available = models.BooleanField(default=False)
    languages = models.JSONField(default=list, blank=True)
    max_concurrent = models.PositiveSmallIntegerField(default=3)
    last_seen = models.DateTimeField(null=True, blank=True)
    display_name = models.CharField(max_length=40, blank=True)
    role_label = models.CharField(max_length=60, blank=True)

    class Meta:
        verbose_name_plural = "specialist statuses"

    def __str__(self) -> str:
        return f"{self.user} ({'available' if self.available else 'away'})"


class CallbackNote(models.Model):
    """What a specialist wrote when recording a call-back attempt.

    Kept here, not in the append-only audit log (whose entry points to this row by
    id), so ``helpline purge`` clears it with the conversation and a visitor's
    deletion removes it.
    """

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="callback_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(max_length=10, choices=Conversation.CallbackOutcome.choices)
    # Scrubbed with helpline.common.privacy.scrub before it is stored.
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Call-back note {self.pk} ({self.outcome})"
