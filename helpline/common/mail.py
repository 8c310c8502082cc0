"""The site's e-mail backend: hands messages to the configured delivery backend and counts them.

``EMAIL_BACKEND`` is this class; ``HELPLINE_EMAIL_DELIVERY_BACKEND`` is the one
that really delivers (SMTP, or the console when no mail server is configured).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend

from .metrics import EMAILS


class CountingEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs) -> None:
        super().__init__(fail_silently=fail_silently)
        self.inner = get_connection(settings.HELPLINE_EMAIL_DELIVERY_BACKEND,
                                    fail_silently=fail_silently, **kwargs)

    def open(self):
        return self.inner.open()

    def close(self) -> None:
        self.inner.close()

    def send_messages(self, email_messages) -> int:
        messages = list(email_messages or [])
        if not messages:
            return 0
        try:
            sent = self.inner.send_messages(messages) or 0
        except Exception:
            EMAILS.labels("failed").inc(len(messages))
            raise
        if sent:
            EMAILS.labels("sent").inc(sent)
        if sent < len(messages):
            EMAILS.labels("failed").inc(len(messages) - sent)
        return sent
