"""Delivery: SMTP when ``BILLABEX_SMTP_HOST`` is set, else a dry-run outbox of .eml files.

A recipient refused with a permanent (5xx) SMTP code is a hard bounce; the caller marks that
contact invalid. The Message-ID is derived from the communication's idempotency key, so even a
mail server can recognise a duplicate. ``NOT_SENT`` lists the failures that happen before the
server took the message: the caller may safely try again later.
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Protocol

from billabex_core.config import Settings, get_settings

# Failures before the SMTP server accepted anything: the message can safely be tried again.
NOT_SENT: tuple[type[Exception], ...] = (
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPNotSupportedError,
    smtplib.SMTPSenderRefused,
)


@dataclass
class Delivery:
    channel: str  # "smtp" | "outbox"
    bounced: dict[str, str] = field(default_factory=dict)  # address → server answer (5xx)
    deferred: dict[str, str] = field(default_factory=dict)  # address → 4xx answer
    location: str | None = None  # the outbox file


class Mailer(Protocol):
    def deliver(self, message: EmailMessage) -> Delivery: ...


def build_message(
    *,
    step_key: str,
    sender: str,
    to: list[str],
    cc: list[str],
    subject: str,
    body: str,
    attachments: Sequence[tuple[str, bytes]] = (),
) -> EmailMessage:
    """The e-mail of one communication; ``attachments``: (file name, PDF bytes), e.g. the invoices'."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = f"<{re.sub(r'[^A-Za-z0-9.-]', '.', step_key)}@billabex>"
    message.set_content(body)
    for name, data in attachments:
        message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return message


class SmtpMailer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def deliver(self, message: EmailMessage) -> Delivery:
        s = self.settings
        with smtplib.SMTP(s.smtp_host or "", s.smtp_port, timeout=30) as smtp:
            if s.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if s.smtp_user:
                smtp.login(s.smtp_user, s.smtp_password or "")
            try:
                refused = smtp.send_message(message)
            except smtplib.SMTPRecipientsRefused as exc:
                refused = exc.recipients
        delivery = Delivery(channel="smtp")
        for address, (code, answer) in refused.items():
            text = f"{code} {answer.decode(errors='replace') if isinstance(answer, bytes) else answer}"
            (delivery.bounced if code >= 500 else delivery.deferred)[address] = text
        return delivery


class OutboxMailer:
    """The default: records what would be sent as .eml files under ``data/outbox``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def deliver(self, message: EmailMessage) -> Delivery:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9.-]", "_", str(message["Message-ID"]).strip("<>")) + ".eml"
        path = self.directory / name
        path.write_bytes(bytes(message))
        return Delivery(channel="outbox", location=str(path))


def default_mailer() -> Mailer:
    settings = get_settings()
    if settings.smtp_host:
        return SmtpMailer(settings)
    return OutboxMailer(settings.data_dir / "outbox")
