"""kill -9 of a worker in the middle of a sync (issue #18 point 3): after the restart the exports
equal those of a clean sync of the same provider data (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from billabex_core.db.engine import get_engine
from billabex_core.jobs.sync_runs import run_integration_sync
from billabex_core.models import Integration
from billabex_core.services.integrations import add_integration
from tests.core.jobs.faults import exports
from tests.core.sync.test_kill import _invoice_cursor

ROOT = Path(__file__).resolve().parents[3]


def test_kill_9_mid_sync_then_exports_equal_a_clean_sync(
    session, db_url, integration_id, pennylane_sandbox, today, tmp_path, _sqlite_template
) -> None:
    pennylane_sandbox.fail_next(10_000, kind="delay", delay=0.03)
    proc = subprocess.Popen(
        [sys.executable, "-m", "billabex_core", "--db", db_url, "worker", "--once"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "BILLABEX_TODAY": today.isoformat()},
    )
    deadline = time.monotonic() + 60
    while not _invoice_cursor(session):
        assert proc.poll() is None and time.monotonic() < deadline, "the worker never reached the invoices"
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    pennylane_sandbox.clear_faults()
    with get_engine(db_url).begin() as conn:  # the dead worker's lease: jump past it
        conn.execute(sa.update(Integration.__table__).values(lock_expires_at=sa.func.current_timestamp()))
    assert run_integration_sync(engine=get_engine(db_url), integration_id=integration_id, today=today).ok
    reference = tmp_path / "reference.db"
    shutil.copy(_sqlite_template, reference)
    ref_url = f"sqlite:///{reference}"
    with Session(get_engine(ref_url)) as ref:
        ref_id = add_integration(
            session=ref,
            provider="pennylane",
            name="demo",
            config=pennylane_sandbox.connector_config(page_size=20),
            actor="alice",
        ).id
        ref.commit()
    assert run_integration_sync(engine=get_engine(ref_url), integration_id=ref_id, today=today).ok
    skip = ("tasks",)  # task texts name the run; compared below by kind and account
    assert exports(db_url, skip=skip) == exports(ref_url, skip=skip)
    tasks = exports(db_url)["tasks"]
    assert sorted((t["kind"], t["account_name"]) for t in tasks) == sorted(
        (t["kind"], t["account_name"]) for t in exports(ref_url)["tasks"]
    )
