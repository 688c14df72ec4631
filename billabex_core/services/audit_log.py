"""Reading the audit log (administrators): filtered, newest first, paginated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from billabex_core.models import AuditEvent, User
from billabex_core.services.audit import AGENT, CLI, SYNC
from billabex_core.services.roles import require_admin

# What the audit log screen filters on: the first part of an action ("login" for "login.failed").
ACTION_FAMILIES = (
    "login",
    "logout",
    "user",
    "organisation",
    "integration",
    "sync",
    "communication",
    "export",
    "account",
    "contact",
    "referent",
    "document",
    "draft",
    "upload",
    "payment",
    "credit_note",
    "task",
)


@dataclass(frozen=True)
class AuditSearch:
    rows: list[AuditEvent]
    total: int


@dataclass(frozen=True)
class AuditFilters:
    """``who`` acted, the action ``family`` (``login`` for ``login.*``), the ``entity``, and the
    days from ``since`` to ``until`` (UTC, inclusive); None: any."""

    who: str | None = None
    family: str | None = None
    entity: str | None = None
    since: date | None = None
    until: date | None = None

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        found: list[sa.ColumnElement[bool]] = []
        if self.who:
            found.append(col(AuditEvent.actor) == self.who.strip().lower())
        if self.family:
            action = col(AuditEvent.action)
            found.append(sa.or_(action == self.family, action.startswith(f"{self.family}.", autoescape=True)))
        if self.entity:
            found.append(col(AuditEvent.entity) == self.entity)
        if self.since:
            found.append(col(AuditEvent.at) >= datetime.combine(self.since, time(), tzinfo=UTC))
        if self.until:
            end = datetime.combine(self.until + timedelta(days=1), time(), tzinfo=UTC)
            found.append(col(AuditEvent.at) < end)
        return found


def search(
    *,
    session: Session,
    actor: str,
    filters: AuditFilters | None = None,
    page: int = 1,
    page_size: int = 50,
) -> AuditSearch:
    """The audit log, newest first, filtered (administrators)."""
    require_admin(session=session, actor=actor)
    conditions = (filters or AuditFilters()).conditions()
    total = session.exec(select(sa.func.count()).select_from(AuditEvent).where(*conditions)).one()
    rows = session.exec(
        select(AuditEvent)
        .where(*conditions)
        .order_by(col(AuditEvent.id).desc())
        .offset((max(page, 1) - 1) * page_size)
        .limit(page_size)
    ).all()
    return AuditSearch(rows=list(rows), total=int(total))


def actors(*, session: Session, actor: str) -> list[str]:
    """Who can appear in the log (administrators): every login, and the programs."""
    require_admin(session=session, actor=actor)
    return [*session.exec(select(User.username).order_by(col(User.username))).all(), AGENT, SYNC, CLI]
