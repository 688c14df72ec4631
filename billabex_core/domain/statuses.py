"""Computed statuses and balances (domain.md §3–4). Nothing here is ever set by hand.

``covered = payments + applied credit notes`` and ``remaining = total - covered`` for an invoice;
for a synced document the billing tool's remaining amount is the truth, so ``covered`` is
``total - provider_remaining`` whatever payments we happen to hold. Two edges: a synced invoice
the tool says is settled (nothing or less than nothing remains) whose payments and credits we
hold exceed its total is **overpaid** (its remaining amount stays the tool's); a zero total is
**paid** (nothing to pay), never unpaid, and a zero credit note is settled.

The account's outstanding balance is the sum of its invoices' remaining amounts minus the
credit still available on its credit notes, counted only in the account's currency: a document
in another currency is an anomaly (a task), never added to or subtracted from the balance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from billabex_core.domain.enums import CreditNoteStatus, DocumentKind, InvoiceStatus, PaymentStatus

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class InvoiceFigures:
    paid: Decimal
    credited: Decimal
    remaining: Decimal
    payment_status: PaymentStatus
    invoice_status: InvoiceStatus


@dataclass(frozen=True)
class CreditNoteFigures:
    applied: Decimal
    available: Decimal
    status: CreditNoteStatus


@dataclass(frozen=True)
class DocumentFigures:
    """What the balance needs of one document, once its own figures are computed."""

    kind: DocumentKind
    currency: str
    remaining: Decimal  # an invoice's remaining amount, or a credit note's available credit
    overdue: bool = False


@dataclass(frozen=True)
class AccountFigures:
    outstanding_balance: Decimal
    overdue_count: int


def payment_status(covered: Decimal, total: Decimal) -> PaymentStatus:
    if covered > total:
        return PaymentStatus.OVERPAID
    if covered == total:
        return PaymentStatus.PAID  # a zero total with nothing paid included
    if covered <= 0:
        return PaymentStatus.UNPAID
    return PaymentStatus.PARTIALLY_PAID


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
    if provider_remaining is not None and provider_remaining <= 0:
        covered = max(covered, paid + credited)  # settled by the tool, and we hold more than the total
    if covered >= total:
        status = InvoiceStatus.PAID
    elif due_date is not None and due_date < today:
        status = InvoiceStatus.OVERDUE
    else:
        status = InvoiceStatus.ISSUED
    return InvoiceFigures(paid, credited, remaining, payment_status(covered, total), status)


def credit_note_status(applied: Decimal, total: Decimal) -> CreditNoteStatus:
    if applied >= total:
        return CreditNoteStatus.SETTLED  # a zero credit note has nothing left to give
    if applied <= 0:
        return CreditNoteStatus.OPEN
    return CreditNoteStatus.PARTIALLY_APPLIED


def available_credit(*, total: Decimal, applied: Decimal, provider_remaining: Decimal | None) -> Decimal:
    """What a credit note can still give: the provider's remaining when synced, else total - applied."""
    if provider_remaining is not None:
        return max(provider_remaining, ZERO)
    return max(total - applied, ZERO)


def credit_note_figures(
    *, total: Decimal, applied: Decimal, provider_remaining: Decimal | None
) -> CreditNoteFigures:
    left = available_credit(total=total, applied=applied, provider_remaining=provider_remaining)
    return CreditNoteFigures(applied, left, credit_note_status(total - left, total))


@dataclass(frozen=True)
class DocumentAmounts:
    """The stored amounts one document's figures are computed from."""

    kind: DocumentKind
    currency: str
    total: Decimal
    due_date: date | None
    provider_remaining: Decimal | None
    paid: Decimal = ZERO  # payments of an invoice
    credited: Decimal = ZERO  # credit applied to an invoice, or applied from a credit note


def document_figures(doc: DocumentAmounts, *, today: date) -> tuple[dict[str, object], DocumentFigures]:
    """The computed columns of one document (by name) and what its account's balance needs."""
    if doc.kind == DocumentKind.INVOICE:
        fig = invoice_figures(
            total=doc.total,
            paid=doc.paid,
            credited=doc.credited,
            due_date=doc.due_date,
            today=today,
            provider_remaining=doc.provider_remaining,
        )
        columns: dict[str, object] = {
            "paid_amount": fig.paid,
            "credited_amount": fig.credited,
            "remaining_amount": fig.remaining,
            "payment_status": fig.payment_status,
            "invoice_status": fig.invoice_status,
        }
        overdue = fig.invoice_status == InvoiceStatus.OVERDUE
        return columns, DocumentFigures(doc.kind, doc.currency, fig.remaining, overdue)
    note = credit_note_figures(
        total=doc.total, applied=doc.credited, provider_remaining=doc.provider_remaining
    )
    columns = {
        "credited_amount": note.applied,
        "remaining_amount": note.available,
        "credit_status": note.status,
    }
    return columns, DocumentFigures(doc.kind, doc.currency, note.available)


def account_figures(currency: str, documents: Iterable[DocumentFigures]) -> AccountFigures:
    """Outstanding balance and overdue count of an account from its documents' figures."""
    balance, overdue = ZERO, 0
    for doc in documents:
        if doc.kind == DocumentKind.INVOICE:
            overdue += doc.overdue
            if doc.currency == currency:
                balance += doc.remaining
        elif doc.currency == currency:
            balance -= doc.remaining
    return AccountFigures(balance, overdue)
