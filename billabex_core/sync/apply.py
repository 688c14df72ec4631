"""One page of records → domain rows, inside the caller's transaction (docs/sync.md).

Records are grouped by type and written parents first (accounts, contacts, documents,
payments, credit applications, deletions). A record that cannot be stored is counted as failed
with a one-line reason; the rest of the page goes on. Returns the counts per entity and the
accounts whose statuses must be recomputed.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
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
from billabex_core.db.types import utcnow
from billabex_core.models import (
    ZERO,
    Account,
    Contact,
    CreditApplication,
    Document,
    DocumentKind,
    ImportDraft,
    Payment,
    Task,
)
from billabex_core.services.status import invoice_figures
from billabex_core.sync import mapping as mp
from billabex_core.sync.result import Counts
from billabex_core.sync.writer import Upserted, chunks, existing, table_of, upsert

ACC, CON, DOC = table_of(Account), table_of(Contact), table_of(Document)
PAY, APP = table_of(Payment), table_of(CreditApplication)
IMPLIED = "implied:"
MAX_ERRORS = 50


@dataclass(slots=True)
class PageOutcome:
    counts: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    accounts: set[int] = field(default_factory=set)  # statuses to recompute
    errors: list[str] = field(default_factory=list)
    anomalies: list[tuple[int, str]] = field(default_factory=list)  # (account id, message)

    def fail(self, entity: str, message: str) -> None:
        self.counts[entity].failed += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(message)

    def tally(self, entity: str, up: Upserted) -> None:
        c = self.counts[entity]
        c.created += len(up.created)
        c.updated += len(up.updated)
        c.unchanged += len(up.unchanged)


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
            _documents(conn, ctx, kind, docs, out, implied_applications=implied_applications)
    if groups[PaymentRecord]:
        _payments(conn, ctx, groups[PaymentRecord], out)
    if groups[CreditApplicationRecord]:
        _applications(conn, ctx, groups[CreditApplicationRecord], out)
    if groups[DeletionRecord]:
        _deletions(conn, ctx, groups[DeletionRecord], out)
    return out


def _excluded(record: Record, excluded: frozenset[str]) -> bool:
    if not excluded:
        return False
    if isinstance(record, AccountRecord):
        return record.external_id in excluded
    customer = getattr(record, "account_external_id", None)
    return customer is not None and customer in excluded


def _keys(ctx: mp.SyncContext, table: sa.Table) -> dict[str, Any]:
    keys: dict[str, Any] = {"integration_id": ctx.integration_id}
    if "source" in table.c:
        keys["source"] = ctx.provider
    return keys


def _last_wins(records: list[Any]) -> dict[str, Any]:
    return {r.external_id: r for r in records}


# -- accounts and contacts ------------------------------------------------------------------


def _accounts(conn: Connection, ctx: mp.SyncContext, records: list[AccountRecord], out: PageOutcome) -> None:
    rows: dict[str, dict[str, Any]] = {}
    for ext, record in _last_wins(records).items():
        try:
            rows[ext] = mp.account_row(record, ctx)
        except mp.RecordError as exc:
            out.fail("account", str(exc))
    up = upsert(conn, ACC, keys=_keys(ctx, ACC), rows=rows, fields=mp.ACCOUNT_FIELDS, versioned=True)
    out.tally("account", up)
    ctx.account_ids.update(up.ids)
    out.accounts.update(up.ids[ext] for ext in (*up.created, *up.updated))


def _resolve_accounts(
    conn: Connection, ctx: mp.SyncContext, external_ids: set[str], *, columns: tuple[str, ...] = ()
) -> dict[str, Any]:
    return existing(conn, ACC, integration_id=ctx.integration_id, external_ids=external_ids, columns=columns)


def _contacts(conn: Connection, ctx: mp.SyncContext, records: list[ContactRecord], out: PageOutcome) -> None:
    accounts = _resolve_accounts(
        conn, ctx, {r.account_external_id for r in records}, columns=("language", "country")
    )
    rows: dict[str, dict[str, Any]] = {}
    for ext, record in _last_wins(records).items():
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
    up = upsert(conn, CON, keys=_keys(ctx, CON), rows=rows, fields=mp.CONTACT_FIELDS)
    out.tally("contact", up)
    for ext in (*up.created, *up.updated):
        out.accounts.add(rows[ext]["account_id"])
        if ext in up.before:
            out.accounts.add(up.before[ext].account_id)


# -- documents --------------------------------------------------------------------------------


def _documents(
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
    by_ext = _last_wins(records)
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
    _drop_identity_clashes(conn, ctx, entity, doc_kind, rows, before, out)
    if doc_kind is DocumentKind.INVOICE:
        for ext, row in rows.items():
            if ext not in before:
                row.update(_new_invoice_figures(row, ctx.today))
    up = upsert(
        conn,
        DOC,
        keys=_keys(ctx, DOC),
        rows=rows,
        fields=mp.DOCUMENT_FIELDS,
        scope=DOC.c.kind == doc_kind,
        before=before,
    )
    out.tally(entity, up)
    for ext in (*up.created, *up.updated):
        out.accounts.add(rows[ext]["account_id"])
        if ext in up.before:
            out.accounts.add(up.before[ext].account_id)
    if kind is Entity.CREDIT_NOTE and implied_applications:
        _implied_applications(conn, ctx, rows, up, targets, out)


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
        up = upsert(conn, ACC, keys=_keys(ctx, ACC), rows=missing, fields=(), versioned=True)
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
        known.update({ext: row.id for ext, row in _resolve_accounts(conn, ctx, unknown).items()})
    return {ext: known[ext] for ext in external_ids if ext in known}


def _invoices(conn: Connection, ctx: mp.SyncContext, external_ids: set[str]) -> dict[str, Any]:
    if not external_ids:
        return {}
    return existing(
        conn,
        DOC,
        integration_id=ctx.integration_id,
        external_ids=external_ids,
        columns=("number", "account_id", "total_incl_tax"),
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
            message = (
                f"{kind.value.replace('_', ' ')} {row['number']} ({ctx.provider_label} id {ext}) "
                "clashes with a document of the same number already on this account"
            )
            out.fail(entity, message)
            out.anomalies.append((row["account_id"], message))
        else:
            owners[identity] = (ctx.integration_id, ext)


def _implied_applications(
    conn: Connection,
    ctx: mp.SyncContext,
    rows: dict[str, dict[str, Any]],
    up: Upserted,
    targets: dict[str, Any],
    out: PageOutcome,
) -> None:
    """A credit note that names its invoice (Pennylane ``credited_invoice``) is applied to it as
    the provider says: stored as a provider credit application, never re-allocated."""
    apps: dict[str, dict[str, Any]] = {}
    gone: list[str] = []
    by_id = {t.id: t for t in targets.values()}
    for ext, row in rows.items():
        key = f"{IMPLIED}{ext}"
        invoice_id = row["credited_invoice_id"]
        target = by_id.get(invoice_id) if invoice_id else None
        amount = (
            mp.implied_application_amount(
                credit_total=row["total_incl_tax"],
                credit_remaining=row["provider_remaining"],
                invoice_total=target.total_incl_tax,
            )
            if target is not None
            else None
        )
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
    applied = upsert(conn, APP, keys=_keys(ctx, APP), rows=apps, fields=mp.APPLICATION_FIELDS)
    out.tally("credit_application", applied)
    if gone:
        _delete_external(conn, ctx, APP, gone, out, "credit_application", count=False)


# -- payments and credit applications ---------------------------------------------------------


def _payments(conn: Connection, ctx: mp.SyncContext, records: list[PaymentRecord], out: PageOutcome) -> None:
    by_ext = _last_wins(records)
    invoices = _invoices(conn, ctx, {r.invoice_external_id for r in by_ext.values()} - {None})
    accounts = _account_ids(conn, ctx, {r.account_external_id for r in by_ext.values()} - {None})
    rows: dict[str, dict[str, Any]] = {}
    for ext, record in by_ext.items():
        invoice = invoices.get(record.invoice_external_id or "")
        account = accounts.get(record.account_external_id or "")
        account_id = invoice.account_id if invoice is not None else account
        if account_id is None:
            out.fail("payment", f"payment {ext}: unknown customer and invoice")
            continue
        try:
            row = mp.payment_row(record, ctx)
        except mp.RecordError as exc:
            out.fail("payment", str(exc))
            continue
        rows[ext] = {"account_id": account_id, "document_id": invoice.id if invoice else None, **row}
    up = upsert(conn, PAY, keys=_keys(ctx, PAY), rows=rows, fields=mp.PAYMENT_FIELDS)
    out.tally("payment", up)
    for ext in (*up.created, *up.updated):
        out.accounts.add(rows[ext]["account_id"])


def _applications(
    conn: Connection, ctx: mp.SyncContext, records: list[CreditApplicationRecord], out: PageOutcome
) -> None:
    by_ext = _last_wins(records)
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
            out.fail("credit_application", f"credit application {ext}: unknown invoice or credit note")
            continue
        try:
            row = mp.application_row(record, ctx)
        except mp.RecordError as exc:
            out.fail("credit_application", str(exc))
            continue
        rows[ext] = {"credit_note_id": note.id, "invoice_id": invoice.id, **row}
        out.accounts.add(invoice.account_id)
    up = upsert(conn, APP, keys=_keys(ctx, APP), rows=rows, fields=mp.APPLICATION_FIELDS)
    out.tally("credit_application", up)


# -- deletions ----------------------------------------------------------------------------------


def _deletions(
    conn: Connection, ctx: mp.SyncContext, records: list[DeletionRecord], out: PageOutcome
) -> None:
    by_entity: dict[Entity, list[str]] = defaultdict(list)
    for record in records:
        by_entity[record.entity].append(record.external_id)
    for entity, ids in by_entity.items():
        if entity is Entity.ACCOUNT:
            _pause_deleted_accounts(conn, ctx, ids, out)
        elif entity is Entity.CONTACT:
            found = existing(
                conn, CON, integration_id=ctx.integration_id, external_ids=ids, columns=("account_id",)
            )
            if found:
                contact_ids = [row.id for row in found.values()]
                task = table_of(Task)
                conn.execute(
                    sa.update(task).where(task.c.contact_id.in_(contact_ids)).values(contact_id=None)
                )
                out.accounts.update(row.account_id for row in found.values())
            _delete_external(conn, ctx, CON, ids, out, "contact")
        elif entity in (Entity.INVOICE, Entity.CREDIT_NOTE):
            _delete_documents(conn, ctx, entity, ids, out)
        elif entity is Entity.PAYMENT:
            found = existing(
                conn, PAY, integration_id=ctx.integration_id, external_ids=ids, columns=("account_id",)
            )
            out.accounts.update(row.account_id for row in found.values())
            _delete_external(conn, ctx, PAY, ids, out, "payment")
        elif entity is Entity.CREDIT_APPLICATION:
            _delete_external(conn, ctx, APP, ids, out, "credit_application")


def _delete_external(
    conn: Connection,
    ctx: mp.SyncContext,
    table: sa.Table,
    external_ids: list[str],
    out: PageOutcome,
    entity: str,
    *,
    count: bool = True,
) -> None:
    deleted = conn.execute(
        sa.delete(table).where(
            table.c.integration_id == ctx.integration_id, table.c.external_id.in_(external_ids)
        )
    ).rowcount
    if count:
        out.counts[entity].deleted += max(deleted or 0, 0)


def _delete_documents(
    conn: Connection, ctx: mp.SyncContext, entity: Entity, external_ids: list[str], out: PageOutcome
) -> None:
    """A document deleted in the billing tool goes, with its payments and credit applications.
    (The immutability guard protects manual documents only; synced ones belong to the provider.)"""
    kind = DocumentKind.CREDIT_NOTE if entity is Entity.CREDIT_NOTE else DocumentKind.INVOICE
    found = existing(
        conn,
        DOC,
        integration_id=ctx.integration_id,
        external_ids=external_ids,
        columns=("account_id",),
        scope=DOC.c.kind == kind,
    )
    if not found:
        return
    ids = [row.id for row in found.values()]
    draft = table_of(ImportDraft)
    conn.execute(sa.delete(PAY).where(PAY.c.document_id.in_(ids)))
    conn.execute(sa.delete(APP).where(sa.or_(APP.c.invoice_id.in_(ids), APP.c.credit_note_id.in_(ids))))
    conn.execute(sa.update(DOC).where(DOC.c.credited_invoice_id.in_(ids)).values(credited_invoice_id=None))
    conn.execute(sa.update(draft).where(draft.c.document_id.in_(ids)).values(document_id=None))
    conn.execute(sa.delete(DOC).where(DOC.c.id.in_(ids)))
    out.counts[entity.value].deleted += len(ids)
    out.accounts.update(row.account_id for row in found.values())


def _pause_deleted_accounts(
    conn: Connection, ctx: mp.SyncContext, external_ids: list[str], out: PageOutcome
) -> None:
    """A customer deleted in the billing tool is kept (tasks, history refer to it) but paused:
    no reminder goes to a customer the billing tool no longer knows."""
    reason = f"deleted in {ctx.provider_label}"
    changed = conn.execute(
        sa.update(ACC)
        .where(
            ACC.c.integration_id == ctx.integration_id,
            ACC.c.external_id.in_(external_ids),
            sa.or_(ACC.c.paused.is_(False), ACC.c.paused_reason != reason),
        )
        .values(paused=True, paused_reason=reason, updated_at=utcnow(), version=ACC.c.version + 1)
    ).rowcount
    out.counts["account"].deleted += max(changed or 0, 0)
