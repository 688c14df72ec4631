"""Bulk upserts keyed by (integration, external id), with SQLAlchemy Core.

One ``SELECT`` loads the existing rows of a page, one executemany ``INSERT ... RETURNING``
creates the new ones and one executemany ``UPDATE`` writes the changed ones: a page costs a
handful of statements whatever its size. Only synced rows are ever matched (the key includes
the integration), so manual rows are never touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from billabex_core.db.types import utcnow

CHUNK = 500


def chunks(items: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def table_of(model: Any) -> sa.Table:
    table: sa.Table = model.__table__
    return table


def existing(
    conn: Connection,
    table: sa.Table,
    *,
    integration_id: int,
    external_ids: Iterable[str],
    columns: Iterable[str] = (),
    scope: Any = None,
) -> dict[str, Row]:
    """The stored rows of this integration with these external ids, by external id.
    ``scope`` narrows the key further (a document's kind)."""
    wanted = sorted(set(external_ids))
    cols = [table.c.id, table.c.external_id, *(table.c[name] for name in columns)]
    out: dict[str, Row] = {}
    for batch in chunks(wanted):
        query = sa.select(*cols).where(
            table.c.integration_id == integration_id, table.c.external_id.in_(batch)
        )
        if scope is not None:
            query = query.where(scope)
        out.update({row.external_id: row for row in conn.execute(query)})
    return out


@dataclass(slots=True)
class Upserted:
    ids: dict[str, int] = field(default_factory=dict)  # every upserted row, by external id
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    before: dict[str, Row] = field(default_factory=dict)  # the stored values before this page


def upsert(
    conn: Connection,
    table: sa.Table,
    *,
    keys: Mapping[str, Any],
    rows: Mapping[str, dict[str, Any]],
    fields: tuple[str, ...],
    versioned: bool = False,
    scope: Any = None,
    before: dict[str, Row] | None = None,
) -> Upserted:
    """Insert or update ``rows`` (external id → values); ``fields`` are compared to decide
    whether a stored row changed. ``keys`` are the constant columns (source, integration).
    ``before``: the stored rows (``existing`` with ``fields`` as columns) when already loaded."""
    out = Upserted()
    if not rows:
        return out
    out.before = (
        before
        if before is not None
        else existing(
            conn, table, integration_id=keys["integration_id"], external_ids=rows, columns=fields, scope=scope
        )
    )
    now = utcnow()
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for ext, values in rows.items():
        stored = out.before.get(ext)
        if stored is None:
            new.append({**keys, "external_id": ext, **values, "created_at": now, "updated_at": now})
            out.created.append(ext)
            continue
        out.ids[ext] = stored.id
        if any(getattr(stored, name) != values.get(name) for name in fields):
            changed.append({"_id": stored.id, **{f"v_{k}": v for k, v in values.items()}})
            out.updated.append(ext)
        else:
            out.unchanged.append(ext)
    if new:
        # No sort_by_parameter_order: rows are matched by external id, and without it SQLite
        # gets one multi-row INSERT per batch instead of one statement per row.
        statement = table.insert().returning(table.c.id, table.c.external_id)
        out.ids.update({row.external_id: row.id for row in conn.execute(statement, new)})
    if changed:
        names = [k[2:] for k in changed[0] if k.startswith("v_")]
        assignments: dict[str, Any] = {name: sa.bindparam(f"v_{name}") for name in names}
        if "updated_at" in table.c:  # (payments and credit applications have none)
            assignments["updated_at"] = now
        if versioned:
            assignments["version"] = table.c.version + 1
        update = sa.update(table).where(table.c.id == sa.bindparam("_id")).values(assignments)
        conn.execute(update, changed)
    return out
