"""Writes for the journey app: saving and deleting a private timeline link."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.utils import timezone
from django.utils.translation import gettext as _

from helpline.common.exceptions import ApplicationError

from .models import SavedTimeline
from .timeline import TimelineInput

EXPIRY_CHOICES_DAYS = (7, 30, 90, 180)
DEFAULT_EXPIRY_DAYS = 90
TOKEN_BYTES = 24  # 192 bits, URL-safe base64: 32 characters


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def saved_timeline_create(
    data: TimelineInput, *, expires_in_days: int
) -> tuple[SavedTimeline, str]:
    """Store the dates behind a new unguessable token. Returns (row, token)."""
    if expires_in_days not in EXPIRY_CHOICES_DAYS:
        raise ApplicationError(_("Choose how long to keep the link."), code="expiry")
    if data.leukapheresis is None and data.infusion is None:
        raise ApplicationError(_("Enter at least one date before saving."), code="empty")
    saved_timeline_purge_expired()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = SavedTimeline.objects.create(
        token_digest=token_digest(token),
        data=data.to_data(),
        expires_at=timezone.now() + dt.timedelta(days=expires_in_days),
    )
    return row, token


def saved_timeline_delete(token: str) -> bool:
    """Delete the timeline behind this link. True if there was one."""
    deleted, _rows = SavedTimeline.objects.filter(token_digest=token_digest(token)).delete()
    return deleted > 0


def saved_timeline_purge_expired(now: dt.datetime | None = None) -> int:
    deleted, _rows = SavedTimeline.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
