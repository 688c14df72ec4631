"""Statuses of many accounts at once, after a sync (domain.md §3).

The rules are those of ``services.status`` (``invoice_figures``, ``credit_note_status``,
``available_credit``); only the reading and writing is done in bulk, a few hundred accounts per
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

from billabex_core.models import (
    ZERO,
    Account,
    Contact,
    ContactUsage,
    CreditApplication,
    Document,
    DocumentKind,
    InvoiceStatus,
    Payment,
)
from billabex_core.services.status import available_credit, credit_note_status, invoice_figures
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
    paid = _sums(conn, PAY.c.document_id, PAY.c.amount, account_ids)
    credited = _sums(conn, APP.c.invoice_id, APP.c.amount, account_ids)
    applied = _sums(conn, APP.c.credit_note_id, APP.c.amount, account_ids)
    currency = {
        row.id: row
        for row in conn.execute(
            sa.select(*(ACC.c[n] for n in ("id", "currency", *ACCOUNT_FIGURES))).where(
                ACC.c.id.in_(account_ids)
            )
        )
    }
    contacts = dict(
        conn.execute(
            sa.select(CON.c.account_id, sa.func.count())
            .where(
                CON.c.account_id.in_(account_ids),
                CON.c.is_valid.is_(True),
                CON.c.usage != ContactUsage.DO_NOT_CONTACT,
            )
            .group_by(CON.c.account_id)
        ).all()
    )
    balance: dict[int, Decimal] = defaultdict(lambda: ZERO)
    overdue: dict[int, int] = defaultdict(int)
    doc_updates: list[dict[str, Any]] = []
    cols = (
        "id",
        "account_id",
        "kind",
        "currency",
        "total_incl_tax",
        "due_date",
        "provider_remaining",
        *DOC_FIGURES,
    )
    for doc in conn.execute(sa.select(*(DOC.c[n] for n in cols)).where(DOC.c.account_id.in_(account_ids))):
        account_currency = currency[doc.account_id].currency
        if doc.kind == DocumentKind.INVOICE:
            fig = invoice_figures(
                total=doc.total_incl_tax,
                paid=paid.get(doc.id, ZERO),
                credited=credited.get(doc.id, ZERO),
                due_date=doc.due_date,
                today=today,
                provider_remaining=doc.provider_remaining,
            )
            values = {
                "paid_amount": fig.paid,
                "credited_amount": fig.credited,
                "remaining_amount": fig.remaining,
                "invoice_status": fig.invoice_status,
                "payment_status": fig.payment_status,
                "credit_status": doc.credit_status,
            }
            if doc.currency == account_currency:
                balance[doc.account_id] += fig.remaining
            overdue[doc.account_id] += fig.invoice_status == InvoiceStatus.OVERDUE
        else:
            used = applied.get(doc.id, ZERO)
            left = available_credit(doc, used)  # type: ignore[arg-type]
            values = {
                "paid_amount": doc.paid_amount,
                "credited_amount": used,
                "remaining_amount": left,
                "invoice_status": doc.invoice_status,
                "payment_status": doc.payment_status,
                "credit_status": credit_note_status(doc.total_incl_tax - left, doc.total_incl_tax),
            }
            if doc.currency == account_currency:
                balance[doc.account_id] -= left
        if any(getattr(doc, k) != v for k, v in values.items()):
            doc_updates.append({"_id": doc.id, **{f"v_{k}": v for k, v in values.items()}})
    if doc_updates:
        assign = {k: sa.bindparam(f"v_{k}") for k in DOC_FIGURES}
        conn.execute(sa.update(DOC).where(DOC.c.id == sa.bindparam("_id")).values(assign), doc_updates)
    acc_updates = []
    for account_id, row in currency.items():
        values = {
            "outstanding_balance": balance[account_id],
            "overdue_count": overdue[account_id],
            "contact_count": int(contacts.get(account_id, 0)),
        }
        if any(getattr(row, k) != v for k, v in values.items()):
            acc_updates.append({"_id": account_id, **{f"v_{k}": v for k, v in values.items()}})
    if acc_updates:
        assign = {k: sa.bindparam(f"v_{k}") for k in ACCOUNT_FIGURES}
        conn.execute(
            sa.update(ACC)
            .where(ACC.c.id == sa.bindparam("_id"))
            .values({**assign, "version": ACC.c.version + 1}),
            acc_updates,
        )
    return len(doc_updates) + len(acc_updates)


def integration_accounts(conn: Connection, integration_id: int) -> list[int]:
    return list(conn.execute(sa.select(ACC.c.id).where(ACC.c.integration_id == integration_id)).scalars())
