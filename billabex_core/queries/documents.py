"""Invoices and credit notes screens: filtered list with SQL totals, and one document's detail.

Overdue age filters are the dashboard's aging buckets (``queries.aging``), applied to invoices
that are not fully covered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from billabex_core.domain.provider_figures import is_provider_settlement
from billabex_core.errors import NotFoundError, ValidationError
from billabex_core.models import (
    ZERO,
    Account,
    CreditApplication,
    CreditNoteStatus,
    Document,
    DocumentKind,
    InvoiceStatus,
    Payment,
    PaymentStatus,
    Source,
)
from billabex_core.queries.aging import AGING_BUCKETS, aging_conditions
from billabex_core.queries.common import Page, check_paging, columns_for, like_pattern
from billabex_core.services.files import pdf_path

OVERDUE_AGES = AGING_BUCKETS
# Sort choices: (column, descending); the id breaks ties in the same direction.
DOCUMENT_SORTS: dict[str, tuple[sa.SQLColumnExpression[Any], bool]] = {
    "due date, newest first": (col(Document.due_date), True),
    "due date, oldest first": (col(Document.due_date), False),
    "issue date, newest first": (col(Document.issue_date), True),
    "remaining, largest first": (col(Document.remaining_amount), True),
    "total, largest first": (col(Document.total_incl_tax), True),
    "number": (col(Document.number), False),
}


@dataclass(frozen=True)
class DocumentRow:
    id: int
    kind: DocumentKind
    number: str
    account_id: int
    account_name: str
    source: Source
    issue_date: date | None
    due_date: date | None
    currency: str
    total_incl_tax: Decimal
    paid_amount: Decimal
    credited_amount: Decimal
    remaining_amount: Decimal
    invoice_status: InvoiceStatus | None
    payment_status: PaymentStatus | None
    credit_status: CreditNoteStatus | None


@dataclass(frozen=True)
class CurrencyTotals:
    count: int
    total_incl_tax: Decimal
    remaining: Decimal


@dataclass(frozen=True)
class DocumentList:
    page: Page[DocumentRow]
    totals: dict[str, CurrencyTotals]  # per currency, over the whole filtered set


@dataclass(frozen=True)
class CreditLine:
    """One credit application seen from this document: the other document and the amount."""

    other_id: int
    other_number: str
    amount: Decimal
    applied_on: date
    source: Source


@dataclass(frozen=True)
class DocumentDetail:
    document: Document
    account: Account
    payments: list[Payment]
    credits: list[CreditLine]
    credited_invoice: tuple[int, str] | None  # the invoice a credit note names, when known
    pdf: Path | None  # the stored PDF of a manual document, when the file is there

    @property
    def reported_payments(self) -> list[Payment]:
        """The payments to list one by one: typed in, or reported by the billing tool."""
        return [p for p in self.payments if not is_provider_settlement(p.external_id)]

    @property
    def settled_in_provider(self) -> Decimal:
        """What the billing tool says is settled on this synced invoice that no payment row or
        credit note explains (a bank transfer reconciled there): "settled in <tool>", 0 if none.
        ``paid_amount = sum(reported_payments) + settled_in_provider`` (domain.provider_figures)."""
        return sum((p.amount for p in self.payments if is_provider_settlement(p.external_id)), ZERO)

    @property
    def reversible_payments(self) -> list[Payment]:
        """Payments typed by hand that a person may still reverse: not a reversing entry
        themselves, and not reversed yet (a payment is reversed at most once)."""
        reversed_ids = {p.reverses_id for p in self.payments if p.reverses_id is not None}
        return [
            p
            for p in self.payments
            if p.source == Source.MANUAL and p.reverses_id is None and p.id not in reversed_ids
        ]

    @property
    def can_record_payment(self) -> bool:
        """Payments are typed in for manual invoices only; synced ones come from the billing tool."""
        return self.document.kind == DocumentKind.INVOICE and self.document.source == Source.MANUAL


def _age_clause(age: str, today: date) -> sa.ColumnElement[bool]:
    ranges = aging_conditions(col(Document.due_date), today)
    if age not in ranges:
        raise ValidationError(
            f"unknown overdue age {age!r} (one of {', '.join(OVERDUE_AGES)})",
            field="age",
            code="filter.unknown",
            params={"value": age},
        )
    open_invoice = sa.and_(col(Document.kind) == DocumentKind.INVOICE, col(Document.remaining_amount) > 0)
    return sa.and_(open_invoice, ranges[age])


def _filters(
    *,
    kind: DocumentKind,
    statuses: list[str] | None,
    account_id: int | None,
    source: Source | None,
    age: str | None,
    number: str,
    today: date,
) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = [col(Document.kind) == kind]
    if statuses:
        status_enum = InvoiceStatus if kind == DocumentKind.INVOICE else CreditNoteStatus
        try:
            values = [status_enum(s) for s in statuses]
        except ValueError as exc:
            raise ValidationError(
                f"unknown status: {exc}", field="status", code="filter.unknown", params={"value": str(exc)}
            ) from None
        status_col = Document.invoice_status if kind == DocumentKind.INVOICE else Document.credit_status
        where.append(col(status_col).in_(values))
    if account_id is not None:
        where.append(col(Document.account_id) == account_id)
    if source is not None:
        where.append(col(Document.source) == source)
    if age:
        where.append(_age_clause(age, today))
    if number.strip():
        where.append(col(Document.number).like(like_pattern(number.strip()), escape="\\"))
    return where


def _totals(session: Session, where: list[sa.ColumnElement[bool]]) -> dict[str, CurrencyTotals]:
    """Count, total and remaining amount per currency of the whole filtered set."""
    currency = col(Document.currency)
    query = (
        select(
            currency,
            func.count(),
            func.sum(col(Document.total_incl_tax)),
            func.sum(col(Document.remaining_amount)),
        )
        .where(*where)
        .group_by(currency)
        .order_by(currency)
    )
    return {
        code: CurrencyTotals(int(count), total or ZERO, remaining or ZERO)
        for code, count, total, remaining in session.exec(query)
    }


def list_documents(
    *,
    session: Session,
    today: date,
    kind: DocumentKind = DocumentKind.INVOICE,
    statuses: list[str] | None = None,
    account_id: int | None = None,
    source: Source | None = None,
    age: str | None = None,
    number: str = "",
    sort: str = "due date, newest first",
    page: int = 1,
    page_size: int = 50,
) -> DocumentList:
    """One page of invoices (or credit notes) and the totals per currency of the filtered set."""
    if sort not in DOCUMENT_SORTS:
        raise ValidationError(
            f"unknown sort {sort!r}", field="sort", code="sort.unknown", params={"value": sort}
        )
    offset, limit = check_paging(page, page_size)
    where = _filters(
        kind=DocumentKind(kind),
        statuses=statuses,
        account_id=account_id,
        source=source,
        age=age,
        number=number,
        today=today,
    )
    totals = _totals(session, where)
    key, descending = DOCUMENT_SORTS[sort]
    order = [key.desc(), col(Document.id).desc()] if descending else [key.asc(), col(Document.id).asc()]
    query = (
        select(*columns_for(DocumentRow, Document, account_name=Account.name))
        .join(Account, col(Account.id) == col(Document.account_id))
        .where(*where)
        .order_by(*order)
        .offset(offset)
        .limit(limit)
    )
    rows = [DocumentRow(*row) for row in session.exec(query)]
    count = sum(t.count for t in totals.values())
    return DocumentList(Page(rows, count, page, page_size), totals)


def _credit_lines(session: Session, document_id: int, *, is_invoice: bool) -> list[CreditLine]:
    """The credit applications of a document, each with the document on the other side."""
    invoice, note = col(CreditApplication.invoice_id), col(CreditApplication.credit_note_id)
    mine, theirs = (invoice, note) if is_invoice else (note, invoice)
    other = aliased(Document)
    query = (
        select(*columns_for(CreditLine, CreditApplication, other_id=other.id, other_number=other.number))
        .join(other, col(other.id) == theirs)
        .where(mine == document_id)
        .order_by(col(CreditApplication.applied_on), col(CreditApplication.id))
    )
    return [CreditLine(*row) for row in session.exec(query)]


def document_detail(*, session: Session, document_id: int) -> DocumentDetail:
    document = session.get(Document, document_id)
    if document is None:
        raise NotFoundError("document", document_id)
    account = session.get(Account, document.account_id)
    assert account is not None
    payments = list(
        session.exec(
            select(Payment)
            .where(col(Payment.document_id) == document_id)
            .order_by(col(Payment.paid_on), col(Payment.id))
        )
    )
    credits = _credit_lines(session, document_id, is_invoice=document.kind == DocumentKind.INVOICE)
    credited = None
    if document.credited_invoice_id is not None:
        invoice = session.get(Document, document.credited_invoice_id)
        credited = (invoice.id, invoice.number) if invoice and invoice.id else None
    pdf = pdf_path(document.file_sha256) if document.file_sha256 else None
    return DocumentDetail(
        document, account, payments, credits, credited, pdf if pdf and pdf.is_file() else None
    )
