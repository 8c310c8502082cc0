"""A real SMTP server on loopback (aiosmtpd) for end-to-end e-mail tests."""

from __future__ import annotations

import contextlib
import email
import email.policy
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller

from helpline.common.testing import free_port


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage
    content: bytes = b""  # the message as it came over the wire

    @property
    def to(self) -> str:
        return self.rcpt_tos[0]

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else ""


@dataclass
class Inbox:
    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    on_message: Callable[[Received], str | None] | None = None

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd API
        raw = envelope.original_content or envelope.content
        received = Received(
            envelope.mail_from, list(envelope.rcpt_tos),
            email.message_from_bytes(raw, policy=email.policy.default), raw,
        )
        with self.lock:
            self.messages.append(received)
        if self.on_message is not None:
            reply = self.on_message(received)
            if reply:
                return reply
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [m for m in self.messages if address in m.rcpt_tos]


@contextlib.contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def smtp_settings(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "helpline.common.mail.CountingEmailBackend"
    settings.HELPLINE_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
