"""Invoices and credit notes screens: filtered list with SQL totals, and one document's detail.

Overdue age filters follow the dashboard's aging buckets (calendar days past the due date of an
invoice that is not fully covered): "not due", "1-30", "31-60", "61-90", "> 90".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

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
from billabex_core.queries.common import Page, check_paging, like_pattern
from billabex_core.services.files import pdf_path

OVERDUE_AGES = ("not due", "1-30", "31-60", "61-90", "> 90")
DOCUMENT_SORTS: dict[str, tuple[sa.ColumnElement, bool]] = {
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
    def can_record_payment(self) -> bool:
        """Payments are typed in for manual invoices only; synced ones come from the billing tool."""
        return self.document.kind == DocumentKind.INVOICE and self.document.source == Source.MANUAL


def _age_clause(age: str, today: date) -> sa.ColumnElement[bool]:
    due = col(Document.due_date)
    open_invoice = sa.and_(Document.kind == DocumentKind.INVOICE, col(Document.remaining_amount) > 0)
    ranges = {
        "not due": sa.or_(due.is_(None), due >= today),
        "1-30": sa.and_(due < today, due >= today - timedelta(days=30)),
        "31-60": sa.and_(due < today - timedelta(days=30), due >= today - timedelta(days=60)),
        "61-90": sa.and_(due < today - timedelta(days=60), due >= today - timedelta(days=90)),
        "> 90": due < today - timedelta(days=90),
    }
    if age not in ranges:
        raise ValidationError(f"unknown overdue age {age!r} (one of {', '.join(OVERDUE_AGES)})", field="age")
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
    where: list[sa.ColumnElement[bool]] = [Document.kind == kind]
    if statuses:
        status_enum = InvoiceStatus if kind == DocumentKind.INVOICE else CreditNoteStatus
        try:
            values = [status_enum(s) for s in statuses]
        except ValueError as exc:
            raise ValidationError(f"unknown status: {exc}", field="status") from None
        status_col = Document.invoice_status if kind == DocumentKind.INVOICE else Document.credit_status
        where.append(col(status_col).in_(values))
    if account_id is not None:
        where.append(Document.account_id == account_id)
    if source is not None:
        where.append(Document.source == source)
    if age:
        where.append(_age_clause(age, today))
    if number.strip():
        where.append(col(Document.number).like(like_pattern(number.strip()), escape="\\"))
    return where


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
        raise ValidationError(f"unknown sort {sort!r}", field="sort")
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
    totals_query = (
        select(
            Document.currency,
            func.count(),
            func.sum(Document.total_incl_tax),
            func.sum(Document.remaining_amount),
        )
        .where(*where)
        .group_by(Document.currency)
        .order_by(Document.currency)
    )
    totals = {
        currency: CurrencyTotals(int(count), total or ZERO, remaining or ZERO)
        for currency, count, total, remaining in session.exec(totals_query)
    }
    key, descending = DOCUMENT_SORTS[sort]
    order = [key.desc(), col(Document.id).desc()] if descending else [key.asc(), col(Document.id).asc()]
    columns = [
        Account.name if name == "account_name" else getattr(Document, name)
        for name in DocumentRow.__dataclass_fields__
    ]
    query = (
        select(*columns)
        .join(Account, col(Account.id) == Document.account_id)
        .where(*where)
        .order_by(*order)
        .offset(offset)
        .limit(limit)
    )
    rows = [DocumentRow(*row) for row in session.exec(query)]
    count = sum(t.count for t in totals.values())
    return DocumentList(Page(rows, count, page, page_size), totals)


def document_detail(*, session: Session, document_id: int) -> DocumentDetail:
    document = session.get(Document, document_id)
    if document is None:
        raise NotFoundError("document", document_id)
    account = session.get(Account, document.account_id)
    assert account is not None
    payments = list(
        session.exec(
            select(Payment)
            .where(Payment.document_id == document_id)
            .order_by(col(Payment.paid_on), col(Payment.id))
        )
    )
    is_invoice = document.kind == DocumentKind.INVOICE
    mine, theirs = (
        (CreditApplication.invoice_id, CreditApplication.credit_note_id)
        if is_invoice
        else (CreditApplication.credit_note_id, CreditApplication.invoice_id)
    )
    other = aliased(Document)
    query = (
        select(
            other.id,
            other.number,
            CreditApplication.amount,
            CreditApplication.applied_on,
            CreditApplication.source,
        )
        .join(other, other.id == theirs)
        .where(mine == document_id)
        .order_by(col(CreditApplication.applied_on), col(CreditApplication.id))
    )
    credits = [CreditLine(*row) for row in session.exec(query)]
    credited = None
    if document.credited_invoice_id is not None:
        invoice = session.get(Document, document.credited_invoice_id)
        credited = (invoice.id, invoice.number) if invoice and invoice.id else None
    pdf = pdf_path(document.file_sha256) if document.file_sha256 else None
    return DocumentDetail(
        document, account, payments, credits, credited, pdf if pdf and pdf.is_file() else None
    )
