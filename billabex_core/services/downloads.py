"""What a screen lets people download: CSV written by the CLI's one writer (``export.to_csv``,
formulas neutralised), and each download written to the audit log."""

from __future__ import annotations

from sqlmodel import Session

from billabex_core.services import audit
from billabex_core.services.audit_log import AuditFilters, search
from billabex_core.services.export import export_rows, to_csv

MAX_AUDIT_ROWS = 10_000


def entity_csv(*, session: Session, entity: str, actor: str) -> str:
    """Every row of ``entity`` as ``export ENTITY --format csv`` gives it."""
    rows = export_rows(session=session, entity=entity)
    audit.record(session=session, actor=actor, action="export.csv", entity=entity, rows=len(rows))
    return to_csv(rows)


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
