"""The closed list of reasons a visitor may give for "Was this helpful? No".

Answers and articles share it, so the dashboard can compare them. There is no
free text: nothing a visitor types is stored with their feedback.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class HelpfulReason(models.TextChoices):
    NOT_ANSWERED = "not_answered", _("It did not answer my question")
    UNCLEAR = "unclear", _("It was hard to understand")
    INCOMPLETE = "incomplete", _("It was missing information I needed")
    OTHER = "other", _("Another reason")


def parse_helpful(value) -> bool | None:
    """A yes/no from a form field or JSON: True, False, or None when it is neither."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("yes", "true", "1", "si", "sí"):
            return True
        if text in ("no", "false", "0"):
            return False
    return None


def parse_reason(value) -> str | None:
    """The reason code, "" for none, or None when it is not one of the list."""
    if value in (None, ""):
        return ""
    if isinstance(value, str) and value in HelpfulReason.values:
        return value
    return None
