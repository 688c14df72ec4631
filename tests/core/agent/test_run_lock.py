"""Two agent runs at once (issue #17 point 7): one agent run at a time, claims record who and
when, only stale claims are recovered, success clears the error, failures exit 1."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from billabex_core.db.engine import get_engine, session_scope
from billabex_core.db.types import utcnow
from billabex_core.errors import ConflictError
from billabex_core.jobs import claims, lease
from billabex_core.jobs.agent_run import AGENT_JOB, run_agent
from billabex_core.mail import OutboxMailer
from billabex_core.models import Communication, CommunicationStatus
from billabex_core.services import communications
from billabex_core.services.contacts import add_contact

ROOT = Path(__file__).resolve().parents[3]
DAY = date(2026, 2, 2)


@pytest.fixture
def due_message(session, db_url, org, account, add_document) -> int:
    add_document(account, "F-1", "120.00", due=date(2026, 1, 30), on=date(2026, 1, 2))
    add_contact(
        session=session,
        account_id=account.id,
        email="ap@acme.example",
        language="en",
        actor="t",
        today=date(2026, 1, 2),
    )
    session.commit()
    run_agent(today=DAY, url=db_url)
    return session.exec(select(Communication.id)).one()


def _row(session, comm_id: int) -> Communication:
    session.expire_all()
    row = session.get(Communication, comm_id)
    assert row is not None
    return row


def test_a_second_agent_run_is_refused_while_one_runs(db_url, due_message, tmp_path) -> None:
    held = lease.acquire(get_engine(db_url), job=AGENT_JOB, what="an agent run")
    with pytest.raises(ConflictError, match=r"an agent run is already running by .+:[0-9]+ since"):
        run_agent(today=DAY, send=True, url=db_url, mailer=OutboxMailer(tmp_path / "outbox"))
    assert not (tmp_path / "outbox").exists()
    held.release(ok=True)
    assert run_agent(today=DAY, send=True, url=db_url, mailer=OutboxMailer(tmp_path / "outbox")).sent == 1


def test_the_cli_refuses_a_second_run_with_one_clear_line(db_url, due_message, tmp_path) -> None:
    held = lease.acquire(get_engine(db_url), job=AGENT_JOB, what="an agent run")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "billabex_core",
            "--db",
            db_url,
            "agent",
            "run",
            "--today",
            "2026-02-02",
            "--send",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "BILLABEX_DATA_DIR": str(tmp_path)},
    )
    held.release(ok=True)
    assert out.returncode == 1
    assert out.stderr.startswith("error: an agent run is already running") and "Traceback" not in out.stderr
    assert not (tmp_path / "outbox").exists()


def test_claims_record_who_and_when(session, db_url, due_message) -> None:
    before = utcnow()
    with session_scope(db_url) as s:
        assert communications.claim(session=s, communication_id=due_message, by="web-1:4242:abc")
    row = _row(session, due_message)
    assert row.status == CommunicationStatus.SENDING and row.claimed_by == "web-1:4242:abc"
    assert row.claimed_at is not None and before <= row.claimed_at <= utcnow()


def test_only_stale_claims_are_recovered(session, db_url, due_message, tmp_path) -> None:
    """Another machine's fresh claim is left alone (it may be sending); past the timeout, or when
    its process on this machine is gone, it is failed for a person to check — never resent."""
    with session_scope(db_url) as s:
        communications.claim(session=s, communication_id=due_message, by="other-host:4242:run1")
    outbox = OutboxMailer(tmp_path / "outbox")
    report = run_agent(today=DAY, send=True, url=db_url, mailer=outbox)
    assert report.failed == 0 and _row(session, due_message).status == CommunicationStatus.SENDING
    with get_engine(db_url).begin() as conn:  # the claim grows old
        conn.execute(
            sa.update(Communication.__table__).values(
                claimed_at=utcnow() - claims.CLAIM_TIMEOUT - timedelta(1)
            )
        )
    report = run_agent(today=DAY, send=True, url=db_url, mailer=outbox)
    row = _row(session, due_message)
    assert report.failed == 1 and row.status == CommunicationStatus.FAILED
    assert "interrupted" in (row.error or "") and "other-host:4242" in (row.error or "")
    assert not (tmp_path / "outbox").exists()  # never sent twice


def test_a_dead_local_process_claim_is_stale_at_once(session, db_url, due_message) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    by = f"{claims.HOST}:{int(dead.stdout)}:run1"
    with session_scope(db_url) as s:
        communications.claim(session=s, communication_id=due_message, by=by)
    alive = f"{claims.HOST}:{os.getppid()}:run2"
    assert claims.is_stale(by, utcnow()) and not claims.is_stale(alive, utcnow())


def test_success_clears_the_error(session, db_url, due_message, tmp_path) -> None:
    """A message recovered as failed while a slow run was still sending it: the run's success
    wins, and the error text does not stay on a sent message."""
    with session_scope(db_url) as s:
        communications.reschedule(session=s, communication_id=due_message, error="not sent yet: timeout")
    report = run_agent(today=DAY, send=True, url=db_url, mailer=OutboxMailer(tmp_path / "outbox"))
    row = _row(session, due_message)
    assert report.sent == 1 and row.status == CommunicationStatus.SENT and row.error is None
    with session_scope(db_url) as s:  # a late recovery, then the slow sender's outcome
        communications.mark_failed(session=s, communication_id=due_message, error=communications.INTERRUPTED)
        communications.record_delivery(
            session=s, communication_id=due_message, today=DAY, channel="smtp", bounced={}, deferred={}
        )
    row = _row(session, due_message)
    assert row.status == CommunicationStatus.SENT and row.error is None


def test_a_run_with_failures_exits_1(db_url, session, due_message, smtp, tmp_path) -> None:
    """Every recipient refused (a hard bounce): the message failed, so `agent run` exits 1."""
    from billabex_core.models import Contact

    session.exec(select(Contact)).one().email = "bounce@acme.example"
    session.commit()
    run_agent(today=DAY, url=db_url)  # the plan follows the corrected address
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "billabex_core",
            "--db",
            db_url,
            "agent",
            "run",
            "--today",
            "2026-02-02",
            "--send",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "BILLABEX_DATA_DIR": str(tmp_path)},
    )
    assert "0 sent, 1 failed" in out.stdout, out.stdout + out.stderr
    assert out.returncode == 1
