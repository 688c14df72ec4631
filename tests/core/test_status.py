"""Statuses (domain.md §3): pure rules, then stored on documents and accounts."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from billabex_core.domain.statuses import credit_note_status, invoice_figures
from billabex_core.models import CreditNoteStatus, InvoiceStatus, PaymentStatus
from billabex_core.services.payments import record_payment
from billabex_core.services.status import refresh_overdue

D = Decimal
TODAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("paid", "credited", "due", "payment", "status"),
    [
        ("0", "0", TODAY, PaymentStatus.UNPAID, InvoiceStatus.ISSUED),  # due today is not overdue
        ("0", "0", TODAY - timedelta(days=1), PaymentStatus.UNPAID, InvoiceStatus.OVERDUE),
        ("40", "0", TODAY + timedelta(days=5), PaymentStatus.PARTIALLY_PAID, InvoiceStatus.ISSUED),
        ("40", "60", TODAY - timedelta(days=5), PaymentStatus.PAID, InvoiceStatus.PAID),
        ("100", "0", TODAY - timedelta(days=5), PaymentStatus.PAID, InvoiceStatus.PAID),
        ("90", "20", TODAY - timedelta(days=5), PaymentStatus.OVERPAID, InvoiceStatus.PAID),
        ("0", "99.99", TODAY - timedelta(days=5), PaymentStatus.PARTIALLY_PAID, InvoiceStatus.OVERDUE),
    ],
)
def test_invoice_figures(
    paid: str, credited: str, due: date, payment: PaymentStatus, status: InvoiceStatus
) -> None:
    fig = invoice_figures(total=D("100.00"), paid=D(paid), credited=D(credited), due_date=due, today=TODAY)
    assert fig.payment_status == payment
    assert fig.invoice_status == status
    assert fig.remaining == D("100.00") - D(paid) - D(credited)


def test_provider_remaining_is_the_truth() -> None:
    fig = invoice_figures(
        total=D("100.00"),
        paid=D("0"),
        credited=D("0"),
        due_date=TODAY,
        today=TODAY,
        provider_remaining=D("30.00"),
    )
    assert fig.remaining == D("30.00")
    assert fig.payment_status == PaymentStatus.PARTIALLY_PAID


@pytest.mark.parametrize(
    ("applied", "expected"),
    [
        ("0", CreditNoteStatus.OPEN),
        ("10", CreditNoteStatus.PARTIALLY_APPLIED),
        ("50", CreditNoteStatus.SETTLED),
    ],
)
def test_credit_note_status(applied: str, expected: CreditNoteStatus) -> None:
    assert credit_note_status(D(applied), D("50")) == expected


def test_payments_drive_status_and_balance(session, account, add_document, today) -> None:
    inv = add_document(account, "F-1", "120.00", due=today - timedelta(days=3)).document
    assert inv.invoice_status == InvoiceStatus.OVERDUE
    assert account.outstanding_balance == D("120.00")
    assert account.overdue_count == 1
    record_payment(
        session=session, document_id=inv.id, amount="20.00", paid_on=today, actor="alice", today=today
    )
    session.commit()
    session.refresh(inv)
    assert (inv.payment_status, inv.remaining_amount, inv.paid_amount) == (
        PaymentStatus.PARTIALLY_PAID,
        D("100.00"),
        D("20.00"),
    )
    record_payment(
        session=session, document_id=inv.id, amount="100", paid_on=today, actor="alice", today=today
    )
    session.commit()
    session.refresh(inv)
    session.refresh(account)
    assert inv.invoice_status == InvoiceStatus.PAID
    assert account.outstanding_balance == D("0.00")
    assert account.overdue_count == 0


def test_daily_refresh_turns_issued_into_overdue(session, account, add_document, today) -> None:
    inv = add_document(account, "F-2", "50.00", due=today).document
    assert inv.invoice_status == InvoiceStatus.ISSUED
    assert refresh_overdue(session=session, today=today + timedelta(days=1)) == 1
    session.commit()
    session.refresh(inv)
    session.refresh(account)
    assert inv.invoice_status == InvoiceStatus.OVERDUE
    assert account.overdue_count == 1
    assert refresh_overdue(session=session, today=today + timedelta(days=2)) == 0


def test_a_zero_invoice_is_paid_never_unpaid(session, account, add_document, today) -> None:
    inv = add_document(account, "F-0", "0.00", due=today - timedelta(days=10)).document
    assert (inv.payment_status, inv.invoice_status) == (PaymentStatus.PAID, InvoiceStatus.PAID)
    assert account.overdue_count == 0 and account.outstanding_balance == D("0.00")


def test_an_overpaid_invoice_lowers_the_balance(session, account, add_document, today) -> None:
    inv = add_document(account, "F-1", "100.00", due=today - timedelta(days=3)).document
    add_document(account, "F-2", "50.00", due=today - timedelta(days=3))
    record_payment(
        session=session,
        document_id=inv.id,
        amount="120",
        paid_on=today,
        actor="alice",
        today=today,
        confirm_overpayment=True,
    )
    session.commit()
    session.refresh(inv)
    session.refresh(account)
    assert (inv.payment_status, inv.invoice_status) == (PaymentStatus.OVERPAID, InvoiceStatus.PAID)
    assert account.outstanding_balance == D("30.00")  # 50 owed, 20 paid too much
