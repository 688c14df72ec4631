"""Statuses of synced documents (domain.md §3–4, issue #12 point 6): the billing tool's figures,
overpayments, zero totals, three-decimal currencies, and a new synced document resuming a paused
account as an imported one does."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlmodel import select

from billabex_core.connectors.records import (
    AccountRecord,
    DocumentRecord,
    Entity,
    PaymentRecord,
    RecordPage,
)
from billabex_core.db.engine import get_engine
from billabex_core.jobs.sync_runs import run_integration_sync
from billabex_core.models import Account, AuditEvent, Document, InvoiceStatus, PaymentStatus
from billabex_core.services.accounts import set_paused
from billabex_core.services.export import export_rows

D = Decimal


class FakeConnector:
    """A provider-neutral connector in memory: one page per entity."""

    ENTITIES = (Entity.ACCOUNT, Entity.INVOICE, Entity.CREDIT_NOTE, Entity.PAYMENT)
    requests = 0

    def __init__(self, pages: dict[Entity, list]) -> None:
        self._pages = pages

    def pages(self, entity, *, cursor, full=False):
        yield RecordPage(self._pages.get(entity, []), cursor=f"{entity.value}-done")

    def close(self) -> None:
        pass


def _sync(db_url, integration_id, today, pages):
    return run_integration_sync(
        engine=get_engine(db_url),
        integration_id=integration_id,
        today=today,
        connector_factory=lambda *_: FakeConnector(pages),
        full=True,
    )


def _invoice(ext: str, total: str, remaining: str | None, today, currency: str = "EUR") -> DocumentRecord:
    return DocumentRecord(
        ext,
        "c1",
        Entity.INVOICE,
        f"F-{ext}",
        currency,
        D(total),
        due_date=today - timedelta(days=5),
        remaining_amount=None if remaining is None else D(remaining),
    )


def _doc(session, ext: str) -> Document:
    session.expire_all()
    return session.exec(select(Document).where(Document.external_id == ext)).one()


def test_synced_overpayments_and_zero_totals(session, db_url, integration_id, today) -> None:
    pages = {
        Entity.ACCOUNT: [AccountRecord("c1", "Acme SAS")],
        Entity.INVOICE: [
            _invoice("i1", "100.00", "-20.00", today),  # the tool says 20 were paid too much
            _invoice("i2", "100.00", "0.00", today),  # the tool says nothing remains...
            _invoice("i3", "0.00", "0.00", today),  # a zero invoice
            _invoice("i4", "0.00", None, today),
        ],
        Entity.PAYMENT: [
            PaymentRecord("p1", "c1", D("70.00"), "EUR", today, invoice_external_id="i2"),
            PaymentRecord("p2", "c1", D("50.00"), "EUR", today, invoice_external_id="i2"),  # ...but 120 paid
        ],
    }
    _sync(db_url, integration_id, today, pages)
    overpaid = _doc(session, "i1")
    assert (overpaid.payment_status, overpaid.invoice_status, overpaid.remaining_amount) == (
        PaymentStatus.OVERPAID,
        InvoiceStatus.PAID,
        D("-20.00"),
    )
    paid_too_much = _doc(session, "i2")
    assert (paid_too_much.payment_status, paid_too_much.invoice_status) == (
        PaymentStatus.OVERPAID,
        InvoiceStatus.PAID,
    )
    assert paid_too_much.remaining_amount == 0  # the tool's remaining amount stays the truth
    for ext in ("i3", "i4"):
        zero = _doc(session, ext)
        assert (zero.payment_status, zero.invoice_status) == (PaymentStatus.PAID, InvoiceStatus.PAID)


def test_three_decimal_currency_synced_exactly(session, db_url, integration_id, today) -> None:
    pages = {
        Entity.ACCOUNT: [AccountRecord("c1", "Tunis SARL", currency="TND")],
        Entity.INVOICE: [_invoice("t1", "1.234", "0.617", today, currency="TND")],
    }
    _sync(db_url, integration_id, today, pages)
    doc = _doc(session, "t1")
    assert (doc.total_incl_tax, doc.remaining_amount, doc.payment_status) == (
        D("1.234"),
        D("0.617"),
        PaymentStatus.PARTIALLY_PAID,
    )
    account = session.exec(select(Account).where(Account.external_id == "c1")).one()
    assert account.outstanding_balance == D("0.617")
    row = export_rows(session=session, entity="invoices")[0]
    assert (row["total_incl_tax"], row["remaining_amount"]) == ("1.234", "0.617")


def test_a_new_synced_document_resumes_a_paused_account(session, db_url, integration_id, today) -> None:
    first = {
        Entity.ACCOUNT: [AccountRecord("c1", "Acme SAS")],
        Entity.INVOICE: [_invoice("i1", "100.00", "100.00", today)],
    }
    _sync(db_url, integration_id, today, first)
    account = session.exec(select(Account).where(Account.external_id == "c1")).one()
    set_paused(session=session, account_id=account.id, paused=True, actor="alice", reason="holiday")
    session.commit()
    # an update of a known document does not resume it
    _sync(db_url, integration_id, today, {Entity.INVOICE: [_invoice("i1", "100.00", "60.00", today)]})
    session.expire_all()
    assert session.get(Account, account.id).paused
    # a new invoice does, as an imported one would
    _sync(db_url, integration_id, today, {Entity.INVOICE: [_invoice("i2", "50.00", "50.00", today)]})
    session.expire_all()
    resumed = session.get(Account, account.id)
    assert (resumed.paused, resumed.paused_reason) == (False, None)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "account.resumed")).one()
    assert (
        event.actor == "sync" and event.account_id == account.id and "new document" in event.details["reason"]
    )
    # a new credit note too
    set_paused(session=session, account_id=account.id, paused=True, actor="alice", reason="again")
    session.commit()
    note = DocumentRecord(
        "n1", "c1", Entity.CREDIT_NOTE, "AV-1", "EUR", D("10.00"), remaining_amount=D("10.00")
    )
    _sync(db_url, integration_id, today, {Entity.CREDIT_NOTE: [note]})
    session.expire_all()
    assert not session.get(Account, account.id).paused
