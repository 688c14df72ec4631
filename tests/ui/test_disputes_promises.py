"""Disputes and promises to pay through AppTest (issue #13): on the invoice, mark it disputed with a
reason (its reminder leaves at once, a dispute task opens) and resolve it (back in the reminders);
record a promise to pay (the reminder waits until the date + 2 business days) and cancel it; the
account shows each promise and dispute with its outcome. Every action in the audit log."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from billabex_core.db.engine import session_scope
from billabex_core.jobs.agent_run import run_agent
from billabex_core.models import AuditEvent, Communication, CommunicationStatus, Document, Task, TaskKind
from tests.ui.test_communications import DAY, plan


def _invoice_id() -> int:
    with session_scope() as s:
        return s.exec(select(Document.id)).one()


def _message() -> Communication:
    with session_scope() as s:
        row = s.exec(select(Communication).order_by(Communication.id)).first()
        s.expunge(row)
        return row


def _actors(action: str) -> list[str]:
    with session_scope() as s:
        return [e.actor for e in s.exec(select(AuditEvent).where(AuditEvent.action == action))]


def _open_invoice(app) -> AppTest:  # type: ignore[no-untyped-def]
    at = app("pages/invoices.py")
    at.query_params["document"] = str(_invoice_id())
    return at.run()


def _press(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return at.run()


def _said(at: AppTest) -> str:
    return " ".join(str(e.value) for e in [*at.success, *at.warning, *at.info])


def test_dispute_then_resolve(app) -> None:  # type: ignore[no-untyped-def]
    plan()
    at = _open_invoice(app)
    assert not at.exception, at.exception
    at = _press(at, ":material/gavel: Mark as disputed")
    assert "say why the invoice is disputed" in _said(at)
    at.text_input(key="dispute_reason").input("delivery incomplete")
    at = _press(at, ":material/gavel: Mark as disputed")
    assert "GL-1 is disputed: out of the reminders, a dispute task is open." in _said(at)
    assert "Disputed by alice" in _said(at) and "delivery incomplete" in _said(at)
    assert _message().status == CommunicationStatus.CANCELLED  # out of the reminders at once
    with session_scope() as s:
        [task] = s.exec(select(Task).where(Task.kind == TaskKind.DISPUTE)).all()
        assert task.status.is_open and "delivery incomplete" in task.message
    at.text_input(key="dispute_note").input("missing part delivered")
    at = _press(at, "Resolve the dispute")
    assert "Dispute on GL-1 resolved: the invoice is back in the reminders." in _said(at)
    assert _message().status == CommunicationStatus.SCHEDULED
    assert _actors("dispute.opened") == ["alice"] and _actors("dispute.resolved") == ["alice"]


def test_promise_to_pay_holds_the_reminder_and_shows_on_the_account(app) -> None:  # type: ignore[no-untyped-def]
    plan()
    assert _message().scheduled_for == DAY
    at = _open_invoice(app)
    at.text_input(key="promise_amount").input("120,00")
    at.date_input(key="promise_date").set_value(date(2026, 3, 6))  # a Friday
    at.text_input(key="promise_note").input("CFO on the phone")
    at = _press(at, ":material/handshake: Record the promise")
    assert "Promise recorded: reminders of GL-1 wait until 10 Mar 2026." in _said(at)
    assert _message().scheduled_for == date(2026, 3, 10)
    assert (
        "Promise to pay €120.00 by 6 Mar 2026 (recorded by alice): reminders wait until 10 Mar 2026."
        in _said(at)
    )
    run_agent(today=DAY, send=True)
    assert _message().status == CommunicationStatus.SCHEDULED  # nothing went out
    with session_scope() as s:
        account_id = s.exec(select(Document.account_id)).one()
    account = app("pages/accounts.py")
    account.query_params["account"] = str(account_id)
    account.run()
    assert not account.exception, account.exception
    promises = next(d.value for d in account.dataframe if "Promised for" in d.value.columns)
    assert list(promises["Status"]) == ["… open"] and list(promises["Amount"]) == ["€120.00"]
    at = _open_invoice(app)
    at.button(key="promise_cancel").click().run()
    assert "Promise cancelled" in _said(at)
    assert _message().scheduled_for == DAY
    account.run()
    promises = next(d.value for d in account.dataframe if "Promised for" in d.value.columns)
    assert list(promises["Status"]) == ["cancelled"] and list(promises["Outcome"]) == ["cancelled by alice"]
    assert _actors("promise.recorded") == ["alice"] and _actors("promise.cancelled") == ["alice"]


def test_a_broken_promise_shows_its_outcome_on_the_account(app) -> None:  # type: ignore[no-untyped-def]
    plan()
    at = _open_invoice(app)
    at.date_input(key="promise_date").set_value(DAY)
    at = _press(at, ":material/handshake: Record the promise")
    run_agent(today=DAY + timedelta(days=2), send=True)  # Wednesday: two business days later
    with session_scope() as s:
        account_id = s.exec(select(Document.account_id)).one()
    account = app("pages/accounts.py")
    account.query_params["account"] = str(account_id)
    account.run()
    promises = next(d.value for d in account.dataframe if "Promised for" in d.value.columns)
    assert list(promises["Status"]) == ["✗ broken"]
    assert list(promises["Outcome"]) == [
        "€0.00 of €120.00 promised for 2 Mar 2026 received; reminders resumed"  # the screen's date format
    ]
