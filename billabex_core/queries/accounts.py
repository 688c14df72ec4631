"""Accounts screen: the searchable, sortable list and the detail bundle of one account."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, func, select

from billabex_core.domain.names import normalise_name
from billabex_core.errors import NotFoundError, ValidationError
from billabex_core.models import (
    Account,
    AuditEvent,
    Communication,
    Contact,
    Document,
    DocumentKind,
    Integration,
    Payment,
    Referent,
    Source,
    Task,
)
from billabex_core.queries.common import Page, check_paging, columns_for, like_pattern

M = TypeVar("M", bound=SQLModel)

# Sort keys offered by the list; each maps to an indexed or cheap column, id breaks ties.
ACCOUNT_SORTS: dict[str, sa.SQLColumnExpression[Any]] = {
    "name": col(Account.normalized_name),
    "outstanding": col(Account.outstanding_balance),
    "overdue": col(Account.overdue_count),
    "contacts": col(Account.contact_count),
    "country": col(Account.country),
    "created": col(Account.id),
}
DETAIL_LIMIT = 200  # rows per tab of the detail view; the Invoices screen pages the rest


@dataclass(frozen=True)
class AccountRow:
    id: int
    name: str
    source: Source
    country: str | None
    currency: str
    outstanding_balance: Decimal
    overdue_count: int
    contact_count: int
    paused: bool
    vat: str | None
    siren: str | None


@dataclass(frozen=True)
class AccountDetail:
    """Everything the detail view shows. ORM rows are detached: plain data from here on."""

    account: Account
    integration_name: str | None
    contacts: list[Contact]
    referents: list[Referent]
    invoices: list[Document]
    invoice_count: int
    credit_notes: list[Document]
    credit_note_count: int
    payments: list[Payment]
    document_numbers: dict[int, str]  # payment.document_id → number
    tasks: list[Task]
    communications: list[Communication]
    history: list[AuditEvent]

    @property
    def editable(self) -> bool:
        """Manual accounts are edited here; synced ones belong to their billing tool."""
        return self.account.source == Source.MANUAL


def _search_clause(search: str) -> sa.ColumnElement[bool] | None:
    text = search.strip()
    if not text:
        return None
    clauses: list[sa.ColumnElement[bool]] = []
    key = normalise_name(text)
    if key:
        clauses.append(col(Account.normalized_name).like(like_pattern(key), escape="\\"))
    compact = "".join(text.split()).replace(".", "").replace("-", "").upper()
    if compact:
        clauses.append(col(Account.vat).startswith(compact, autoescape=True))
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 3:
        clauses.append(col(Account.siren).startswith(digits[:9], autoescape=True))
    return sa.or_(*clauses) if clauses else None


def list_accounts(
    *,
    session: Session,
    search: str = "",
    sort: str = "name",
    descending: bool = False,
    paused: bool | None = None,
    without_contact: bool = False,
    page: int = 1,
    page_size: int = 50,
) -> Page[AccountRow]:
    """One page of accounts. ``search`` matches the name (any part), the VAT or SIREN (prefix)."""
    if sort not in ACCOUNT_SORTS:
        raise ValidationError(
            f"unknown sort {sort!r} (one of {', '.join(ACCOUNT_SORTS)})",
            field="sort",
            code="sort.unknown",
            params={"value": sort},
        )
    offset, limit = check_paging(page, page_size)
    where: list[sa.ColumnElement[bool]] = []
    clause = _search_clause(search)
    if clause is not None:
        where.append(clause)
    if paused is not None:
        where.append(col(Account.paused).is_(paused))
    if without_contact:
        where.append(col(Account.contact_count) == 0)
    total = session.exec(select(func.count()).select_from(Account).where(*where)).one()
    key = ACCOUNT_SORTS[sort]
    order = [key.desc(), col(Account.id).desc()] if descending else [key.asc(), col(Account.id).asc()]
    query = select(*columns_for(AccountRow, Account)).where(*where).order_by(*order)
    rows = session.exec(query.offset(offset).limit(limit)).all()
    return Page([AccountRow(*row) for row in rows], int(total), page, page_size)


def _documents(session: Session, account_id: int, kind: DocumentKind) -> tuple[list[Document], int]:
    where = (col(Document.account_id) == account_id, col(Document.kind) == kind)
    count = session.exec(select(func.count()).select_from(Document).where(*where)).one()
    query = select(Document).where(*where).order_by(col(Document.due_date).desc(), col(Document.id).desc())
    return list(session.exec(query.limit(DETAIL_LIMIT))), int(count)


def _rows(session: Session, model: type[M], account_id: int, *order: sa.ColumnElement[Any]) -> list[M]:
    """The first ``DETAIL_LIMIT`` rows of ``model`` on the account: one tab of the detail view."""
    owner = sa.inspect(model).columns["account_id"]
    return list(session.exec(select(model).where(owner == account_id).order_by(*order).limit(DETAIL_LIMIT)))


def _document_numbers(session: Session, payments: list[Payment]) -> dict[int, str]:
    """The number of each invoice the payments name."""
    ids = {p.document_id for p in payments if p.document_id is not None}
    if not ids:
        return {}
    query = select(col(Document.id), col(Document.number)).where(col(Document.id).in_(ids))
    # Stored rows always have an id; the filter only narrows the Optional of the model field.
    return {doc_id: number for doc_id, number in session.exec(query) if doc_id is not None}


def account_detail(*, session: Session, account_id: int) -> AccountDetail:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFoundError("account", account_id)
    integration = session.get(Integration, account.integration_id) if account.integration_id else None
    invoices, invoice_count = _documents(session, account_id, DocumentKind.INVOICE)
    notes, note_count = _documents(session, account_id, DocumentKind.CREDIT_NOTE)
    payments = _rows(session, Payment, account_id, col(Payment.paid_on).desc(), col(Payment.id).desc())
    return AccountDetail(
        account=account,
        integration_name=integration.name if integration else None,
        contacts=_rows(session, Contact, account_id, col(Contact.is_primary).desc(), col(Contact.id).asc()),
        referents=_rows(
            session, Referent, account_id, col(Referent.is_primary).desc(), col(Referent.id).asc()
        ),
        invoices=invoices,
        invoice_count=invoice_count,
        credit_notes=notes,
        credit_note_count=note_count,
        payments=payments,
        document_numbers=_document_numbers(session, payments),
        tasks=_rows(session, Task, account_id, col(Task.id).desc()),
        communications=_rows(
            session,
            Communication,
            account_id,
            col(Communication.scheduled_for).desc(),
            col(Communication.id).asc(),
        ),
        history=_rows(session, AuditEvent, account_id, col(AuditEvent.id).desc()),
    )
