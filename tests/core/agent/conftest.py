"""Fixtures of the agent tests: a real SMTP server (aiosmtpd) and the organisation's settings."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import cast

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import Session

from billabex_core.config import reset_settings
from billabex_core.models import Organisation
from billabex_core.services.org import update_organisation

ORG_NAME = "Dupont Industries SAS"


class Recorder:
    """A real SMTP peer: records messages, refuses ``bounce@`` addresses with a permanent 550."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bounce@"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"

    def parsed(self) -> list[EmailMessage]:
        return [cast(EmailMessage, message_from_bytes(c, policy=policy.default)) for _, c in self.messages]

    def to(self, address: str) -> list[EmailMessage]:
        return [m for (rcpts, _), m in zip(self.messages, self.parsed(), strict=True) if address in rcpts]


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("BILLABEX_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BILLABEX_SMTP_PORT", str(port))
    reset_settings()
    yield recorder
    controller.stop()


@pytest.fixture
def org(session: Session) -> Organisation:
    """The organisation as a team sets it up: its name signs every reminder."""
    settings = update_organisation(
        session=session, actor="alice", name=ORG_NAME, country="FR", sender_email="ar@dupont.example"
    )
    session.commit()
    return settings
