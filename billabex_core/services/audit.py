"""The append-only audit log: every change is attributed to a user, "agent" or "sync".

Nothing edits or deletes an event: there is no such function, and the database refuses UPDATE and
DELETE on the table (triggers, migration 0006_auth). Logins, failed logins and logouts, changes,
syncs, sends, exports and role changes are all events; ``audit_log.search`` reads them for
administrators.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from billabex_core.models import AuditEvent

AGENT = "agent"
SYNC = "sync"
CLI = "cli"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def record(
    *,
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None = None,
    account_id: int | None = None,
    **details: Any,
) -> AuditEvent:
    event = AuditEvent(
        actor=actor or "unknown",
        action=action,
        entity=entity,
        entity_id=entity_id,
        account_id=account_id,
        details=_jsonable(details),
    )
    session.add(event)
    return event


def history(*, session: Session, account_id: int | None = None, limit: int = 200) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)
    if account_id is not None:
        query = query.where(AuditEvent.account_id == account_id)
    return list(session.exec(query))
