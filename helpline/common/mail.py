"""E-mails that work outside the site: absolute links, a text part and an HTML part.

Every e-mail the site sends is built here from its plain text: links to our own
pages (``/en/articles/...``, as specialists paste them into a chat) are made
absolute with ``HELPLINE_SITE_URL``, and the HTML part is the same text, escaped,
with its links made clickable, in the reader's language.

``CountingEmailBackend`` is the site's ``EMAIL_BACKEND``: it hands messages to
``HELPLINE_EMAIL_DELIVERY_BACKEND`` (SMTP, or the console when no mail server is
configured) and counts them as sent or failed for ``/metrics``.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils.html import escape

from .metrics import EMAILS

# A path on this site at the start of a line or after a space, bracket or quote.
_SITE_PATH = re.compile(r"(?<![\w/.:])(/(?:en|es)/[^\s<>\"')\]]*)")
_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)\]]")


def site_url(path: str = "") -> str:
    """An absolute address on this site (``HELPLINE_SITE_URL`` + path)."""
    return settings.HELPLINE_SITE_URL.rstrip("/") + path


def absolute_links(text: str) -> str:
    """Site paths in a text ("/en/articles/x/") made into full addresses."""
    return _SITE_PATH.sub(lambda m: site_url(m.group(1)), text)


def html_from_text(text: str, *, language: str, subject: str) -> str:
    """The HTML part: the same words, escaped, paragraphs kept, links clickable."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        escaped = escape(block)
        linked = _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
        paragraphs.append(linked.replace("\n", "<br>\n"))
    return render_to_string("common/email.html", {
        "paragraphs": paragraphs, "language": language, "subject": subject,
        "HELPLINE": settings.HELPLINE, "site_url": site_url("/"),
    })


def build(*, subject: str, text: str, to: list[str], language: str,
          headers: dict | None = None) -> EmailMultiAlternatives:
    """A two-part e-mail (text and HTML) with absolute links."""
    text = absolute_links(text)
    message = EmailMultiAlternatives(subject=subject, body=text, to=to, headers=headers or {})
    message.attach_alternative(html_from_text(text, language=language, subject=subject),
                               "text/html")
    return message


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
