"""What leaves the database as a file: the CLI's ``export`` and what a screen lets people download,
CSV written by one writer (``export.to_csv``, formulas neutralised); each export and download is
written to the audit log."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from billabex_core.services import audit
from billabex_core.services.audit_log import AuditFilters, search
from billabex_core.services.export import export_rows, to_csv, to_json

MAX_AUDIT_ROWS = 10_000


def export_entity(*, session: Session, entity: str, fmt: str, actor: str, **where: str) -> str:
    """Every row of ``entity`` as JSON or CSV (the CLI's ``export`` and the screens' downloads),
    written to the audit log: who (``actor``, and ``where`` it came from), what, how many rows."""
    rows = export_rows(session=session, entity=entity)
    details: dict[str, Any] = {"rows": len(rows), **where}
    audit.record(session=session, actor=actor, action=f"export.{fmt}", entity=entity, **details)
    return to_csv(rows) if fmt == "csv" else to_json(rows) + "\n"


def entity_csv(*, session: Session, entity: str, actor: str) -> str:
    """Every row of ``entity`` as ``export ENTITY --format csv`` gives it."""
    return export_entity(session=session, entity=entity, fmt="csv", actor=actor, via="screen")


def audit_csv(*, session: Session, actor: str, filters: AuditFilters) -> str:
    """The filtered audit log (administrators), newest first, at most ``MAX_AUDIT_ROWS`` events."""
    found = search(session=session, actor=actor, filters=filters, page_size=MAX_AUDIT_ROWS)
    rows = [
        {
            "id": e.id,
            "at": e.at.isoformat(),
            "actor": e.actor,
            "action": e.action,
            "entity": e.entity,
            "entity_id": e.entity_id,
            "account_id": e.account_id,
            "details": ", ".join(f"{k}: {v}" for k, v in e.details.items()),
        }
        for e in found.rows
    ]
    audit.record(session=session, actor=actor, action="export.csv", entity="audit", rows=len(rows))
    return to_csv(rows)
