"""Statuses and balances of one account, stored on its rows (domain.md §3).

The rules are ``billabex_core.domain.statuses``; this module reads an account's documents,
payments and credit applications, applies the rules and writes only what changed. The bulk
version for syncs is ``billabex_core.sync.statuses``, on the same rules.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col, func, select

from billabex_core.domain.statuses import ZERO, DocumentAmounts, account_figures, document_figures
from billabex_core.errors import NotFoundError
from billabex_core.models import (
    Account,
    Contact,
    CreditApplication,
    Document,
    DocumentKind,
    InvoiceStatus,
    Payment,
    reachable_contact,
)


def _sums(session: Session, column: Mapped[Any], amount: Mapped[Any], ids: list[int]) -> dict[int, Decimal]:
    if not ids:
        return {}
    rows = session.exec(select(column, func.sum(amount)).where(column.in_(ids)).group_by(column)).all()
    return {row[0]: row[1] or ZERO for row in rows}


def recompute_account(*, session: Session, account_id: int, today: date) -> Account:
    """Recompute every document of one account, then the account's balance and counters."""
    account = session.get(Account, account_id)
    if account is None:
        raise NotFoundError("account", account_id)
    docs = list(session.exec(select(Document).where(Document.account_id == account_id)))
    ids = [d.id for d in docs if d.id is not None]
    paid = _sums(session, col(Payment.document_id), col(Payment.amount), ids)
    credited = _sums(session, col(CreditApplication.invoice_id), col(CreditApplication.amount), ids)
    applied = _sums(session, col(CreditApplication.credit_note_id), col(CreditApplication.amount), ids)
    figures = []
    for doc in docs:
        columns, fig = document_figures(
            DocumentAmounts(
                kind=doc.kind,
                currency=doc.currency,
                total=doc.total_incl_tax,
                due_date=doc.due_date,
                provider_remaining=doc.provider_remaining,
                paid=paid.get(doc.id or 0, ZERO),
                credited=(credited if doc.kind == DocumentKind.INVOICE else applied).get(doc.id or 0, ZERO),
            ),
            today=today,
        )
        _set(doc, **columns)
        figures.append(fig)
    totals = account_figures(account.currency, figures)
    contacts = session.exec(
        select(func.count()).select_from(Contact).where(Contact.account_id == account_id, reachable_contact())
    ).one()
    _set(
        account,
        outstanding_balance=totals.outstanding_balance,
        overdue_count=totals.overdue_count,
        contact_count=int(contacts),
    )
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
                sa.and_(col(Document.invoice_status) == InvoiceStatus.ISSUED, due < today),
                sa.and_(col(Document.invoice_status) == InvoiceStatus.OVERDUE, due >= today),
            ),
        )
        .distinct()
    )
    account_ids = list(session.exec(stale))
    for account_id in account_ids:
        recompute_account(session=session, account_id=account_id, today=today)
    return len(account_ids)
