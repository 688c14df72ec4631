"""Credit applications a provider only implies (docs/sync.md): Pennylane has no application
entity, a credit note names the invoice it credits (``credited_invoice``) and the amounts say
how much it gave. Stored as ``implied:<credit note id>`` rows, recomputed with the credit note.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from billabex_core.models import ZERO
from billabex_core.sync import mapping as mp
from billabex_core.sync.deletions import delete_external
from billabex_core.sync.page import APP, IMPLIED, PageOutcome, row_keys
from billabex_core.sync.writer import Upserted, upsert


def store_implied_applications(
    conn: Connection,
    ctx: mp.SyncContext,
    rows: dict[str, dict[str, Any]],
    up: Upserted,
    targets: dict[str, Any],
    out: PageOutcome,
) -> None:
    """A credit note that names its invoice (Pennylane ``credited_invoice``) is applied to it as
    the provider says: stored as a provider credit application, never re-allocated. It gives no
    more than the invoice's own figures show settled and not already explained by other credits
    (a credit note the provider applies to no invoice stays available credit of the account)."""
    apps: dict[str, dict[str, Any]] = {}
    gone: list[str] = []
    by_id = {t.id: t for t in targets.values()}
    room = _credit_room(conn, by_id.values(), {f"{IMPLIED}{ext}" for ext in rows})
    for ext, row in rows.items():
        key = f"{IMPLIED}{ext}"
        invoice_id = row["credited_invoice_id"]
        target = by_id.get(invoice_id) if invoice_id else None
        amount = (
            min(
                room[target.id],
                mp.implied_application_amount(
                    credit_total=row["total_incl_tax"],
                    credit_remaining=row["provider_remaining"],
                    invoice_total=target.total_incl_tax,
                ),
            )
            if target is not None
            else None
        )
        if target is not None and amount:
            room[target.id] -= amount
        if target is None or not amount:
            gone.append(key)
            continue
        apps[key] = {
            "credit_note_id": up.ids[ext],
            "invoice_id": target.id,
            "amount": amount,
            "applied_on": row["issue_date"] or ctx.today,
        }
        out.accounts.add(target.account_id)
    applied = upsert(conn, APP, keys=row_keys(ctx, APP), rows=apps, fields=mp.APPLICATION_FIELDS)
    out.tally("credit_application", applied)
    if gone:
        delete_external(conn, ctx, APP, gone, out, "credit_application", count=False)


def _credit_room(conn: Connection, invoices: Iterable[Any], replaced: set[str]) -> dict[int, Decimal]:
    """What each invoice's figures show settled (``total - provider remaining``) that credits
    other than the ``replaced`` applications do not already explain."""
    room = {
        t.id: t.total_incl_tax - (t.provider_remaining if t.provider_remaining is not None else ZERO)
        for t in invoices
    }
    if room:
        others = sa.or_(APP.c.external_id.is_(None), APP.c.external_id.not_in(sorted(replaced)))
        query = (
            sa.select(APP.c.invoice_id, sa.func.sum(APP.c.amount))
            .where(APP.c.invoice_id.in_(sorted(room)), others)
            .group_by(APP.c.invoice_id)
        )
        for invoice_id, amount in conn.execute(query):
            room[invoice_id] -= amount or ZERO
    return {invoice_id: max(left, ZERO) for invoice_id, left in room.items()}
