"""One page of records → domain rows, inside the caller's transaction (docs/sync.md).

Records are grouped by type and written parents first (accounts, contacts, documents,
payments, credit applications, deletions). A record that cannot be stored is counted as failed
with a one-line reason; the rest of the page goes on. Returns the counts per entity and the
accounts whose statuses must be recomputed.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy.engine import Connection

from billabex_core.connectors.records import (
    AccountRecord,
    ContactRecord,
    CreditApplicationRecord,
    DeletionRecord,
    DocumentRecord,
    Entity,
    PaymentRecord,
    Record,
)
from billabex_core.sync import mapping as mp
from billabex_core.sync.agent_rules import revalidate_corrected
from billabex_core.sync.deletions import apply_deletions
from billabex_core.sync.documents import store_applications, store_documents, store_payments
from billabex_core.sync.page import ACC, CON, PageOutcome, last_wins, resolve_accounts, row_keys
from billabex_core.sync.writer import upsert


def apply_page(
    conn: Connection, ctx: mp.SyncContext, records: list[Record], *, implied_applications: bool
) -> PageOutcome:
    out = PageOutcome()
    groups: dict[type, list[Any]] = defaultdict(list)
    for record in records:
        if _excluded(record, ctx.excluded):
            continue
        groups[type(record)].append(record)
    if groups[AccountRecord]:
        _accounts(conn, ctx, groups[AccountRecord], out)
    if groups[ContactRecord]:
        _contacts(conn, ctx, groups[ContactRecord], out)
    for kind in (Entity.INVOICE, Entity.CREDIT_NOTE):
        docs = [r for r in groups[DocumentRecord] if r.kind is kind and not r.is_draft]
        if docs:
            store_documents(conn, ctx, kind, docs, out, implied_applications=implied_applications)
    if groups[PaymentRecord]:
        store_payments(conn, ctx, groups[PaymentRecord], out)
    if groups[CreditApplicationRecord]:
        store_applications(conn, ctx, groups[CreditApplicationRecord], out)
    if groups[DeletionRecord]:
        apply_deletions(conn, ctx, groups[DeletionRecord], out)
    return out


def _excluded(record: Record, excluded: frozenset[str]) -> bool:
    if not excluded:
        return False
    if isinstance(record, AccountRecord):
        return record.external_id in excluded
    customer = getattr(record, "account_external_id", None)
    return customer is not None and customer in excluded


# -- accounts and contacts ------------------------------------------------------------------


def _accounts(conn: Connection, ctx: mp.SyncContext, records: list[AccountRecord], out: PageOutcome) -> None:
    rows: dict[str, dict[str, Any]] = {}
    for ext, record in last_wins(records).items():
        try:
            rows[ext] = mp.account_row(record, ctx)
        except mp.RecordError as exc:
            out.fail("account", str(exc))
    up = upsert(conn, ACC, keys=row_keys(ctx, ACC), rows=rows, fields=mp.ACCOUNT_FIELDS, versioned=True)
    out.tally("account", up)
    ctx.account_ids.update(up.ids)
    out.accounts.update(up.ids[ext] for ext in (*up.created, *up.updated))


def _contacts(conn: Connection, ctx: mp.SyncContext, records: list[ContactRecord], out: PageOutcome) -> None:
    accounts = resolve_accounts(
        conn, ctx, {r.account_external_id for r in records}, columns=("language", "country")
    )
    rows: dict[str, dict[str, Any]] = {}
    for ext, record in last_wins(records).items():
        account = accounts.get(record.account_external_id)
        if account is None:
            out.fail("contact", f"contact {ext}: unknown customer {record.account_external_id}")
            continue
        try:
            row = mp.contact_row(
                record, ctx, account_language=account.language, account_country=account.country
            )
        except mp.RecordError as exc:
            out.fail("contact", str(exc))
            continue
        rows[ext] = {"account_id": account.id, **row}
    up = upsert(conn, CON, keys=row_keys(ctx, CON), rows=rows, fields=mp.CONTACT_FIELDS)
    out.tally("contact", up)
    for ext in (*up.created, *up.updated):
        out.accounts.add(rows[ext]["account_id"])
        if ext in up.before:
            out.accounts.add(up.before[ext].account_id)
    revalidate_corrected(conn, rows, up)
