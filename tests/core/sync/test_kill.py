"""A sync killed with SIGKILL mid-way resumes with nothing lost or doubled (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import select

from billabex_core.db.engine import get_engine
from billabex_core.models import Integration, SyncCursor, SyncRun, SyncStatus

ROOT = Path(__file__).resolve().parents[3]


def _invoice_cursor(session) -> bool:
    session.expire_all()
    return session.exec(select(SyncCursor).where(SyncCursor.entity == "invoice")).first() is not None


def test_kill_9_then_resume(session, db_url, integration_id, pennylane_sandbox, table_counts, sync) -> None:
    pennylane_sandbox.fail_next(10_000, kind="delay", delay=0.03)  # slow enough to be caught mid-way
    proc = subprocess.Popen(
        [sys.executable, "-m", "billabex_core", "--db", db_url, "sync", "demo"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=os.environ.copy(),
    )
    try:
        deadline = time.monotonic() + 60
        while not _invoice_cursor(session):
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the sync never reached the invoices"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    before = table_counts(session)
    expected_invoices = len(pennylane_sandbox.invoice_ids(credit_notes=False))
    assert 0 < before["invoice"] < expected_invoices, "killed too late to prove anything"
    run = session.exec(select(SyncRun)).one()
    assert run.status == SyncStatus.RUNNING  # nobody could record the end
    # The dead process's lease blocks the next sync until it expires (LEASE); jump ahead.
    with get_engine(db_url).begin() as conn:
        conn.execute(sa.update(Integration.__table__).values(lock_expires_at=sa.func.current_timestamp()))
    pennylane_sandbox.clear_faults()  # no more delays
    resumed = sync()
    assert resumed.ok, resumed.errors
    assert resumed.counts["account"].created == 0  # committed pages are not redone
    assert resumed.counts["invoice"].created == expected_invoices - before["invoice"]
    after = table_counts(session)
    assert after["account"] == len(pennylane_sandbox.customer_ids())
    assert after["invoice"] == expected_invoices
    assert after["credit_note"] == len(pennylane_sandbox.invoice_ids(credit_notes=True))
    runs = session.exec(select(SyncRun).order_by(SyncRun.id)).all()
    assert runs[0].status == SyncStatus.FAILED and "interrupted" in runs[0].errors[0]
