"""Reminders under the team's control in a real browser (issue #13): in approval mode, a person
opens Communications, approves the waiting message and sends it now; it reaches a real local SMTP
server (aiosmtpd) once, with the invoice's PDF, and both actions are in the audit log."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.e2e.conftest import add_login, app_env, cli, login, open_page, running_app

pytestmark = pytest.mark.e2e
SEED = """
from datetime import date
from decimal import Decimal
from billabex_core.db.engine import session_scope
from billabex_core.jobs.agent_run import run_agent
from billabex_core.models import DocumentKind
from billabex_core.services.accounts import create_account
from billabex_core.services.contacts import add_contact
from billabex_core.services.documents import DocumentInput, create_manual_document
from billabex_core.services.files import store_pdf
from billabex_core.services.org import set_setting

with session_scope() as s:
    set_setting(session=s, key="org.name", value="Dupont Industries SAS", actor="cli")
    set_setting(session=s, key="reminders.mode", value="approval", actor="cli")
    set_setting(session=s, key="org.iban", value="FR7630006000011234567890189", actor="cli")
    account = create_account(session=s, name="Boulangerie Martin SARL", actor="cli", country="FR")
    create_manual_document(
        session=s,
        account=account,
        data=DocumentInput(
            kind=DocumentKind.INVOICE, number="F-2026-0042", issue_date=date(2026, 1, 10),
            due_date=date(2026, 2, 9), currency="EUR", total_excl_tax=Decimal("1000.00"),
            tax_amount=Decimal("200.00"), total_incl_tax=Decimal("1200.00"),
        ),
        actor="cli", today=date(2026, 1, 10), file_sha256=store_pdf(b"%PDF-1.4 e2e"), file_name="f.pdf",
    )
    add_contact(session=s, account_id=account.id, email="compta@martin.example", name="Claire Martin",
                language="fr", actor="cli", today=date(2026, 1, 10))
run_agent(today=date(2026, 3, 2))
"""


class Recorder:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[tuple[Recorder, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    yield recorder, port
    controller.stop()


@pytest.fixture(scope="module")
def reminders_app(tmp_path_factory: pytest.TempPathFactory, smtp_server) -> Iterator[tuple[str, Path]]:  # type: ignore[no-untyped-def]
    data = tmp_path_factory.mktemp("e2e-reminders")
    env = {**app_env(data), "BILLABEX_SMTP_HOST": "127.0.0.1", "BILLABEX_SMTP_PORT": str(smtp_server[1])}
    add_login(env, "carla")
    cli(env, "-c", SEED)
    with running_app(env) as url:
        yield url, data


def _audit(data: Path) -> list[tuple[str, str]]:
    import sqlalchemy as sa

    engine = sa.create_engine(f"sqlite:///{data / 'e2e.db'}")
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT actor, action FROM auditevent ORDER BY id")).all()
    engine.dispose()
    return [(actor, action) for actor, action in rows]


def test_approve_and_send_one_message_to_a_real_smtp_server(
    page, browser, reminders_app, smtp_server, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    url, data = reminders_app
    recorder, _ = smtp_server
    login(page, url, "carla")
    open_page(page, "Communications", "Communications")
    page.get_by_text("1 message waits for a person's approval.").wait_for()
    page.get_by_text("Facture F-2026-0042 arrivée à échéance").first.wait_for()
    page.get_by_text(
        "Nous vous rappelons que, conformément à nos conditions de paiement", exact=False
    ).wait_for()
    page.get_by_role("button", name=re.compile(r"Approve$")).click()
    page.get_by_text("Approved: it goes out on 2 Mar 2026.").wait_for()
    page.screenshot(path=str(tmp_path / "approved.png"), full_page=True)
    page.get_by_role("button", name=re.compile(r"Send now$")).click()
    page.get_by_text("Sent (smtp).").wait_for(timeout=60_000)
    page.screenshot(path=str(tmp_path / "sent.png"), full_page=True)
    [(rcpts, content)] = recorder.messages
    assert rcpts == ["compta@martin.example"]
    message = message_from_bytes(content, policy=policy.default)
    assert message["Subject"] == "Facture F-2026-0042 arrivée à échéance"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "FR76 3000 6000 0112 3456 7890 189" in body and "L441-10" in body
    assert [a.get_filename() for a in message.iter_attachments()] == ["F-2026-0042.pdf"]
    events = _audit(data)
    assert ("carla", "communication.approved") in events and ("carla", "communication.send_now") in events
    assert ("agent", "communication.sent") in events
    json.dumps(events)  # plain data
