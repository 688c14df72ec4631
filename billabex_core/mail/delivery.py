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

from billabex_core import redaction
from billabex_core.config import Settings, get_settings, write_private
from billabex_core.errors import ConfigurationError

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
    """The e-mail of one communication; ``attachments``: (file name, bytes), e.g. the invoices'
    PDFs (or XML, for an invoice imported as an XML e-invoice)."""
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
        if b"%PDF-" in data[:1024]:
            message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
        else:  # an invoice imported as a standalone XML e-invoice goes as the XML it is
            xml_name = str(Path(name).with_suffix(".xml"))
            message.add_attachment(data, maintype="application", subtype="xml", filename=xml_name)
    return message


class SmtpMailer:
    """SMTP, encrypted with STARTTLS (``BILLABEX_SMTP_STARTTLS``) or SMTPS (``BILLABEX_SMTP_SSL``).
    A login is only ever sent over TLS: a user without either is a ``ConfigurationError`` here,
    before any connection (issue #17). A server that does not offer STARTTLS fails the send."""

    def __init__(self, settings: Settings) -> None:
        if settings.smtp_user and not (settings.smtp_starttls or settings.smtp_ssl):
            raise ConfigurationError(
                "BILLABEX_SMTP_USER is set but the SMTP connection is not encrypted, and Billabex never "
                "sends a password in clear: set BILLABEX_SMTP_STARTTLS=true (usually port 587) or "
                "BILLABEX_SMTP_SSL=true (SMTPS, usually port 465)",
                code="smtp.unencrypted_login",
            )
        if settings.smtp_starttls and settings.smtp_ssl:
            raise ConfigurationError(
                "choose BILLABEX_SMTP_STARTTLS or BILLABEX_SMTP_SSL, not both", code="smtp.both_tls"
            )
        redaction.remember([settings.smtp_password])
        self.settings = settings

    def _connect(self) -> smtplib.SMTP:
        s, context = self.settings, ssl.create_default_context()
        if s.smtp_ssl:
            return smtplib.SMTP_SSL(s.smtp_host or "", s.smtp_port, timeout=30, context=context)
        smtp = smtplib.SMTP(s.smtp_host or "", s.smtp_port, timeout=30)
        if s.smtp_starttls:
            try:
                smtp.starttls(context=context)  # raises when the server offers no STARTTLS
            except BaseException:
                smtp.close()
                raise
        return smtp

    def deliver(self, message: EmailMessage) -> Delivery:
        s = self.settings
        with self._connect() as smtp:
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
        name = re.sub(r"[^A-Za-z0-9.-]", "_", str(message["Message-ID"]).strip("<>")) + ".eml"
        path = self.directory / name
        write_private(path, bytes(message))  # 0600 in a 0700 folder (issue #17)
        return Delivery(channel="outbox", location=str(path))


def default_mailer() -> Mailer:
    settings = get_settings()
    if settings.smtp_host:
        return SmtpMailer(settings)
    return OutboxMailer(settings.data_dir / "outbox")
