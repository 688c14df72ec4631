"""Complete sets (docs/sync.md): a connector that has just read the whole list of a parent's
children (a customer's contact persons, an invoice's payments, a credit note's applications, the
rows of one payment) or the whole list of a provider's ids (a reconciliation) says so with a
``ChildrenRecord``; what the integration stored for that parent and is not listed is gone at the
provider and goes here too:

- payments and credit applications are deleted (the statuses of their accounts are recomputed,
  so paid amounts and statuses follow);
- contacts go through the contact deletion rule of ``deletions.py`` (one a person edited is kept
  as a hand-made contact);
- documents are deleted with their payments and applications, accounts paused ("deleted in
  <provider>"), as for the change log's deletions.

Rows the engine derives itself (``settled:`` payment lines, ``implied:`` applications, ``billing:``
contacts, each replaced by its own rule) are never touched, nor rows written by the same page
(a list read earlier in the page group cannot remove what a later page wrote). Only the pairs
the connector declares (``Connector.COMPLETE_SETS``) are honoured.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from billabex_core.connectors.records import BILLING_CONTACT_PREFIX, ChildrenRecord, DeletionRecord, Entity
from billabex_core.domain.provider_figures import SETTLED_PREFIX
from billabex_core.models import DocumentKind
from billabex_core.sync import mapping as mp
from billabex_core.sync.deletions import apply_deletions
from billabex_core.sync.page import ACC, APP, CON, DOC, IMPLIED, PAY, PageOutcome

log = logging.getLogger(__name__)

DERIVED = {
    Entity.PAYMENT: SETTLED_PREFIX,
    Entity.CREDIT_APPLICATION: IMPLIED,
    Entity.CONTACT: BILLING_CONTACT_PREFIX,
}
TABLES = {Entity.CONTACT: CON, Entity.PAYMENT: PAY, Entity.CREDIT_APPLICATION: APP}
# The column that ties a child row to its parent's row.
PARENT_COLUMNS = {
    (Entity.CONTACT, Entity.ACCOUNT): CON.c.account_id,
    (Entity.PAYMENT, Entity.INVOICE): PAY.c.document_id,
    (Entity.CREDIT_APPLICATION, Entity.INVOICE): APP.c.invoice_id,
    (Entity.CREDIT_APPLICATION, Entity.CREDIT_NOTE): APP.c.credit_note_id,
}
DOCUMENT_KINDS = {Entity.INVOICE: DocumentKind.INVOICE, Entity.CREDIT_NOTE: DocumentKind.CREDIT_NOTE}


def apply_children(
    conn: Connection,
    ctx: mp.SyncContext,
    records: list[ChildrenRecord],
    written: dict[Entity, set[str]],
    out: PageOutcome,
) -> None:
    """Remove the children the page's complete lists no longer name (``written``: external ids
    of each entity the page group wrote, never removed here)."""
    latest: dict[tuple[Entity, Entity | None, str | None], ChildrenRecord] = {}
    for record in records:
        if (record.entity, record.parent) not in ctx.complete_sets:
            log.warning("ignored an undeclared complete list of %s by %s", record.entity, record.parent)
            continue
        latest[(record.entity, record.parent, record.parent_external_id)] = record
    gone: dict[Entity, set[str]] = defaultdict(set)
    by_pair: dict[tuple[Entity, Entity | None], list[ChildrenRecord]] = defaultdict(list)
    for record in latest.values():
        by_pair[(record.entity, record.parent)].append(record)
    for (entity, parent), group in by_pair.items():
        if parent is None:
            gone[entity] |= _unlisted(conn, ctx, entity, group[-1].external_ids)
        elif parent is Entity.PAYMENT:
            gone[entity] |= _unlisted_split_rows(conn, ctx, group)
        else:
            gone[entity] |= _unlisted_children(conn, ctx, entity, parent, group)
    deletions = [
        DeletionRecord(entity, ext)
        for entity, ids in gone.items()
        for ext in sorted(ids - written.get(entity, set()))
        if not ext.startswith(DERIVED.get(entity, "\0"))
    ]
    if deletions:
        apply_deletions(conn, ctx, deletions, out)


def _parent_ids(
    conn: Connection, ctx: mp.SyncContext, parent: Entity, external_ids: Iterable[str]
) -> dict[str, int]:
    table = ACC if parent is Entity.ACCOUNT else DOC
    where = [table.c.integration_id == ctx.integration_id, table.c.external_id.in_(sorted(set(external_ids)))]
    if parent in DOCUMENT_KINDS:
        where.append(DOC.c.kind == DOCUMENT_KINDS[parent])
    return {
        row.external_id: row.id
        for row in conn.execute(sa.select(table.c.external_id, table.c.id).where(*where))
    }


def _unlisted_children(
    conn: Connection, ctx: mp.SyncContext, entity: Entity, parent: Entity, group: list[ChildrenRecord]
) -> set[str]:
    column = PARENT_COLUMNS.get((entity, parent))
    if column is None:
        return set()
    table = TABLES[entity]
    parents = _parent_ids(conn, ctx, parent, (r.parent_external_id or "" for r in group))
    listed = {
        parents[r.parent_external_id or ""]: r.external_ids for r in group if r.parent_external_id in parents
    }
    if not listed:
        return set()
    query = sa.select(column, table.c.external_id).where(
        table.c.integration_id == ctx.integration_id,
        column.in_(sorted(listed)),
        table.c.external_id.is_not(None),
    )
    return {row.external_id for row in conn.execute(query) if row.external_id not in listed[row[0]]}


def _unlisted_split_rows(conn: Connection, ctx: mp.SyncContext, group: list[ChildrenRecord]) -> set[str]:
    """Payment rows ``<payment id>:<part>`` of the listed provider payments, not listed now.

    One range of the (integration, external id) index covers the page's payments (a page lists
    payments of neighbouring ids), filtered here: no per-row prefix test over every payment."""
    listed = {r.parent_external_id: r.external_ids for r in group if r.parent_external_id}
    if not listed:
        return set()
    low, high = min(f"{p}:" for p in listed), max(f"{p};" for p in listed)  # ";" follows ":"
    query = sa.select(PAY.c.external_id).where(
        PAY.c.integration_id == ctx.integration_id, PAY.c.external_id >= low, PAY.c.external_id < high
    )
    out = set()
    for ext in conn.execute(query).scalars():
        payment, colon, _ = ext.partition(":")
        if colon and payment in listed and ext not in listed[payment]:
            out.add(ext)
    return out


def _unlisted(conn: Connection, ctx: mp.SyncContext, entity: Entity, listed: frozenset[str]) -> set[str]:
    """A reconciliation: stored ids of ``entity`` the provider no longer lists."""
    if entity is Entity.PAYMENT:
        query = sa.select(PAY.c.external_id).where(
            PAY.c.integration_id == ctx.integration_id, PAY.c.external_id.is_not(None)
        )
        return {ext for ext in conn.execute(query).scalars() if ext.partition(":")[0] not in listed}
    if entity is Entity.ACCOUNT:
        where = [ACC.c.integration_id == ctx.integration_id, ACC.c.paused.is_(False)]
        query = sa.select(ACC.c.external_id).where(*where)
    elif entity in DOCUMENT_KINDS:
        kind = DOC.c.kind == DOCUMENT_KINDS[entity]
        query = sa.select(DOC.c.external_id).where(DOC.c.integration_id == ctx.integration_id, kind)
    else:
        return set()
    return {ext for ext in conn.execute(query).scalars() if ext is not None and ext not in listed}
