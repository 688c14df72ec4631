"""Credit note allocation (domain.md §4)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlmodel import select

from billabex_core.models import CreditApplication, CreditNoteStatus, DocumentKind, InvoiceStatus

D = Decimal
CN = DocumentKind.CREDIT_NOTE


def _applications(session):
    return [
        (a.credit_note_id, a.invoice_id, a.amount)
        for a in session.exec(select(CreditApplication).order_by(CreditApplication.id))
    ]


def test_named_invoice_first_then_oldest_due(session, account, add_document, today) -> None:
    old = add_document(account, "F-OLD", "100.00", due=today - timedelta(days=40)).document
    named = add_document(account, "F-NAMED", "50.00", due=today + timedelta(days=10)).document
    newer = add_document(account, "F-NEW", "80.00", due=today - timedelta(days=5)).document
    note = add_document(account, "AV-1", "170.00", kind=CN, credited="F-NAMED").document
    assert note.credited_invoice_id == named.id
    assert _applications(session) == [
        (note.id, named.id, D("50.00")),
        (note.id, old.id, D("100.00")),
        (note.id, newer.id, D("20.00")),
    ]
    for doc in (old, named, newer, note):
        session.refresh(doc)
    assert named.invoice_status == InvoiceStatus.PAID and old.invoice_status == InvoiceStatus.PAID
    assert newer.remaining_amount == D("60.00")
    assert note.credit_status == CreditNoteStatus.SETTLED
    session.refresh(account)
    assert account.outstanding_balance == D("60.00")


def test_excess_credit_waits_for_the_next_invoice(session, account, add_document, today) -> None:
    add_document(account, "F-1", "30.00")
    note = add_document(account, "AV-2", "100.00", kind=CN).document
    session.refresh(note)
    assert note.credit_status == CreditNoteStatus.PARTIALLY_APPLIED
    assert note.remaining_amount == D("70.00")
    session.refresh(account)
    assert account.outstanding_balance == D("-70.00")  # available credit lowers the balance
    nxt = add_document(account, "F-2", "50.00").document
    session.refresh(nxt)
    session.refresh(note)
    assert nxt.invoice_status == InvoiceStatus.PAID and nxt.credited_amount == D("50.00")
    assert note.remaining_amount == D("20.00")
    session.refresh(account)
    assert account.outstanding_balance == D("-20.00")


def test_other_currency_is_not_mixed(session, account, add_document) -> None:
    add_document(account, "F-USD", "30.00", currency="USD")
    note = add_document(account, "AV-EUR", "10.00", kind=CN).document
    session.refresh(note)
    assert note.credit_status == CreditNoteStatus.OPEN
    assert _applications(session) == []
