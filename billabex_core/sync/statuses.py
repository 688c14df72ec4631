"""Statuses of many accounts at once, after a sync (domain.md §3).

The rules are those of ``domain.statuses`` (``document_figures``, ``account_figures``), as in
``services.status.recompute_account``; only the reading and writing is done in bulk, a few hundred accounts per
query, and only rows whose figures changed are written. ``recompute_account`` on any of these
accounts afterwards finds nothing to change (a test checks it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from billabex_core.domain.statuses import (
    ZERO,
    DocumentAmounts,
    DocumentFigures,
    account_figures,
    document_figures,
)
from billabex_core.models import (
    Account,
    Contact,
    CreditApplication,
    Document,
    DocumentKind,
    Payment,
    reachable_contact,
)
from billabex_core.sync.writer import chunks, table_of

ACC, CON, DOC = table_of(Account), table_of(Contact), table_of(Document)
PAY, APP = table_of(Payment), table_of(CreditApplication)
DOC_FIGURES = (
    "paid_amount",
    "credited_amount",
    "remaining_amount",
    "invoice_status",
    "payment_status",
    "credit_status",
)
ACCOUNT_FIGURES = ("outstanding_balance", "overdue_count", "contact_count")


def _sums(conn: Connection, key: sa.Column, amount: sa.Column, account_ids: list[int]) -> dict[int, Decimal]:
    docs = sa.select(DOC.c.id).where(DOC.c.account_id.in_(account_ids))
    query = sa.select(key, sa.func.sum(amount)).where(key.in_(docs)).group_by(key)
    return {row[0]: row[1] or ZERO for row in conn.execute(query)}


def recompute_accounts(conn: Connection, account_ids: Iterable[int], *, today: date) -> int:
    """Recompute the documents and balances of these accounts; returns the rows written."""
    written = 0
    for batch in chunks(sorted(set(account_ids)), 300):
        written += _recompute_batch(conn, batch, today)
    return written


def _recompute_batch(conn: Connection, account_ids: list[int], today: date) -> int:
    accounts = {
        row.id: row
        for row in conn.execute(
            sa.select(*(ACC.c[n] for n in ("id", "currency", *ACCOUNT_FIGURES))).where(
                ACC.c.id.in_(account_ids)
            )
        )
    }
    figures, doc_updates = _document_figures(conn, account_ids, today)
    contacts = _reachable_contacts(conn, account_ids)
    acc_updates = []
    for account_id, row in accounts.items():
        totals = account_figures(row.currency, figures[account_id])
        values = {
            "outstanding_balance": totals.outstanding_balance,
            "overdue_count": totals.overdue_count,
            "contact_count": contacts.get(account_id, 0),
        }
        if any(getattr(row, k) != v for k, v in values.items()):
            acc_updates.append({"_id": account_id, **{f"v_{k}": v for k, v in values.items()}})
    _write(conn, DOC, DOC_FIGURES, doc_updates, versioned=False)
    _write(conn, ACC, ACCOUNT_FIGURES, acc_updates, versioned=True)
    return len(doc_updates) + len(acc_updates)


def _document_figures(
    conn: Connection, account_ids: list[int], today: date
) -> tuple[dict[int, list[DocumentFigures]], list[dict[str, Any]]]:
    """Each document's figures by account, and the rows whose stored figures changed."""
    paid = _sums(conn, PAY.c.document_id, PAY.c.amount, account_ids)
    credited = _sums(conn, APP.c.invoice_id, APP.c.amount, account_ids)
    applied = _sums(conn, APP.c.credit_note_id, APP.c.amount, account_ids)
    cols = ("id", "account_id", "kind", "currency", "total_incl_tax", "due_date", "provider_remaining")
    query = sa.select(*(DOC.c[n] for n in (*cols, *DOC_FIGURES))).where(DOC.c.account_id.in_(account_ids))
    figures: dict[int, list[DocumentFigures]] = defaultdict(list)
    updates: list[dict[str, Any]] = []
    for doc in conn.execute(query):
        is_invoice = doc.kind == DocumentKind.INVOICE
        columns, fig = document_figures(
            DocumentAmounts(
                kind=DocumentKind(doc.kind),
                currency=doc.currency,
                total=doc.total_incl_tax,
                due_date=doc.due_date,
                provider_remaining=doc.provider_remaining,
                paid=paid.get(doc.id, ZERO),
                credited=(credited if is_invoice else applied).get(doc.id, ZERO),
            ),
            today=today,
        )
        figures[doc.account_id].append(fig)
        if any(getattr(doc, k) != v for k, v in columns.items()):
            values = {k: columns.get(k, getattr(doc, k)) for k in DOC_FIGURES}
            updates.append({"_id": doc.id, **{f"v_{k}": v for k, v in values.items()}})
    return figures, updates


def _reachable_contacts(conn: Connection, account_ids: list[int]) -> dict[int, int]:
    query = (
        sa.select(CON.c.account_id, sa.func.count())
        .where(CON.c.account_id.in_(account_ids), reachable_contact(CON))
        .group_by(CON.c.account_id)
    )
    return {account_id: int(count) for account_id, count in conn.execute(query)}


def _write(
    conn: Connection, table: sa.Table, names: tuple[str, ...], rows: list[dict[str, Any]], *, versioned: bool
) -> None:
    if not rows:
        return
    assign: dict[str, Any] = {k: sa.bindparam(f"v_{k}") for k in names}
    if versioned:
        assign["version"] = table.c.version + 1
    conn.execute(sa.update(table).where(table.c.id == sa.bindparam("_id")).values(assign), rows)


def integration_accounts(conn: Connection, integration_id: int) -> list[int]:
    return list(conn.execute(sa.select(ACC.c.id).where(ACC.c.integration_id == integration_id)).scalars())
