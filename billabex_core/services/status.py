"""Computed statuses (domain.md §3) and the account's outstanding balance.

Pure rules first (``invoice_figures``, ``credit_note_figures``), then the functions that read a
whole account and store the results on its rows. Nothing here is ever set by hand.

For synced documents the billing tool's remaining amount is the truth (domain.md §4): the
covered amount is then ``total - provider_remaining``, whatever payments we happen to hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from billabex_core.models import (
    ZERO,
    Account,
    Contact,
    ContactUsage,
    CreditApplication,
    CreditNoteStatus,
    Document,
    DocumentKind,
    InvoiceStatus,
    Payment,
    PaymentStatus,
)


@dataclass(frozen=True)
class InvoiceFigures:
    paid: Decimal
    credited: Decimal
    remaining: Decimal
    payment_status: PaymentStatus
    invoice_status: InvoiceStatus


def payment_status(covered: Decimal, total: Decimal) -> PaymentStatus:
    if covered <= 0:
        return PaymentStatus.UNPAID
    if covered < total:
        return PaymentStatus.PARTIALLY_PAID
    if covered == total:
        return PaymentStatus.PAID
    return PaymentStatus.OVERPAID


def invoice_figures(
    *,
    total: Decimal,
    paid: Decimal,
    credited: Decimal,
    due_date: date | None,
    today: date,
    provider_remaining: Decimal | None = None,
) -> InvoiceFigures:
    covered = paid + credited if provider_remaining is None else total - provider_remaining
    remaining = total - covered
    if covered >= total:
        status = InvoiceStatus.PAID
    elif due_date is not None and due_date < today:
        status = InvoiceStatus.OVERDUE
    else:
        status = InvoiceStatus.ISSUED
    return InvoiceFigures(paid, credited, remaining, payment_status(covered, total), status)


def credit_note_status(applied: Decimal, total: Decimal) -> CreditNoteStatus:
    if applied <= 0:
        return CreditNoteStatus.OPEN
    if applied < total:
        return CreditNoteStatus.PARTIALLY_APPLIED
    return CreditNoteStatus.SETTLED


def available_credit(note: Document, applied: Decimal) -> Decimal:
    """What a credit note can still give: the provider's remaining when synced, else total - applied."""
    if note.provider_remaining is not None:
        return max(note.provider_remaining, ZERO)
    return max(note.total_incl_tax - applied, ZERO)


def _sums(
    session: Session, column: sa.ColumnElement, amount: sa.ColumnElement, ids: list[int]
) -> dict[int, Decimal]:
    if not ids:
        return {}
    rows = session.exec(select(column, func.sum(amount)).where(column.in_(ids)).group_by(column)).all()
    return {row[0]: row[1] or ZERO for row in rows}


def recompute_account(*, session: Session, account_id: int, today: date) -> Account:
    """Recompute every document of one account, then the account's balance and counters."""
    account = session.get(Account, account_id)
    assert account is not None
    docs = list(session.exec(select(Document).where(Document.account_id == account_id)))
    invoice_ids = [d.id for d in docs if d.kind == DocumentKind.INVOICE and d.id is not None]
    note_ids = [d.id for d in docs if d.kind == DocumentKind.CREDIT_NOTE and d.id is not None]
    paid = _sums(session, col(Payment.document_id), col(Payment.amount), invoice_ids)
    credited = _sums(session, col(CreditApplication.invoice_id), col(CreditApplication.amount), invoice_ids)
    applied = _sums(session, col(CreditApplication.credit_note_id), col(CreditApplication.amount), note_ids)

    balance, overdue = ZERO, 0
    for doc in docs:
        if doc.kind == DocumentKind.INVOICE:
            fig = invoice_figures(
                total=doc.total_incl_tax,
                paid=paid.get(doc.id, ZERO),
                credited=credited.get(doc.id, ZERO),
                due_date=doc.due_date,
                today=today,
                provider_remaining=doc.provider_remaining,
            )
            _set(
                doc,
                paid_amount=fig.paid,
                credited_amount=fig.credited,
                remaining_amount=fig.remaining,
                payment_status=fig.payment_status,
                invoice_status=fig.invoice_status,
            )
            if doc.currency == account.currency:
                balance += fig.remaining
            overdue += fig.invoice_status == InvoiceStatus.OVERDUE
        else:
            used = applied.get(doc.id, ZERO)
            left = available_credit(doc, used)
            _set(
                doc,
                credited_amount=used,
                remaining_amount=left,
                credit_status=credit_note_status(doc.total_incl_tax - left, doc.total_incl_tax),
            )
            if doc.currency == account.currency:
                balance -= left
    contacts = session.exec(
        select(func.count())
        .select_from(Contact)
        .where(
            Contact.account_id == account_id,
            col(Contact.is_valid).is_(True),
            Contact.usage != ContactUsage.DO_NOT_CONTACT,
        )
    ).one()
    _set(account, outstanding_balance=balance, overdue_count=overdue, contact_count=int(contacts))
    session.flush()
    return account


def _set(row: object, **values: object) -> None:
    """Assign only what changed, so unchanged rows are not written (nor their version bumped)."""
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)


def refresh_overdue(*, session: Session, today: date) -> int:
    """The daily pass: recompute the accounts whose invoices changed side of their due date.

    Only those accounts are read (an indexed query), so it stays cheap at any size.
    Returns the number of accounts recomputed.
    """
    due = col(Document.due_date)
    stale = (
        select(Document.account_id)
        .where(
            Document.kind == DocumentKind.INVOICE,
            sa.or_(
                sa.and_(Document.invoice_status == InvoiceStatus.ISSUED, due < today),
                sa.and_(Document.invoice_status == InvoiceStatus.OVERDUE, due >= today),
            ),
        )
        .distinct()
    )
    account_ids = list(session.exec(stale))
    for account_id in account_ids:
        recompute_account(session=session, account_id=account_id, today=today)
    return len(account_ids)
