"""Only one table: timelines a person chose to save behind a private link.

Nothing is stored unless the person asks. The link's token is never stored,
only its SHA-256 digest, so the table alone cannot be used to open a timeline.
"""

from __future__ import annotations

from django.db import models


class SavedTimeline(models.Model):
    token_digest = models.CharField(max_length=64, unique=True)
    # The dates the person entered (see TimelineInput.to_data); no name, no contact.
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"saved timeline {self.pk} (expires {self.expires_at:%Y-%m-%d})"
