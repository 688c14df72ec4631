"""``agent run`` on a database: planning, exactly-once delivery, bounces, catch-up, tasks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from billabex_core.jobs.agent_run import run_agent
from billabex_core.mail import OutboxMailer
from billabex_core.models import Communication, CommunicationStatus, Contact, Task, TaskKind, TaskStatus
from billabex_core.services.accounts import set_paused
from billabex_core.services.contacts import add_contact
from billabex_core.services.payments import record_payment


@pytest.fixture
def overdue_account(session, org, account, add_document):
    add_document(account, "F-1", "120.00", due=date(2026, 1, 30), on=date(2026, 1, 2))
    add_contact(
        session=session,
        account_id=account.id,
        email="ap@acme.example",
        language="en",
        actor="t",
        today=date(2026, 1, 2),
    )
    add_contact(
        session=session,
        account_id=account.id,
        email="cfo@acme.example",
        language="en",
        actor="t",
        usage="copy_only",
        today=date(2026, 1, 2),
    )
    session.commit()
    return account


def _comms(session):
    session.expire_all()
    return session.exec(select(Communication).order_by(Communication.id)).all()


def test_plan_then_send_exactly_once_over_smtp(session, db_url, overdue_account, smtp) -> None:
    report = run_agent(today=date(2026, 2, 1), url=db_url)
    assert report.planned == 1
    [comm] = _comms(session)
    assert (comm.step_key, comm.scheduled_for, comm.status) == (
        "overdue:1:1",
        date(2026, 2, 2),
        CommunicationStatus.SCHEDULED,
    )
    assert comm.recipients == ["ap@acme.example"] and comm.cc == ["cfo@acme.example"]
    assert comm.language == "en" and "F-1" in comm.body and "€120.00" in comm.body
    assert run_agent(today=date(2026, 2, 1), send=True, url=db_url).sent == 0  # not due yet
    assert run_agent(today=date(2026, 2, 2), send=True, url=db_url).sent == 1
    assert run_agent(today=date(2026, 2, 2), send=True, url=db_url).sent == 0  # never twice
    assert len(smtp.messages) == 1
    rcpts, content = smtp.messages[0]
    assert sorted(rcpts) == ["ap@acme.example", "cfo@acme.example"]
    assert b"Message-ID: <overdue.1.1@billabex>" in content
    comms = _comms(session)
    assert comms[0].status == CommunicationStatus.SENT
    # the next step is planned 10 business days later
    assert [(c.step_key, c.scheduled_for) for c in comms[1:]] == [("overdue:1:2", date(2026, 2, 16))]


def test_catch_up_sends_on_the_day_once(session, db_url, overdue_account, tmp_path) -> None:
    outbox = OutboxMailer(tmp_path / "outbox")
    report = run_agent(today=date(2026, 2, 20), send=True, url=db_url, mailer=outbox)
    assert report.sent == 1
    assert len(list((tmp_path / "outbox").iterdir())) == 1
    comm = _comms(session)[0]
    # a catch-up is dated the run day (issue #12 point 5), sent once
    assert comm.status == CommunicationStatus.SENT and comm.scheduled_for == date(2026, 2, 20)
    assert run_agent(today=date(2026, 2, 21), send=True, url=db_url, mailer=outbox).sent == 0


def test_crash_after_claim_is_never_resent(session, db_url, overdue_account, tmp_path) -> None:
    class Boom:
        def deliver(self, message):
            raise KeyboardInterrupt  # the process dies mid-delivery

    run_agent(today=date(2026, 2, 2), url=db_url)
    with pytest.raises(KeyboardInterrupt):
        run_agent(today=date(2026, 2, 2), send=True, url=db_url, mailer=Boom())
    assert _comms(session)[0].status == CommunicationStatus.SENDING
    outbox = OutboxMailer(tmp_path / "outbox")
    report = run_agent(today=date(2026, 2, 3), send=True, url=db_url, mailer=outbox)
    comm = _comms(session)[0]
    assert comm.status == CommunicationStatus.FAILED and "interrupted" in comm.error
    assert report.sent == 0 and not (tmp_path / "outbox").exists()


def test_hard_bounce_invalidates_the_contact(session, db_url, org, account, add_document, smtp) -> None:
    add_document(account, "F-2", "50.00", due=date(2026, 1, 30), on=date(2026, 1, 2))
    add_contact(
        session=session,
        account_id=account.id,
        email="bounce@acme.example",
        language="fr",
        actor="t",
        today=date(2026, 1, 2),
    )
    session.commit()
    report = run_agent(today=date(2026, 2, 2), send=True, url=db_url)
    assert report.bounced == 1 and report.failed == 1
    session.expire_all()
    contact = session.exec(select(Contact)).one()
    assert not contact.is_valid and "550" in contact.invalid_reason
    # one cause, one task (issue #12 point 4): the invalid-contact task, not also a missing-contact one
    kinds = [t.kind for t in session.exec(select(Task).where(Task.status == TaskStatus.ACTION_REQUIRED))]
    assert kinds == [TaskKind.INVALID_CONTACT]
    assert smtp.messages == []


def test_payment_or_pause_cancels_the_plan(session, db_url, overdue_account, add_document) -> None:
    run_agent(today=date(2026, 2, 1), url=db_url)
    session.expire_all()  # the agent's own transactions changed the account
    set_paused(session=session, account_id=overdue_account.id, paused=True, actor="t", reason="dispute")
    session.commit()
    assert run_agent(today=date(2026, 2, 1), url=db_url).cancelled == 1
    set_paused(session=session, account_id=overdue_account.id, paused=False, actor="t")
    session.commit()
    run_agent(today=date(2026, 2, 1), url=db_url)
    assert _comms(session)[0].status == CommunicationStatus.SCHEDULED  # revived
    invoice_id = _comms(session)[0].invoice_ids[0]
    session.expire_all()
    record_payment(
        session=session,
        document_id=invoice_id,
        amount="120.00",
        paid_on=date(2026, 2, 1),
        actor="t",
        today=date(2026, 2, 1),
    )
    session.commit()
    run_agent(today=date(2026, 2, 1), url=db_url)
    assert _comms(session)[0].status == CommunicationStatus.CANCELLED


def test_missing_contact_and_escalation_tasks(session, db_url, account, add_document) -> None:
    add_document(account, "F-9", "10.00", due=date(2025, 10, 1), on=date(2025, 9, 1))
    run_agent(today=date(2026, 3, 2), url=db_url)
    session.expire_all()
    kinds = sorted(t.kind.value for t in session.exec(select(Task)))
    assert kinds == ["escalation", "missing_contact"]
    run_agent(today=date(2026, 3, 3), url=db_url)
    assert len(session.exec(select(Task)).all()) == 2  # asked once


def test_cli_agent_run(db_url, overdue_account, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[3]
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
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "BILLABEX_DATA_DIR": str(tmp_path)},
    )
    assert out.returncode == 0, out.stderr
    assert "1 sent" in out.stdout
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1
    bad = subprocess.run(
        [sys.executable, "-m", "billabex_core", "--db", db_url, "agent", "run", "--today", "2026-13-01"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and bad.stderr.startswith("error: --today")


def test_worker_runs_the_agent_once_per_business_day(db_url, overdue_account, monkeypatch, tmp_path) -> None:
    from billabex_core.db.engine import get_engine
    from billabex_core.jobs import worker

    calls = []
    monkeypatch.setenv("BILLABEX_TODAY", "2026-02-02")
    monkeypatch.setattr(
        worker,
        "run_agent",
        lambda **kw: calls.append(kw) or run_agent(mailer=OutboxMailer(tmp_path / "outbox"), **kw),
    )
    engine = get_engine(db_url)
    day = worker.run_daily_agent(engine, last_day=None)
    assert day == date(2026, 2, 2) and calls[0]["send"] is True
    assert worker.run_daily_agent(engine, last_day=day) == day
    assert len(calls) == 1  # not again the same day
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1


def test_nothing_sent_stays_due_and_goes_out_later(session, db_url, overdue_account, tmp_path) -> None:
    class Down:
        def deliver(self, message):
            raise ConnectionRefusedError(111, "Connection refused")

    first = run_agent(today=date(2026, 2, 2), send=True, url=db_url, mailer=Down())
    assert first.sent == 0 and first.errors
    comm = _comms(session)[0]
    assert comm.status == CommunicationStatus.SCHEDULED and "not sent yet" in comm.error
    later = run_agent(today=date(2026, 2, 3), send=True, url=db_url, mailer=OutboxMailer(tmp_path / "outbox"))
    assert later.sent == 1 and _comms(session)[0].status == CommunicationStatus.SENT


def test_cancelled_tasks_are_not_reopened_by_the_daily_pass(session, db_url, account, add_document) -> None:
    from billabex_core.services.tasks import set_status

    add_document(account, "F-9", "10.00", due=date(2026, 2, 20), on=date(2026, 1, 2))
    task = session.exec(select(Task)).one()
    set_status(
        session=session, task_id=task.id, status=TaskStatus.CANCELLED, actor="alice", note="not needed"
    )
    session.commit()
    assert run_agent(today=date(2026, 3, 2), url=db_url).tasks_opened == 0
    session.expire_all()
    assert [t.status for t in session.exec(select(Task))] == [TaskStatus.CANCELLED]


def test_pre_due_reminder_when_run_as_of_a_past_day(
    session, db_url, org, account, add_document, tmp_path
) -> None:
    add_document(
        account, "F-PRE", "80.00", issued=date(2026, 2, 16), due=date(2026, 3, 16), on=date(2026, 2, 16)
    )
    add_contact(
        session=session,
        account_id=account.id,
        email="ap@acme.example",
        language="fr",
        actor="t",
        today=date(2026, 2, 16),
    )
    session.commit()
    run_agent(today=date(2026, 3, 2), url=db_url)
    [comm] = _comms(session)
    assert (comm.step_key.startswith("pre:"), comm.scheduled_for, comm.language) == (
        True,
        date(2026, 3, 11),
        "fr",
    )
    outbox = OutboxMailer(tmp_path / "outbox")
    assert run_agent(today=date(2026, 3, 10), send=True, url=db_url, mailer=outbox).sent == 0
    assert run_agent(today=date(2026, 3, 11), send=True, url=db_url, mailer=outbox).sent == 1
    assert "16 mars 2026" in _comms(session)[0].body


def test_reminders_list_only_invoices_in_the_account_currency(session, db_url, account, add_document) -> None:
    """domain.md §6b: one currency per message, the one of the balance; the other has its anomaly task."""
    add_document(account, "F-EUR", "120.00", due=date(2026, 1, 30), on=date(2026, 1, 2))
    add_document(account, "F-USD", "99.00", due=date(2026, 1, 20), on=date(2026, 1, 2), currency="USD")
    add_document(account, "F-USD-SOON", "50.00", due=date(2026, 3, 16), on=date(2026, 1, 2), currency="USD")
    add_contact(
        session=session,
        account_id=account.id,
        email="ap@acme.example",
        language="en",
        actor="t",
        today=date(2026, 1, 2),
    )
    session.commit()
    run_agent(today=date(2026, 2, 2), url=db_url)
    [comm] = _comms(session)
    assert comm.step_key == "overdue:1:1" and comm.scheduled_for == date(2026, 2, 2)  # after F-EUR's due date
    assert "F-EUR" in comm.body and "USD" not in comm.body and "F-USD" not in comm.subject
    assert len(comm.invoice_ids) == 1
