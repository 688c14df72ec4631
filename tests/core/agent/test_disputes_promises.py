"""Disputes and promises to pay (domain.md §6b, issue #13) on SQLite and PostgreSQL: a disputed
invoice leaves the reminders and opens a dispute task, resolving it (or closing the task) puts it
back; a promise holds its invoice's reminders until the promised date plus two business days,
then they resume if it is still unpaid, and the promise's outcome is recorded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from billabex_core.errors import ValidationError
from billabex_core.jobs import reminders
from billabex_core.jobs.agent_run import run_agent
from billabex_core.models import (
    AuditEvent,
    Communication,
    CommunicationStatus,
    Promise,
    Task,
    TaskKind,
    TaskStatus,
)
from billabex_core.services import tasks
from billabex_core.services.contacts import add_contact
from billabex_core.services.payments import record_payment

DAY = date(2026, 3, 2)  # Monday
SCHEDULED, CANCELLED, SENT = (
    CommunicationStatus.SCHEDULED,
    CommunicationStatus.CANCELLED,
    CommunicationStatus.SENT,
)


@pytest.fixture
def two_late(session, org, account, add_document):  # type: ignore[no-untyped-def]
    first = add_document(account, "F-1", "100.00", due=DAY - timedelta(days=40), on=date(2026, 1, 2)).document
    second = add_document(account, "F-2", "50.00", due=DAY - timedelta(days=10), on=date(2026, 1, 2)).document
    add_contact(
        session=session, account_id=account.id, email="ap@acme.example", language="fr", actor="t", today=DAY
    )
    session.commit()
    return first, second


def _planned(session) -> list[Communication]:  # type: ignore[no-untyped-def]
    session.expire_all()
    query = select(Communication).where(Communication.status == SCHEDULED).order_by(Communication.id)
    return list(session.exec(query))


def _actions(session) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return [(e.actor, e.action) for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]


def test_a_disputed_invoice_leaves_the_reminders_until_the_dispute_is_resolved(
    session, db_url, two_late
) -> None:  # type: ignore[no-untyped-def]
    first, second = two_late
    run_agent(today=DAY, url=db_url)
    [before] = _planned(session)
    assert before.invoice_ids == [first.id, second.id]
    with pytest.raises(ValidationError, match="why"):
        reminders.dispute(session=session, document_id=first.id, reason=" ", actor="alice", today=DAY)
    dispute = reminders.dispute(
        session=session, document_id=first.id, reason="goods returned damaged", actor="alice", today=DAY
    )
    session.commit()
    [now] = _planned(session)  # at once, not at the next run
    assert now.invoice_ids == [second.id] and "F-1" not in now.body and "F-2" in now.body
    task = session.get(Task, dispute.task_id)
    assert task.kind == TaskKind.DISPUTE and task.status.is_open and "goods returned damaged" in task.message
    with pytest.raises(ValidationError, match="already disputed"):
        reminders.dispute(session=session, document_id=first.id, reason="again", actor="bob", today=DAY)
    run_agent(today=DAY, url=db_url)
    assert _planned(session)[0].invoice_ids == [second.id]
    reminders.resolve(
        session=session, dispute_id=dispute.id, actor="bob", today=DAY, note="credit note agreed"
    )
    session.commit()
    assert _planned(session)[0].invoice_ids == [first.id, second.id]
    session.expire_all()
    assert session.get(Task, dispute.task_id).status == TaskStatus.CLOSED
    assert ("alice", "dispute.opened") in _actions(session) and ("bob", "dispute.resolved") in _actions(
        session
    )


def test_closing_the_dispute_task_puts_the_invoice_back(session, db_url, two_late) -> None:  # type: ignore[no-untyped-def]
    first, second = two_late
    dispute = reminders.dispute(
        session=session, document_id=second.id, reason="wrong price", actor="alice", today=DAY
    )
    session.commit()
    run_agent(today=DAY, url=db_url)
    assert _planned(session)[0].invoice_ids == [first.id]
    tasks.set_status(
        session=session, task_id=dispute.task_id, status=TaskStatus.CLOSED, actor="bob", note="sorted"
    )
    session.commit()
    run_agent(today=DAY, url=db_url)
    assert _planned(session)[0].invoice_ids == [first.id, second.id]


def test_disputing_the_only_invoice_cancels_its_message(session, db_url, org, account, add_document) -> None:  # type: ignore[no-untyped-def]
    only = add_document(account, "F-1", "100.00", due=DAY - timedelta(days=5), on=date(2026, 1, 2)).document
    add_contact(
        session=session, account_id=account.id, email="ap@acme.example", language="fr", actor="t", today=DAY
    )
    session.commit()
    run_agent(today=DAY, url=db_url)
    [row] = _planned(session)
    reminders.dispute(session=session, document_id=only.id, reason="not ordered", actor="alice", today=DAY)
    session.commit()
    session.expire_all()
    assert session.get(Communication, row.id).status == CANCELLED
    assert run_agent(today=DAY, url=db_url).planned == 0


def test_a_promise_holds_the_reminders_until_two_business_days_after_its_date(
    session, db_url, two_late, smtp
) -> None:  # type: ignore[no-untyped-def]
    first, second = two_late
    friday = DAY + timedelta(days=4)
    with pytest.raises(ValidationError, match="at most what remains"):
        reminders.promise(
            session=session, document_id=second.id, amount="60,00", promised_for=friday, actor="a", today=DAY
        )
    with pytest.raises(ValidationError, match="between today"):
        reminders.promise(
            session=session,
            document_id=second.id,
            amount="50",
            promised_for=DAY - timedelta(1),
            actor="a",
            today=DAY,
        )
    for doc, amount in ((first, "100,00"), (second, "50")):
        reminders.promise(
            session=session, document_id=doc.id, amount=amount, promised_for=friday, actor="alice", today=DAY
        )
    session.commit()
    [held] = _planned(session)
    tuesday = friday + timedelta(days=4)
    assert held.scheduled_for == tuesday  # Friday + 2 business days
    for day in range(5):
        assert run_agent(today=DAY + timedelta(days=day), send=True, url=db_url).sent == 0
    record_payment(
        session=session, document_id=second.id, amount="50", paid_on=friday, actor="alice", today=friday
    )
    session.commit()
    report = run_agent(today=tuesday, send=True, url=db_url)
    assert report.sent == 1
    [message] = smtp.to("ap@acme.example")
    assert "F-1" in message.get_body().get_content() and "F-2" not in message.get_body().get_content()
    session.expire_all()
    promises = {p.document_id: p for p in session.exec(select(Promise))}
    assert promises[second.id].status == "kept" and promises[first.id].status == "broken"
    assert "reminders resumed" in promises[first.id].outcome
    assert ("agent", "promise.broken") in _actions(session) and ("alice", "promise.recorded") in _actions(
        session
    )


def test_a_new_promise_replaces_the_open_one_and_a_promise_can_be_cancelled(
    session, db_url, two_late
) -> None:  # type: ignore[no-untyped-def]
    first, _ = two_late
    one = reminders.promise(
        session=session, document_id=first.id, amount="100", promised_for=DAY, actor="a", today=DAY
    )
    two = reminders.promise(
        session=session,
        document_id=first.id,
        amount="40",
        promised_for=DAY + timedelta(days=10),
        actor="a",
        today=DAY,
    )
    session.commit()
    session.expire_all()
    assert session.get(Promise, one.id).status == "replaced"
    reminders.cancel_promise(
        session=session, promise_id=two.id, actor="bob", today=DAY, reason="customer withdrew"
    )
    session.commit()
    session.expire_all()
    assert session.get(Promise, two.id).status == "cancelled"
    assert set(_planned(session)[0].invoice_ids) == {first.id, _.id}  # nothing held any more
