"""After the pages: the "settled in <provider>" line of each synced invoice (docs/sync.md).

The provider's remaining amount is the truth, so what it says is settled is ``total -
remaining``. The payments and credit applications it reported explain that part; what they
leave unexplained (Pennylane: a bank transfer reconciled there, or payment rows not fetched) is
stored as one payment line per invoice, ``external_id = settled:<invoice id>``, dated the
provider's last update of the invoice, so that ``paid + credited = total - remaining`` holds for
every synced invoice and the invoice says how it was settled. It is recomputed for every account
a run touched (payments read later shrink it, a new remaining amount moves it) and removed when
nothing is left unexplained. These lines are derived: they are not counted in the run's counts.

A remaining amount converted back from EUR is exact to a cent or two only: when the invoice's
own payments and credits put it within that, the stored figure is corrected to theirs (and the
next syncs keep it, ``keep_exact_remaining``), so the identity holds to the cent.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from billabex_core.domain.provider_figures import (
    SETTLED_PREFIX,
    conversion_slack,
    exact_converted_remaining,
    settled_in_provider,
)
from billabex_core.models import DocumentKind
from billabex_core.sync import mapping as mp
from billabex_core.sync.page import APP, DOC, PAY, row_keys
from billabex_core.sync.writer import chunks, upsert

ZERO = Decimal("0.00")
COLUMNS = (
    "id",
    "external_id",
    "account_id",
    "currency",
    "total_incl_tax",
    "provider_remaining",
    "provider_remaining_converted",
    "validated_at",
)


def settle_invoices(conn: Connection, ctx: mp.SyncContext, account_ids: Iterable[int]) -> None:
    """Write, update or remove the "settled in <provider>" lines of these accounts' invoices."""
    for batch in chunks(sorted(set(account_ids)), 300):
        _settle(conn, ctx, batch)


def _sums(conn: Connection, key: sa.Column, amount: sa.Column, ids: Any, *where: Any) -> dict[int, Decimal]:
    query = sa.select(key, sa.func.sum(amount)).where(key.in_(ids), *where).group_by(key)
    return {row[0]: row[1] or ZERO for row in conn.execute(query)}


def _settle(conn: Connection, ctx: mp.SyncContext, account_ids: list[int]) -> None:
    synced = (
        DOC.c.account_id.in_(account_ids),
        DOC.c.integration_id == ctx.integration_id,
        DOC.c.kind == DocumentKind.INVOICE,
        DOC.c.provider_remaining.is_not(None),
    )
    ids = sa.select(DOC.c.id).where(*synced)
    settled_line = sa.func.coalesce(PAY.c.external_id, "").startswith(SETTLED_PREFIX)
    paid = _sums(conn, PAY.c.document_id, PAY.c.amount, ids, sa.not_(settled_line))
    mine = sa.and_(PAY.c.integration_id == ctx.integration_id, settled_line)
    credited = _sums(conn, APP.c.invoice_id, APP.c.amount, ids)
    rows: dict[str, dict[str, Any]] = {}
    exact: list[dict[str, Any]] = []
    for doc in conn.execute(sa.select(*(DOC.c[n] for n in COLUMNS)).where(*synced)):
        remaining, explained = doc.provider_remaining, paid.get(doc.id, ZERO) + credited.get(doc.id, ZERO)
        if doc.provider_remaining_converted:  # approximate: the reported payments make it exact
            remaining = exact_converted_remaining(
                total=doc.total_incl_tax, converted=remaining, explained=explained, currency=doc.currency
            )
            if remaining != doc.provider_remaining:
                exact.append({"_id": doc.id, "v": remaining})
        amount = settled_in_provider(
            total=doc.total_incl_tax,
            provider_remaining=remaining,
            paid=paid.get(doc.id, ZERO),
            credited=credited.get(doc.id, ZERO),
        )
        if amount > 0:
            rows[f"{SETTLED_PREFIX}{doc.external_id}"] = _line(ctx, doc, amount)
    stored = conn.execute(sa.select(PAY.c.external_id).where(mine, PAY.c.account_id.in_(account_ids)))
    stale = [ext for ext in stored.scalars() if ext not in rows]
    if exact:
        update = sa.update(DOC).where(DOC.c.id == sa.bindparam("_id"))
        conn.execute(update.values(provider_remaining=sa.bindparam("v")), exact)
    upsert(conn, PAY, keys=row_keys(ctx, PAY), rows=rows, fields=mp.PAYMENT_FIELDS)
    if stale:
        conn.execute(
            sa.delete(PAY).where(PAY.c.integration_id == ctx.integration_id, PAY.c.external_id.in_(stale))
        )


def _line(ctx: mp.SyncContext, doc: Any, amount: Decimal) -> dict[str, Any]:
    """The payment line "settled in <provider>" of one invoice."""
    return {
        "account_id": doc.account_id,
        "document_id": doc.id,
        "amount": amount,
        "currency": doc.currency,
        "paid_on": doc.validated_at.date() if doc.validated_at else ctx.today,
        "note": f"Settled in {ctx.provider_label} (no payment details)",
        "created_by": mp.SYNC_ACTOR,
    }


def keep_exact_remaining(rows: dict[str, dict[str, Any]], before: dict[str, Any]) -> None:
    """A converted remaining amount that comes back within ``conversion_slack`` of the exact
    figure stored for it is the same amount: the stored one stays (nothing changed)."""
    for ext, row in rows.items():
        stored = before.get(ext)
        if stored is None or not (
            stored.provider_remaining_converted and row["provider_remaining_converted"]
        ):
            continue
        new, old = row["provider_remaining"], stored.provider_remaining
        slack = conversion_slack(row.get("currency"))
        if new is not None and old is not None and new != old and abs(new - old) <= slack:
            row["provider_remaining"] = old
