"""What people ask and what the answer service did, without personal data."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class QuestionLog(models.Model):
    class Status(models.TextChoices):
        ANSWERED = "answered", "answered"
        NO_ANSWER = "no_answer", "no answer"
        URGENT = "urgent", "urgent"

    log_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Scrubbed with helpline.common.privacy.scrub before it is stored.
    question = models.TextField()
    lang = models.CharField(max_length=5)
    class Channel(models.TextChoices):
        WEB = "web", "web"
        API = "api", "api"
        CLI = "cli", "cli"
        PHONE = "phone", "phone"
        SMS = "sms", "sms"
        CHAT = "chat", "chat"

    # A closed choice: free text here would be stored verbatim, unscrubbed.
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.WEB)
    status = models.CharField(max_length=12, choices=Status.choices, db_index=True)
    urgent_category = models.CharField(max_length=30, blank=True)
    urgent_signs = models.JSONField(default=list, blank=True)
    # [{"passage_id", "article_key", "version_id", "anchor", "lang", "score"}]
    top_passages = models.JSONField(default=list, blank=True)
    confidence = models.FloatField(default=0.0)
    fallback_language = models.BooleanField(default=False)
    handed_off = models.BooleanField(default=False)
    latency_ms = models.FloatField(default=0.0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # "Was this helpful?" on this answer: one vote per answer (the last one counts),
    # with an optional reason from helpline.common.feedback.HelpfulReason. Nothing else.
    helpful = models.BooleanField(null=True, blank=True)
    helpful_reason = models.CharField(max_length=20, blank=True)
    helpful_at = models.DateTimeField(null=True, blank=True)
    # An editor linked this question to the section that answers it: the question
    # became a variant of that section in a draft (live once the draft is published).
    linked_version = models.ForeignKey(
        "articles.ArticleVersion", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    linked_anchor = models.CharField(max_length=120, blank=True)
    linked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("view_unanswered", "Can see what people ask that the content does not answer")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.lang} {self.status}: {self.question[:60]}"
