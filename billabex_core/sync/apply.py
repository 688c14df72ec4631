"""One page of records → domain rows, inside the caller's transaction (docs/sync.md).

Records are grouped by type and written parents first (accounts, contacts, documents,
payments, credit applications, deletions, then what complete lists no longer name). A record that cannot be stored is counted as failed
with a one-line reason; the rest of the page goes on. Returns the counts per entity and the
accounts whose statuses must be recomputed.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy.engine import Connection

from billabex_core.connectors.records import (
    AccountRecord,
    ChildrenRecord,
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
from billabex_core.sync.billing_contacts import (
    drop_replaced_billing_contacts,
    drop_unlisted_billing_contacts,
)
from billabex_core.sync.children import apply_children
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
    if groups[ChildrenRecord]:
        written = {
            Entity.CONTACT: {r.external_id for r in groups[ContactRecord]},
            Entity.PAYMENT: {r.external_id for r in groups[PaymentRecord]},
            Entity.CREDIT_APPLICATION: {r.external_id for r in groups[CreditApplicationRecord]},
            Entity.INVOICE: {r.external_id for r in groups[DocumentRecord] if r.kind is Entity.INVOICE},
            Entity.CREDIT_NOTE: {
                r.external_id for r in groups[DocumentRecord] if r.kind is Entity.CREDIT_NOTE
            },
        }
        apply_children(conn, ctx, groups[ChildrenRecord], written, out)
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
    latest = last_wins(records)
    for ext, record in latest.items():
        try:
            rows[ext] = mp.account_row(record, ctx)
        except mp.RecordError as exc:
            out.fail("account", str(exc))
    before = resolve_accounts(conn, ctx, set(rows), columns=mp.ACCOUNT_FIELDS)
    for ext, row in rows.items():
        if latest[ext].currency is None and ext in before:  # the provider gives none: keep ours
            row["currency"] = before[ext].currency
    up = upsert(
        conn, ACC, keys=row_keys(ctx, ACC), rows=rows, fields=mp.ACCOUNT_FIELDS, versioned=True, before=before
    )
    out.tally("account", up)
    ctx.account_ids.update(up.ids)
    out.accounts.update(up.ids[ext] for ext in (*up.created, *up.updated))
    drop_unlisted_billing_contacts(conn, ctx, {up.ids[ext]: latest[ext].emails for ext in rows}, out)


def _contacts(conn: Connection, ctx: mp.SyncContext, records: list[ContactRecord], out: PageOutcome) -> None:
    accounts = resolve_accounts(
        conn, ctx, {r.account_external_id for r in records}, columns=("language", "country")
    )
    rows: dict[str, dict[str, Any]] = {}
    kept: dict[int, set[str]] = defaultdict(set)  # the page's contacts of each account
    no_email: list[DeletionRecord] = []
    for ext, record in last_wins(records).items():
        account = accounts.get(record.account_external_id)
        if account is None:
            out.fail("contact", mp.UNKNOWN_CUSTOMER.format(ext=ext, customer=record.account_external_id))
            continue
        kept[account.id].add(ext)
        if not (record.email or "").strip():  # no address, nobody to write to: not a failure
            no_email.append(DeletionRecord(Entity.CONTACT, ext))  # (one stored before goes)
            continue
        try:
            row = mp.contact_row(
                record, ctx, account_language=account.language, account_country=account.country
            )
        except mp.RecordError as exc:
            out.fail("contact", str(exc))
            continue
        rows[ext] = {"account_id": account.id, **row}
    # versioned: a person editing the contact meanwhile is refused, not overwriting the sync (issue #18)
    up = upsert(conn, CON, keys=row_keys(ctx, CON), rows=rows, fields=mp.CONTACT_FIELDS, versioned=True)
    out.tally("contact", up)
    for ext in (*up.created, *up.updated):
        out.accounts.add(rows[ext]["account_id"])
        if ext in up.before:
            out.accounts.add(up.before[ext].account_id)
    revalidate_corrected(conn, rows, up)
    if no_email:
        apply_deletions(conn, ctx, no_email, out)
    drop_replaced_billing_contacts(conn, ctx, kept, out)
