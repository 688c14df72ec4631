"""Helpers of the fault tests: comparable exports, subprocesses of the CLI, a slow SMTP peer."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from sqlmodel import Session

from billabex_core.db.engine import get_engine, session_scope
from billabex_core.errors import BillabexError
from billabex_core.services.export import EXPORTERS, export_rows

ROOT = Path(__file__).resolve().parents[3]
VOLATILE = {"id", "sent_at", "created_at", "updated_at", "validated_at", "closed_at", "opened_at"}


def _volatile(column: str) -> bool:
    """Row ids (a PostgreSQL sequence keeps the numbers an aborted transaction took) and clocks."""
    internal_id = column.endswith("_id") and "external" not in column
    return column in VOLATILE or column.endswith("_at") or internal_id


def exports(url: str, *, skip: tuple[str, ...] = ()) -> dict[str, list[dict[str, Any]]]:
    """Every export, without the columns that differ between two identical runs (ids, clocks)."""
    with Session(get_engine(url)) as session:
        return {
            entity: [
                {k: str(v) for k, v in row.items() if not _volatile(k)}
                for row in export_rows(session=session, entity=entity)
            ]
            for entity in EXPORTERS
            if entity not in skip
        }


def cli(url: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "billabex_core", "--db", url, *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


class SlowSMTP:
    """A real SMTP peer that takes ``delay`` seconds to accept each message and records them."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.message_ids: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        for line in envelope.content.decode(errors="replace").splitlines():
            if line.lower().startswith("message-id:"):
                self.message_ids.append(line.split(":", 1)[1].strip())
        return "250 Message accepted"


def smtp_server(delay: float) -> tuple[SlowSMTP, Controller, dict[str, str]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = SlowSMTP(delay)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return handler, controller, {"BILLABEX_SMTP_HOST": "127.0.0.1", "BILLABEX_SMTP_PORT": str(port)}


DAY = date(2026, 2, 2)


def seed_due_messages(url: str, accounts: int) -> None:
    """An organisation and ``accounts`` customers, each with an overdue invoice and a contact,
    planned by the agent: one message each is due on ``DAY``."""
    from datetime import timedelta
    from decimal import Decimal

    from billabex_core.jobs.agent_run import run_agent
    from billabex_core.models import DocumentKind
    from billabex_core.services.accounts import create_account
    from billabex_core.services.contacts import add_contact
    from billabex_core.services.documents import DocumentInput, create_manual_document
    from billabex_core.services.org import update_organisation

    on = date(2026, 1, 2)
    with Session(get_engine(url), expire_on_commit=False) as session:
        update_organisation(
            session=session, actor="t", name="Dupont SAS", country="FR", sender_email="ar@d.example"
        )
        for n in range(accounts):
            account = create_account(session=session, name=f"Customer {n:02}", actor="t", country="FR")
            create_manual_document(
                session=session,
                account=account,
                data=DocumentInput(
                    kind=DocumentKind.INVOICE,
                    number=f"F-{n:03}",
                    issue_date=on - timedelta(days=30),
                    due_date=date(2026, 1, 30),
                    currency="EUR",
                    total_excl_tax=Decimal("100.00"),
                    tax_amount=Decimal("20.00"),
                    total_incl_tax=Decimal("120.00"),
                ),
                actor="t",
                today=on,
            )
            add_contact(
                session=session,
                account_id=account.id,
                email=f"ap{n}@c.example",
                language="fr",
                actor="t",
                today=on,
            )
        session.commit()
    run_agent(today=DAY, url=url)


def race(*actions) -> list[object]:
    """Run the actions at the same moment, each in its own session; their results or errors."""
    barrier, results = threading.Barrier(len(actions)), [None] * len(actions)

    def run(n: int) -> None:
        try:
            with session_scope() as session:
                barrier.wait()
                results[n] = actions[n](session)
        except BillabexError as exc:
            results[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results
