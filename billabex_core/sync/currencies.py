"""After the pages: the currency of accounts whose provider gives none (docs/sync.md).

Pennylane customers have no currency (connectors.md §1.9): such a connector says so
(``Connector.ACCOUNT_CURRENCY_FROM_DOCUMENTS``), its accounts are created in the organisation's
default currency and keep their currency when the customer is synced again, and after the pages
every account the run touched takes the currency of its documents
(``domain.provider_figures.account_currency``: that of most of its invoices, a tie going to the
latest). The statuses are recomputed afterwards, so the balance is counted in that currency.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from billabex_core.db.types import utcnow
from billabex_core.domain.provider_figures import CurrencyUse, account_currency
from billabex_core.models import DocumentKind
from billabex_core.sync.page import ACC, DOC
from billabex_core.sync.writer import chunks


def derive_currencies(conn: Connection, account_ids: Iterable[int]) -> int:
    """Set the currency of these accounts from their documents; returns the accounts changed."""
    changed = 0
    for batch in chunks(sorted(set(account_ids)), 300):
        changed += _derive(conn, batch)
    return changed


def derive_new_currencies(conn: Connection, new_documents: list[dict[str, Any]]) -> int:
    """As documents are stored: the accounts that just got a document in another currency than
    theirs take the currency of their documents now (so that a GBP customer's first invoices are
    not taken for a currency mismatch); the others are left to ``derive_currencies``."""
    if not new_documents:
        return 0
    ids = sorted({row["account_id"] for row in new_documents})
    current = dict(conn.execute(sa.select(ACC.c.id, ACC.c.currency).where(ACC.c.id.in_(ids))).all())
    odd = {row["account_id"] for row in new_documents if current.get(row["account_id"]) != row["currency"]}
    return derive_currencies(conn, odd) if odd else 0


def _derive(conn: Connection, account_ids: list[int]) -> int:
    uses: dict[tuple[int, DocumentKind], dict[str, CurrencyUse]] = defaultdict(dict)
    query = (
        sa.select(
            DOC.c.account_id, DOC.c.kind, DOC.c.currency, sa.func.count(), sa.func.max(DOC.c.issue_date)
        )
        .where(DOC.c.account_id.in_(account_ids))
        .group_by(DOC.c.account_id, DOC.c.kind, DOC.c.currency)
    )
    for account_id, kind, currency, count, latest in conn.execute(query):
        uses[(account_id, DocumentKind(kind))][currency] = CurrencyUse(int(count), latest)
    updates = []
    for account_id, current in conn.execute(
        sa.select(ACC.c.id, ACC.c.currency).where(ACC.c.id.in_(account_ids))
    ):
        currency = account_currency(
            invoices=uses.get((account_id, DocumentKind.INVOICE), {}),
            credit_notes=uses.get((account_id, DocumentKind.CREDIT_NOTE), {}),
            current=current,
        )
        if currency != current:
            updates.append({"_id": account_id, "v_currency": currency})
    if updates:
        conn.execute(
            sa.update(ACC)
            .where(ACC.c.id == sa.bindparam("_id"))
            .values(currency=sa.bindparam("v_currency"), updated_at=utcnow(), version=ACC.c.version + 1),
            updates,
        )
    return len(updates)
