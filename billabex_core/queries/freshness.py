"""Fresh data before sending (domain.md §6b): which integrations' data are too old to remind the
accounts they feed, and which accounts that holds.

An integration is stale when its last finished sync failed, or its last successful sync is older
than the organisation's limit (``Organisation.freshness_hours``, default 24). The age is real time:
``now`` is the wall clock (``db.types.utcnow``), whatever day a run is pinned to with ``--today``
or ``BILLABEX_TODAY``. The rule itself is ``domain.plan.stale_reason``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from billabex_core.domain.plan import PLANNED, stale_reason
from billabex_core.models import Account, Communication, Integration, SyncRun, SyncStatus, User


@dataclass(frozen=True)
class StaleIntegration:
    id: int
    name: str
    reason: str


def stale_integrations(*, session: Session, now: datetime, limit_hours: int) -> list[StaleIntegration]:
    """Every integration whose data may not be used to remind its accounts, with why."""
    out = []
    for integration in session.exec(select(Integration).order_by(col(Integration.id))):
        if integration.id is None:
            continue
        last_status = session.exec(
            select(SyncRun.status)
            .where(SyncRun.integration_id == integration.id, SyncRun.status != SyncStatus.RUNNING)
            .order_by(col(SyncRun.id).desc())
            .limit(1)
        ).first()
        reason = stale_reason(
            name=integration.name,
            last_success_at=integration.last_success_at,
            last_failed=last_status == SyncStatus.FAILED,
            now=now,
            limit_hours=limit_hours,
        )
        if reason is not None:
            out.append(StaleIntegration(integration.id, integration.name, reason))
    return out


def held_accounts(*, session: Session, stale: list[StaleIntegration]) -> dict[int, tuple[int, str]]:
    """Account id → (its stale integration, why its reminders are held)."""
    reasons = {s.id: s.reason for s in stale}
    if not reasons:
        return {}
    query = select(Account.id, Account.integration_id).where(col(Account.integration_id).in_(list(reasons)))
    return {
        account_id: (integration_id, f"held: {reasons[integration_id]}")
        for account_id, integration_id in session.exec(query)
        if account_id is not None and integration_id is not None
    }


def account_hold(*, session: Session, account_id: int, now: datetime, limit_hours: int) -> str | None:
    """Why this one account's reminders are held now (None: it may be reminded)."""
    account = session.get(Account, account_id)
    if account is None or account.integration_id is None:
        return None
    stale = [
        s
        for s in stale_integrations(session=session, now=now, limit_hours=limit_hours)
        if s.id == account.integration_id
    ]
    held = held_accounts(session=session, stale=stale).get(account_id)
    return held[1] if held else None


def admin_usernames(*, session: Session) -> list[str]:
    """The active administrators: whom a task about the organisation's data is for."""
    query = select(User.username).where(col(User.is_admin).is_(True), col(User.is_active).is_(True))
    return sorted(session.exec(query))


def integrations_holding_messages(*, session: Session) -> set[int]:
    """Integrations whose accounts have messages held now (not sent yet, ``held`` set)."""
    query = (
        select(Account.integration_id)
        .join(Communication, col(Communication.account_id) == col(Account.id))
        .where(
            col(Communication.status).in_(PLANNED),
            col(Communication.held).is_not(None),
            col(Account.integration_id).is_not(None),
        )
        .distinct()
    )
    return {integration_id for integration_id in session.exec(query) if integration_id is not None}


def accounts_being_synced(*, session: Session) -> set[int]:
    """Accounts of integrations whose data are not whole yet: never synced to the end, or a sync
    running now. The agent opens no task about them (their contacts may not be written yet)."""
    running = select(SyncRun.integration_id).where(SyncRun.status == SyncStatus.RUNNING)
    unsettled = select(Integration.id).where(
        (col(Integration.last_success_at).is_(None)) | (col(Integration.id).in_(running))
    )
    query = select(Account.id).where(col(Account.integration_id).in_(unsettled))
    return {account_id for account_id in session.exec(query) if account_id is not None}
