"""Canned responses and the wrap-up topic list (the wrap-up itself is on the conversation)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

LANGUAGE_CHOICES = [("en", _("English")), ("es", _("Spanish"))]
CANNED_TEXT_MAX = 2000


class CannedResponse(models.Model):
    """A reviewed reply a specialist can insert; the same ``key`` pairs languages."""

    key = models.SlugField(max_length=60)
    language = models.CharField(max_length=5, choices=LANGUAGE_CHOICES)
    title = models.CharField(max_length=80)
    text = models.TextField(max_length=CANNED_TEXT_MAX)
    active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=100)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "key", "language"]
        constraints = [
            models.UniqueConstraint(fields=["key", "language"], name="canned_unique_key_language")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class WrapUpTopic(models.Model):
    """One entry of the fixed topic list used to tag conversations (supervisors edit it)."""

    code = models.SlugField(max_length=60, unique=True)
    label_en = models.CharField(max_length=100)
    label_es = models.CharField(max_length=100)
    active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.label_en

    def label(self, language: str | None = None) -> str:
        return self.label_es if (language or "").startswith("es") else self.label_en
