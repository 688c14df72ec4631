"""Deletions reported by the provider's change log or found by a complete list (docs/sync.md):
documents go, with their payments and applications; a deleted customer's account is paused, never
deleted; a contact goes unless a person edited it here, then it stays as a hand-made contact."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from billabex_core.connectors.records import (
    DeletionRecord,
    Entity,
)
from billabex_core.db.types import utcnow
from billabex_core.models import (
    AuditEvent,
    DocumentKind,
    ImportDraft,
    Task,
)
from billabex_core.sync import mapping as mp
from billabex_core.sync.page import ACC, APP, CON, DOC, PAY, PageOutcome
from billabex_core.sync.writer import existing, table_of

# -- deletions ----------------------------------------------------------------------------------


def apply_deletions(
    conn: Connection, ctx: mp.SyncContext, records: list[DeletionRecord], out: PageOutcome
) -> None:
    by_entity: dict[Entity, list[str]] = defaultdict(list)
    for record in records:
        by_entity[record.entity].append(record.external_id)
    for entity, ids in by_entity.items():
        if entity is Entity.ACCOUNT:
            _pause_deleted_accounts(conn, ctx, ids, out)
        elif entity is Entity.CONTACT:
            _delete_contacts(conn, ctx, ids, out)
        elif entity in (Entity.INVOICE, Entity.CREDIT_NOTE):
            _delete_documents(conn, ctx, entity, ids, out)
        elif entity is Entity.PAYMENT:
            found = existing(
                conn, PAY, integration_id=ctx.integration_id, external_ids=ids, columns=("account_id",)
            )
            out.accounts.update(row.account_id for row in found.values())
            delete_external(conn, ctx, PAY, ids, out, "payment")
        elif entity is Entity.CREDIT_APPLICATION:
            delete_external(conn, ctx, APP, ids, out, "credit_application")


SYSTEM_ACTORS = frozenset({mp.SYNC_ACTOR, "agent"})  # AuditEvent.actor values that are not people


def _delete_contacts(
    conn: Connection, ctx: mp.SyncContext, external_ids: list[str], out: PageOutcome
) -> None:
    """Contacts gone at the provider go, their tasks kept without them. One a person edited here
    (an audit event by someone else than the sync or the agent: notes, usage, a corrected address)
    is kept as a hand-made contact instead: detached from the provider, never synced again."""
    found = existing(
        conn, CON, integration_id=ctx.integration_id, external_ids=external_ids, columns=("account_id",)
    )
    if not found:
        return
    audit = table_of(AuditEvent)
    edited = set(
        conn.execute(
            sa.select(audit.c.entity_id).where(
                audit.c.entity == "contact",
                audit.c.entity_id.in_([row.id for row in found.values()]),
                audit.c.actor.not_in(SYSTEM_ACTORS),
            )
        ).scalars()
    )
    out.accounts.update(row.account_id for row in found.values())
    kept = [row.id for row in found.values() if row.id in edited]
    if kept:
        conn.execute(
            sa.update(CON)
            .where(CON.c.id.in_(kept))
            .values(integration_id=None, external_id=None, updated_at=utcnow())
        )
        out.counts["contact"].deleted += len(kept)
    gone = [row.id for row in found.values() if row.id not in edited]
    if gone:
        task = table_of(Task)
        conn.execute(sa.update(task).where(task.c.contact_id.in_(gone)).values(contact_id=None))
        conn.execute(sa.delete(CON).where(CON.c.id.in_(gone)))
        out.counts["contact"].deleted += len(gone)


def delete_external(
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
