"""Services behind the chat pages and the specialist console.

The chat core (``services.py``) owns conversations, messages, the queue and
routing. This module adds what the interfaces need on top of it: availability
for the launcher, callback requests from the form, feedback and transcripts,
canned responses, the wrap-up, callback outcomes and suggested passages.
Permissions are checked here, not only in the views.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)


# --- Hours ----------------------------------------------------------------

def chat_availability(now: datetime | None = None) -> dict:
    """``{"open": bool, "opens_at": datetime | None, "known": bool}`` for live chat."""
    now = now or timezone.now()
    try:
        from helpline.chat import hours
    except ImportError:  # the chat core has not landed its schedule
        return {"open": True, "opens_at": None, "known": False}
    is_open = hours.is_open("chat", now)
    opens_at = None if is_open else hours.next_opening("chat", now)
    if opens_at is not None:
        opens_at = timezone.localtime(opens_at)
    return {"open": is_open, "opens_at": opens_at, "known": True}
