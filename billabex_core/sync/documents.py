"""Documents, payments and credit applications of a page (docs/sync.md).

New invoices are written with their figures; a number that clashes with a document of the same
account and kind is dropped and reported as an anomaly; credit applications that the provider
only implies (a remaining amount lowered by a credit note) are stored as ``implied:`` rows.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from billabex_core.connectors.records import (
    CreditApplicationRecord,
    DocumentRecord,
    Entity,
    PaymentRecord,
)
from billabex_core.db.types import utcnow
from billabex_core.domain.statuses import invoice_figures
from billabex_core.models import (
    ZERO,
    AuditEvent,
    DocumentKind,
)
from billabex_core.sync import mapping as mp
from billabex_core.sync.agent_rules import currency_mismatches
from billabex_core.sync.currencies import derive_new_currencies
from billabex_core.sync.implied import store_implied_applications
from billabex_core.sync.page import (
    ACC,
    APP,
    DOC,
    PAY,
    PageOutcome,
    last_wins,
    resolve_accounts,
    row_keys,
)
from billabex_core.sync.settlement import keep_exact_remaining
from billabex_core.sync.writer import chunks, existing, table_of, upsert

AUDIT = table_of(AuditEvent)

# -- documents --------------------------------------------------------------------------------


def store_documents(
    conn: Connection,
    ctx: mp.SyncContext,
    kind: Entity,
    records: list[DocumentRecord],
    out: PageOutcome,
    *,
    implied_applications: bool,
) -> None:
    entity = kind.value
    doc_kind = DocumentKind.CREDIT_NOTE if kind is Entity.CREDIT_NOTE else DocumentKind.INVOICE
    by_ext = last_wins(records)
    accounts = _accounts_or_stubs(conn, ctx, {r.account_external_id for r in by_ext.values()}, out)
    targets = _invoices(conn, ctx, {r.credited_invoice_external_id for r in by_ext.values()} - {None})
    rows: dict[str, dict[str, Any]] = {}
    for ext, record in by_ext.items():
        try:
            row = mp.document_row(record, ctx)
        except mp.RecordError as exc:
            out.fail(entity, str(exc))
            continue
        target = targets.get(record.credited_invoice_external_id or "")
        row["account_id"] = accounts[record.account_external_id]
        row["credited_invoice_id"] = target.id if target is not None else None
        row["credited_invoice_number"] = target.number if target is not None else None
        rows[ext] = row
    before = existing(
        conn,
        DOC,
        integration_id=ctx.integration_id,
        external_ids=rows,
        columns=mp.DOCUMENT_FIELDS,
        scope=DOC.c.kind == doc_kind,
    )
    keep_exact_remaining(rows, before)
    _drop_identity_clashes(conn, ctx, entity, doc_kind, rows, before, out)
    if doc_kind is DocumentKind.INVOICE:
        for ext, row in rows.items():
            if ext not in before:
                row.update(_new_invoice_figures(row, ctx.today))
    up = upsert(
        conn,
        DOC,
        keys=row_keys(ctx, DOC),
        rows=rows,
        fields=mp.DOCUMENT_FIELDS,
        scope=DOC.c.kind == doc_kind,
        before=before,
    )
    out.tally(entity, up)
    if ctx.derive_account_currency:  # before the mismatch check: a GBP customer is a GBP account
        derive_new_currencies(conn, [rows[ext] for ext in up.created])
    out.anomalies.extend(currency_mismatches(conn, doc_kind, rows, up.created))
    for ext in (*up.created, *up.updated):
        out.accounts.add(rows[ext]["account_id"])
        if ext in up.before:
            out.accounts.add(up.before[ext].account_id)
    _resume_paused(conn, ctx, {rows[ext]["account_id"] for ext in up.created})
    if kind is Entity.CREDIT_NOTE and implied_applications:
        store_implied_applications(conn, ctx, rows, up, targets, out)


def _resume_paused(conn: Connection, ctx: mp.SyncContext, account_ids: set[int]) -> None:
    """domain.md §6: a new document (invoice or credit note) on a paused account resumes its
    follow-ups, as a manual import does (``services.documents``), with an audit line each."""
    if not account_ids:
        return
    paused = ACC.c.id.in_(sorted(account_ids)) & ACC.c.paused.is_(True)
    ids = list(conn.execute(sa.select(ACC.c.id).where(paused)).scalars())
    if not ids:
        return
    conn.execute(
        sa.update(ACC)
        .where(ACC.c.id.in_(ids))
        .values(paused=False, paused_reason=None, updated_at=utcnow(), version=ACC.c.version + 1)
    )
    reason = f"new document synced from {ctx.provider_label}"
    conn.execute(
        sa.insert(AUDIT),
        [
            {
                "at": utcnow(),
                "actor": mp.SYNC_ACTOR,
                "action": "account.resumed",
                "entity": "account",
                "entity_id": account_id,
                "account_id": account_id,
                "details": {"reason": reason},
            }
            for account_id in ids
        ],
    )


def _new_invoice_figures(row: dict[str, Any], today: date) -> dict[str, Any]:
    """The figures ``statuses.py`` gives a new invoice (no payment or credit can point to it
    yet), written with it: the recompute after the pages then finds most invoices unchanged.
    It still runs on every touched account and stays the source of truth."""
    fig = invoice_figures(
        total=row["total_incl_tax"],
        paid=ZERO,
        credited=ZERO,
        due_date=row["due_date"],
        today=today,
        provider_remaining=row["provider_remaining"],
    )
    return {
        "paid_amount": fig.paid,
        "credited_amount": fig.credited,
        "remaining_amount": fig.remaining,
        "invoice_status": fig.invoice_status,
        "payment_status": fig.payment_status,
    }


def _accounts_or_stubs(
    conn: Connection, ctx: mp.SyncContext, external_ids: set[str], out: PageOutcome
) -> dict[str, int]:
    """Account ids by external id; a customer not synced yet gets a placeholder account."""
    found = _account_ids(conn, ctx, external_ids)
    missing = {ext: mp.stub_account_row(ext, ctx) for ext in external_ids - set(found)}
    if missing:
        up = upsert(conn, ACC, keys=row_keys(ctx, ACC), rows=missing, fields=(), versioned=True)
        out.tally("account", up)
        found.update(up.ids)
        ctx.account_ids.update(up.ids)
    return found


def _account_ids(conn: Connection, ctx: mp.SyncContext, external_ids: set[str]) -> dict[str, int]:
    """Stored account ids by external id (those not stored are left out), from the run's cache
    when known: most pages then need no account query."""
    known = ctx.account_ids
    unknown = {ext for ext in external_ids if ext not in known}
    if unknown:
        known.update({ext: row.id for ext, row in resolve_accounts(conn, ctx, unknown).items()})
    return {ext: known[ext] for ext in external_ids if ext in known}


def _invoices(conn: Connection, ctx: mp.SyncContext, external_ids: set[str]) -> dict[str, Any]:
    if not external_ids:
        return {}
    return existing(
        conn,
        DOC,
        integration_id=ctx.integration_id,
        external_ids=external_ids,
        columns=("number", "account_id", "total_incl_tax", "provider_remaining"),
        scope=DOC.c.kind == DocumentKind.INVOICE,
    )


IDENTITY_BATCH = 200


@functools.cache
def _identity_query(size: int) -> sa.Select[Any]:
    """Documents holding any of ``size`` (account, number) identities of one kind: an ``OR`` of
    exact keys, so both databases probe the identity index instead of scanning accounts."""
    pairs = (
        sa.and_(DOC.c.account_id == sa.bindparam(f"a{i}"), DOC.c.number == sa.bindparam(f"n{i}"))
        for i in range(size)
    )
    return sa.select(DOC.c.account_id, DOC.c.number, DOC.c.integration_id, DOC.c.external_id).where(
        DOC.c.kind == sa.bindparam("kind", type_=DOC.c.kind.type), sa.or_(*pairs)
    )


def _drop_identity_clashes(
    conn: Connection,
    ctx: mp.SyncContext,
    entity: str,
    kind: DocumentKind,
    rows: dict[str, dict[str, Any]],
    before: dict[str, Any],
    out: PageOutcome,
) -> None:
    """(account, kind, number) is a document's identity: a synced document that would take the
    identity of another one (a manual import, another integration) fails with an anomaly task.

    Only new documents and documents whose account or number changed can clash (a stored one
    already holds its identity); they are looked up by the identity index, a page at a time."""
    claims: dict[tuple[int, str], str] = {}  # (account, number) → external id, in page order
    for ext, row in rows.items():
        stored = before.get(ext)
        if stored is None or (stored.account_id, stored.number) != (row["account_id"], row["number"]):
            claims.setdefault((row["account_id"], row["number"]), ext)
    if not claims:
        return
    owners: dict[tuple[int, str], tuple[int | None, str | None]] = {}
    for batch in chunks(claims, IDENTITY_BATCH):
        size = -(-len(batch) // 25) * 25  # a few statement shapes, so compiled ones are reused
        padded = batch + [batch[-1]] * (size - len(batch))
        params: dict[str, Any] = {"kind": kind}
        for i, (account_id, number) in enumerate(padded):
            params[f"a{i}"], params[f"n{i}"] = account_id, number
        for r in conn.execute(_identity_query(size), params):
            owners[(r.account_id, r.number)] = (r.integration_id, r.external_id)
    for ext in list(rows):
        row = rows[ext]
        identity = (row["account_id"], row["number"])
        if identity not in claims:
            continue
        owner = owners.get(identity)
        if owner is not None and owner != (ctx.integration_id, ext):
            del rows[ext]
            message = mp.CLASH[kind].format(number=row["number"], provider=ctx.provider_label, ext=ext)
            out.fail(entity, message)
            out.anomalies.append((row["account_id"], message))
        else:
            owners[identity] = (ctx.integration_id, ext)


# -- payments and credit applications ---------------------------------------------------------


def store_payments(
    conn: Connection, ctx: mp.SyncContext, records: list[PaymentRecord], out: PageOutcome
) -> None:
    by_ext = last_wins(records)
    invoices = _invoices(conn, ctx, {r.invoice_external_id for r in by_ext.values()} - {None})
    accounts = _account_ids(conn, ctx, {r.account_external_id for r in by_ext.values()} - {None})
    rows: dict[str, dict[str, Any]] = {}
    for ext, record in by_ext.items():
        invoice = invoices.get(record.invoice_external_id or "")
        account = accounts.get(record.account_external_id or "")
        account_id = invoice.account_id if invoice is not None else account
        if account_id is None:
            out.fail("payment", mp.ORPHAN_PAYMENT.format(ext=ext))
            continue
        try:
            row = mp.payment_row(record, ctx)
        except mp.RecordError as exc:
            out.fail("payment", str(exc))
            continue
        rows[ext] = {"account_id": account_id, "document_id": invoice.id if invoice else None, **row}
    up = upsert(conn, PAY, keys=row_keys(ctx, PAY), rows=rows, fields=mp.PAYMENT_FIELDS)
    out.tally("payment", up)
    for ext in (*up.created, *up.updated):
        out.accounts.add(rows[ext]["account_id"])


def store_applications(
    conn: Connection, ctx: mp.SyncContext, records: list[CreditApplicationRecord], out: PageOutcome
) -> None:
    by_ext = last_wins(records)
    invoices = _invoices(conn, ctx, {r.invoice_external_id for r in by_ext.values()})
    notes = existing(
        conn,
        DOC,
        integration_id=ctx.integration_id,
        external_ids={r.credit_note_external_id for r in by_ext.values()},
        scope=DOC.c.kind == DocumentKind.CREDIT_NOTE,
    )
    rows: dict[str, dict[str, Any]] = {}
    for ext, record in by_ext.items():
        invoice, note = invoices.get(record.invoice_external_id), notes.get(record.credit_note_external_id)
        if invoice is None or note is None:
            out.fail("credit_application", mp.ORPHAN_APPLICATION.format(ext=ext))
            continue
        try:
            row = mp.application_row(record, ctx)
        except mp.RecordError as exc:
            out.fail("credit_application", str(exc))
            continue
        rows[ext] = {"credit_note_id": note.id, "invoice_id": invoice.id, **row}
        out.accounts.add(invoice.account_id)
    up = upsert(conn, APP, keys=row_keys(ctx, APP), rows=rows, fields=mp.APPLICATION_FIELDS)
    out.tally("credit_application", up)
