"""Sync runs: one integration's sync, from its stored settings to the tasks it opens.

The job reads the integration (decrypting its connector config), the organisation's defaults,
and gives both to the sync engine with the hooks below, which open and close tasks through the
task service (domain.md §5): an anomaly task per number clash or new document in another
currency than its account's, a missing-contact task for a synced account without any contact,
closed once a contact arrives, and the invalid-contact task of a contact whose e-mail was
corrected at the billing tool closed. Screens call ``sync_now``,
the worker and the CLI ``run_integration_sync``.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from billabex_core import task_subjects as subjects
from billabex_core.models import OPEN_TASK_STATUSES, Account, Contact, Task, TaskKind
from billabex_core.services import audit, tasks
from billabex_core.services.integration_company import confirming
from billabex_core.services.integrations import connector_config, get_integration
from billabex_core.services.org import get_organisation
from billabex_core.services.roles import require_admin
from billabex_core.sync import SyncResult
from billabex_core.sync.agent_rules import CURRENCY_MISMATCH
from billabex_core.sync.engine import (
    ConnectorFactory,
    OrgDefaults,
    ProgressCallback,
    default_factory,
    run_sync,
)
from billabex_core.sync.mapping import SyncContext


class TaskHooks:
    """The engine's hooks, through the task service."""

    def anomalies(self, session: Session, ctx: SyncContext, anomalies: list[tuple[int, str]]) -> None:
        ids = sorted({account_id for account_id, _ in anomalies})
        names = dict(session.exec(select(Account.id, Account.name).where(col(Account.id).in_(ids))).all())
        for account_id, message in anomalies:
            name = names.get(account_id, account_id)
            if message.startswith(CURRENCY_MISMATCH):  # the same task as a manual import's
                subject = subjects.CURRENCY_MISMATCH.format(name=name)
                text = (
                    f"{ctx.integration_name}: {message.removeprefix(CURRENCY_MISMATCH)}. "
                    f"Check the document or the account's currency in {ctx.provider_label}."
                )
            else:
                subject = subjects.SYNC_ANOMALY.format(name=name)
                text = (
                    f"{ctx.integration_name}: {message}. "
                    f"Fix it in {ctx.provider_label} or here, then sync again."
                )
            tasks.open_task(
                session=session,
                kind=TaskKind.ANOMALY,
                account_id=account_id,
                subject=subject,
                message=text,
                actor=audit.SYNC,
            )

    def finished(self, session: Session, ctx: SyncContext) -> None:
        """Missing-contact tasks for the integration's accounts that never had one and have no
        contact; close those whose account now has a contact."""
        asked = select(Task.id).where(Task.account_id == Account.id, Task.kind == TaskKind.MISSING_CONTACT)
        without = session.exec(
            select(Account).where(
                Account.integration_id == ctx.integration_id,
                Account.contact_count == 0,
                col(Account.paused).is_(False),
                ~sa.exists(asked),
            )
        )
        for account in list(without):
            tasks.ensure_missing_contact_task(session=session, account=account, actor=audit.SYNC)
        for task in _invalid_contacts_corrected(session, ctx.integration_id):
            if task.account_id is not None:
                tasks.close_for_cause(
                    session=session,
                    kind=TaskKind.INVALID_CONTACT,
                    account_id=task.account_id,
                    contact_id=task.contact_id,
                    note=f"the e-mail was corrected in {ctx.provider_label}",
                    actor=audit.SYNC,
                )
        for account_id in _accounts_with_solved_task(session, ctx.integration_id):
            tasks.close_for_cause(
                session=session,
                kind=TaskKind.MISSING_CONTACT,
                account_id=account_id,
                note=f"a contact was synced from {ctx.provider_label}",
                actor=audit.SYNC,
            )


def _invalid_contacts_corrected(session: Session, integration_id: int) -> list[Task]:
    """Open invalid-contact tasks of this integration's contacts that are valid again."""
    query = (
        select(Task)
        .join(Contact, col(Contact.id) == col(Task.contact_id))
        .where(
            Task.kind == TaskKind.INVALID_CONTACT,
            col(Task.status).in_(OPEN_TASK_STATUSES),
            col(Contact.is_valid).is_(True),
            Contact.integration_id == integration_id,
        )
    )
    return list(session.exec(query))


def _accounts_with_solved_task(session: Session, integration_id: int) -> list[int]:
    query = (
        select(Account.id)
        .join(Task, col(Task.account_id) == Account.id)
        .where(
            Account.integration_id == integration_id,
            Account.contact_count > 0,
            Task.kind == TaskKind.MISSING_CONTACT,
            col(Task.status).in_(OPEN_TASK_STATUSES),
        )
        .distinct()
    )
    return [account_id for account_id in session.exec(query) if account_id is not None]


def run_integration_sync(
    *,
    engine: Engine,
    integration_id: int,
    full: bool = False,
    progress: ProgressCallback | None = None,
    today: date | None = None,
    connector_factory: ConnectorFactory = default_factory,
) -> SyncResult:
    """Sync one integration; raises ``ConflictError`` when a sync of it is already running.

    A provider failure does not raise: the run is recorded as failed (``SyncResult.error``).
    """
    with Session(engine) as session:
        integration = get_integration(session=session, integration_id=integration_id)
        config = connector_config(integration)
        org = get_organisation(session=session)
        defaults = OrgDefaults(org.default_currency, org.default_language, org.payment_terms_days)
        session.commit()
    return run_sync(
        engine=engine,
        integration_id=integration_id,
        config=config,
        hooks=TaskHooks(),
        org=defaults,
        full=full,
        progress=progress,
        today=today,
        # one integration per billing company: confirmed before the first page (issue #17)
        connector_factory=confirming(connector_factory, engine=engine, integration_id=integration_id),
    )


def sync_now(
    *,
    session: Session,
    integration_id: int,
    actor: str,
    full: bool = False,
    progress: ProgressCallback | None = None,
) -> SyncResult:
    """ "Sync now" from a screen, for administrators (checked here, whatever the screen shows):
    the same run as the worker's, on the session's database."""
    require_admin(session=session, actor=actor)
    get_integration(session=session, integration_id=integration_id)
    audit.record(
        session=session,
        actor=actor,
        action="sync.requested",
        entity="integration",
        entity_id=integration_id,
        full=full,
    )
    session.commit()  # the request is in the audit log even if the sync fails
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    return run_integration_sync(engine=engine, integration_id=integration_id, full=full, progress=progress)
