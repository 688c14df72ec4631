"""kill -9 of a worker in the middle of a send and of a validation (issue #18 point 3): on
restart nothing is lost, doubled or half-written — the exports equal a clean run's, on SQLite and
PostgreSQL; a message being sent by the dead process is recovered (its claim is stale: the
process is gone), never sent twice."""

from __future__ import annotations

import shutil
import signal
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from billabex_core.config import reset_settings
from billabex_core.db.engine import get_engine
from billabex_core.jobs.agent_run import run_agent
from billabex_core.models import Communication, CommunicationStatus, Document
from billabex_core.services import communications
from tests.core.jobs.faults import DAY, cli, exports, seed_due_messages, smtp_server

ACCOUNTS = 8
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture
def reference(tmp_path: Path, _sqlite_template: Path) -> str:
    """A clean SQLite database to run the same work on without faults."""
    path = tmp_path / "reference.db"
    shutil.copy(_sqlite_template, path)
    return f"sqlite:///{path}"


def _statuses(url: str) -> dict[str, tuple[CommunicationStatus, str | None]]:
    with Session(get_engine(url)) as session:
        rows = session.exec(select(Communication)).all()
        return {c.step_key: (c.status, c.error) for c in rows}


def test_kill_9_in_the_middle_of_sending(db_url, reference, monkeypatch) -> None:
    seed_due_messages(db_url, ACCOUNTS)
    seed_due_messages(reference, ACCOUNTS)
    smtp, controller, env = smtp_server(delay=0.4)
    try:
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        reset_settings()
        proc = cli(db_url, "agent", "run", "--today", DAY.isoformat(), "--send", env=env)
        deadline = time.monotonic() + 60
        while len(smtp.message_ids) < 3:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "the run never sent"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        in_flight = [k for k, (s, _) in _statuses(db_url).items() if s == CommunicationStatus.SENDING]
        assert len(in_flight) <= 1  # claimed one at a time
        # The dead run's lease blocks the next run until it expires: jump ahead.
        with get_engine(db_url).begin() as conn:
            conn.execute(sa.text("UPDATE job_state SET lock_expires_at = NULL, lock_token = NULL"))
        restarted = run_agent(today=DAY, send=True, url=db_url)
    finally:
        controller.stop()
    other, other_controller, other_env = smtp_server(delay=0)  # the clean run's own server
    try:
        for key, value in other_env.items():
            monkeypatch.setenv(key, value)
        reset_settings()
        clean = run_agent(today=DAY, send=True, url=reference)
    finally:
        other_controller.stop()
    assert len(smtp.message_ids) == len(set(smtp.message_ids))  # never sent twice
    assert clean.sent == ACCOUNTS == len(other.message_ids)
    after, expected = _statuses(db_url), _statuses(reference)
    assert set(after) == set(expected)  # nothing lost, nothing doubled
    for key in in_flight:  # the message the dead process was sending: failed for a person to check
        assert after[key][0] == CommunicationStatus.FAILED and communications.INTERRUPTED in (
            after[key][1] or ""
        )
        after[key] = expected[key]
    assert after == expected
    assert restarted.failed == len(in_flight)
    mine, theirs = exports(db_url), exports(reference)
    # The account whose message was in flight waits for a person (was it delivered?): its next
    # message is planned as a first one. Everything else is the clean run's.
    held = {
        row["account_name"] for row in mine["communications"] if row["status"] == CommunicationStatus.FAILED
    }
    assert len(held) == len(in_flight)
    for rows in (mine, theirs):
        rows["communications"] = [r for r in rows["communications"] if r["account_name"] not in held]
    for entity in mine:
        key = (lambda r: sorted(r.items())) if entity == "communications" else None
        if key:
            mine[entity].sort(key=key)
            theirs[entity].sort(key=key)
        assert mine[entity] == theirs[entity], entity


def _blocked_on_a_lock(url: str) -> bool:
    with get_engine(url).connect() as conn:
        waiting = conn.execute(
            sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
        )
        return bool(waiting.scalar())


def test_kill_9_in_the_middle_of_a_validation(db_url, reference, tmp_path) -> None:
    """The validating process is stopped inside its transaction (it waits on a lock the test
    holds), killed, and the import run again: one document, as in a clean run."""
    pdf = FIXTURES / "facture-boulangerie-martin.pdf"
    if not pdf.exists():
        pdf = next(FIXTURES.glob("**/*.pdf"))
    assert cli(db_url, "import", str(pdf)).wait(timeout=120) == 0  # the draft
    engine = get_engine(db_url)
    holder = engine.connect()
    try:
        if engine.dialect.name == "postgresql":
            holder.execute(sa.text("LOCK TABLE document IN EXCLUSIVE MODE"))  # reads go on, writes wait
        else:
            holder.exec_driver_sql("BEGIN IMMEDIATE")  # SQLite: every writer waits
        proc = cli(db_url, "import", str(pdf), "--validate")
        deadline = time.monotonic() + 60
        if engine.dialect.name == "postgresql":
            while not _blocked_on_a_lock(db_url):
                assert proc.poll() is None and time.monotonic() < deadline, (
                    "the validation never reached the lock"
                )
                time.sleep(0.1)
        else:
            time.sleep(4)  # past start-up and the draft lookup: waiting on the write lock
            assert proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        holder.rollback()
        holder.close()
    with Session(engine) as session:
        assert session.exec(select(Document)).all() == []  # nothing half-written
    rerun = cli(db_url, "import", str(pdf), "--validate")
    assert rerun.wait(timeout=120) == 0, rerun.stderr.read().decode() if rerun.stderr else ""
    clean = cli(reference, "import", str(pdf), "--validate")
    assert clean.wait(timeout=120) == 0
    assert exports(db_url) == exports(reference)
