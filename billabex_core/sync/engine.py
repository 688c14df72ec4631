"""Run one sync of one integration (docs/sync.md).

    lock → SyncRun(running) → for each page (read ahead in a thread; pages already waiting
    are taken together, see prefetch.py):
        one transaction: upsert the pages' records, store the last page's cursor, renew the
        lock, update the run's counts → commit
    → statuses of the touched accounts → agent hooks (missing-contact tasks) → SyncRun(done)

Because a page's cursor is stored in the same transaction as its records, a sync stopped
anywhere (exception, ``kill -9``) resumes after the last committed page: nothing lost, nothing
doubled (records are upserted by external id, so a page read twice is harmless).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col, select

from billabex_core.clock import business_today
from billabex_core.connectors import CONNECTORS
from billabex_core.connectors.base import Connector
from billabex_core.connectors.records import Entity
from billabex_core.db.types import utcnow
from billabex_core.errors import BillabexError, NotFoundError
from billabex_core.models import (
    Account,
    AuditEvent,
    Integration,
    SyncCursor,
    SyncRun,
    SyncStatus,
    Task,
    TaskKind,
)
from billabex_core.services import audit, tasks
from billabex_core.services.org import get_organisation
from billabex_core.sync import lock
from billabex_core.sync.apply import PageOutcome, apply_page
from billabex_core.sync.mapping import SyncContext
from billabex_core.sync.prefetch import prefetch
from billabex_core.sync.result import Counts, SyncProgress, SyncResult, counts_as_dict
from billabex_core.sync.statuses import integration_accounts, recompute_accounts
from billabex_core.sync.writer import table_of

log = logging.getLogger(__name__)

ProgressCallback = Callable[[SyncProgress], None]
ConnectorFactory = Callable[[str, dict[str, Any]], Connector]
# Pages already read ahead are written together, up to these limits (prefetch.py).
GROUP_PAGES, GROUP_RECORDS = 10, 1000
SQLITE_CACHE_KB = 64 * 1024  # page cache of the sync's SQLite connection
INTERRUPTED = "interrupted: the process stopped before the end; the next sync resumed it"
RUN, CURSOR, AUDIT = table_of(SyncRun), table_of(SyncCursor), table_of(AuditEvent)


def default_factory(provider: str, config: dict[str, Any]) -> Connector:
    return CONNECTORS[provider](config)


def run_sync(
    *,
    engine: Engine,
    integration_id: int,
    full: bool = False,
    progress: ProgressCallback | None = None,
    today: date | None = None,
    connector_factory: ConnectorFactory = default_factory,
) -> SyncResult:
    """Sync one integration; raises ``ConflictError`` when a sync of it is already running.

    A provider failure does not raise: the run is recorded as failed (``SyncResult.error``,
    ``Integration.last_error``). Unexpected errors are recorded too, then raised.
    """
    with Session(engine) as s:
        integration = s.get(Integration, integration_id)
        if integration is None:
            raise NotFoundError("integration", integration_id)
        name = integration.name
    token = lock.acquire(engine, integration_id=integration_id, name=name)
    try:
        return _Run(engine, integration_id, token, full, progress, today, connector_factory).run()
    finally:
        lock.release(engine, integration_id=integration_id, token=token)


class _Run:
    def __init__(
        self,
        engine: Engine,
        integration_id: int,
        token: str,
        full: bool,
        progress: ProgressCallback | None,
        today: date | None,
        factory: ConnectorFactory,
    ) -> None:
        self.engine, self.integration_id, self.token, self.full = engine, integration_id, token, full
        self.progress, self.today, self.factory = progress, today or business_today(), factory
        self.counts: dict[str, Counts] = {}
        self.errors: list[str] = []
        self.failures = 0
        self.touched: set[int] = set()
        self.requests = 0

    def run(self) -> SyncResult:
        ctx, config, cursors, recover = self._start()
        result = SyncResult(ctx.integration_name, self.run_id, SyncStatus.RUNNING, started_at=self.started)
        unexpected: BaseException | None = None
        failed = True
        try:
            connector = self.factory(ctx.provider.value, config)
        except BillabexError as exc:
            self.errors.insert(0, str(exc))
            connector = None
        if connector is not None:
            try:
                self._pages(ctx, connector, cursors)
                failed = False
            except BillabexError as exc:
                self.errors.insert(0, str(exc))
            except Exception as exc:  # recorded as failed, then raised
                log.exception("sync of %s failed unexpectedly", ctx.integration_name)
                self.errors.insert(0, f"internal error ({type(exc).__name__}); see the server log")
                unexpected = exc
            finally:
                self.requests = connector.requests
                connector.close()
        status = (
            SyncStatus.FAILED if failed else SyncStatus.PARTIAL if self.failures else SyncStatus.SUCCEEDED
        )
        self._finish(ctx, status, recover)
        result.status, result.counts, result.errors = status, self.counts, self.errors
        result.requests, result.finished_at = self.requests, utcnow()
        if self.progress is not None:
            self.progress(self._progress(ctx, "", 0, 1, 0, done=True))
        if unexpected is not None:
            raise unexpected
        return result

    # -- start ------------------------------------------------------------------------------

    def _start(self) -> tuple[SyncContext, dict[str, Any], dict[str, str | None], bool]:
        from billabex_core.services.integrations import connector_config

        self.started = utcnow()
        with Session(self.engine, expire_on_commit=False) as s:
            integration = s.get(Integration, self.integration_id)
            assert integration is not None
            org = get_organisation(session=s)
            stale = list(
                s.exec(
                    select(SyncRun).where(
                        SyncRun.integration_id == self.integration_id, SyncRun.status == SyncStatus.RUNNING
                    )
                )
            )
            for run in stale:  # the lock is ours, so these runs died (kill -9, power cut)
                run.status, run.finished_at, run.errors = SyncStatus.FAILED, self.started, [INTERRUPTED]
            last = s.exec(
                select(SyncRun)
                .where(SyncRun.integration_id == self.integration_id)
                .order_by(col(SyncRun.id).desc())
            ).first()
            recover = bool(stale) or (last is not None and last.status == SyncStatus.FAILED)
            run = SyncRun(integration_id=self.integration_id, full=self.full, started_at=self.started)
            s.add(run)
            s.commit()
            self.run_id = run.id or 0
            config = connector_config(integration)
            cursors = {
                c.entity: c.cursor
                for c in s.exec(select(SyncCursor).where(SyncCursor.integration_id == self.integration_id))
            }
            ctx = SyncContext(
                integration_id=self.integration_id,
                integration_name=integration.name,
                provider=integration.provider,
                default_currency=org.default_currency,
                default_language=org.default_language,
                payment_terms_days=org.payment_terms_days,
                today=self.today,
                excluded=frozenset(str(i) for i in integration.excluded_customer_ids),
            )
        return ctx, config, cursors, recover

    # -- pages ------------------------------------------------------------------------------

    def _pages(self, ctx: SyncContext, connector: Connector, cursors: dict[str, str | None]) -> None:
        entities = list(connector.ENTITIES)
        implied = Entity.CREDIT_APPLICATION not in entities
        for entity in entities:
            self.counts[entity.value] = Counts()
        plan = [(e, None if self.full else cursors.get(e.value)) for e in entities]
        pages = 0
        groups = prefetch(connector, plan, full=self.full, max_pages=GROUP_PAGES, max_records=GROUP_RECORDS)
        for group in groups:
            entity, last = group[-1]
            records = group[0][1].records if len(group) == 1 else [r for _, p in group for r in p.records]
            with self.engine.begin() as conn:
                if conn.dialect.name == "sqlite":
                    # Per connection; the default 2 MB makes every index insert read pages
                    # back from the OS once the database outgrows it (the cost per page grew
                    # with the database). Memory is only taken as pages are read.
                    conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KB}")
                outcome = apply_page(conn, ctx, records, implied_applications=implied)
                if outcome.anomalies:
                    _open_anomalies(conn, ctx, outcome.anomalies)
                self._store_cursor(conn, entity.value, last.cursor)  # the group's last page
                lock.renew(
                    conn, integration_id=ctx.integration_id, token=self.token, name=ctx.integration_name
                )
                self._merge(outcome)
                _audit_page(conn, ctx, entity, outcome)
                conn.execute(
                    sa.update(RUN)
                    .where(RUN.c.id == self.run_id)
                    .values(
                        counts=counts_as_dict(self.counts), errors=self.errors, requests=connector.requests
                    )
                )
            self.touched |= outcome.accounts
            pages += len(group)
            if self.progress is not None:
                index = entities.index(entity)
                self.progress(
                    self._progress(ctx, entity.value, index, len(entities), pages, connector.requests)
                )

    def _merge(self, outcome: PageOutcome) -> None:
        for entity, counts in outcome.counts.items():
            self.counts.setdefault(entity, Counts()).add(counts)
            self.failures += counts.failed
        room = 50 - len(self.errors)
        self.errors.extend(outcome.errors[: max(room, 0)])

    def _store_cursor(self, conn: Connection, entity: str, cursor: str | None) -> None:
        now = utcnow()
        where = (CURSOR.c.integration_id == self.integration_id) & (CURSOR.c.entity == entity)
        if not conn.execute(sa.update(CURSOR).where(where).values(cursor=cursor, updated_at=now)).rowcount:
            conn.execute(
                sa.insert(CURSOR).values(
                    integration_id=self.integration_id, entity=entity, cursor=cursor, updated_at=now
                )
            )

    def _progress(
        self,
        ctx: SyncContext,
        entity: str,
        index: int,
        total: int,
        pages: int,
        requests: int = 0,
        *,
        done: bool = False,
    ) -> SyncProgress:
        return SyncProgress(
            integration=ctx.integration_name,
            entity=entity,
            entity_index=index,
            entity_total=total,
            pages=pages,
            requests=requests or self.requests,
            counts={k: Counts(**v.as_dict()) for k, v in self.counts.items()},
            done=done,
        )

    # -- finish -----------------------------------------------------------------------------

    def _finish(self, ctx: SyncContext, status: SyncStatus, recover: bool) -> None:
        with self.engine.begin() as conn:
            accounts = integration_accounts(conn, ctx.integration_id) if recover else self.touched
            recompute_accounts(conn, accounts, today=ctx.today)
        finished = utcnow()
        with Session(self.engine) as s:
            _agent_hooks(s, ctx)
            run = s.get(SyncRun, self.run_id)
            integration = s.get(Integration, ctx.integration_id)
            assert run is not None and integration is not None
            run.status, run.finished_at = status, finished
            run.counts, run.errors, run.requests = (
                counts_as_dict(self.counts),
                list(self.errors),
                self.requests,
            )
            if status == SyncStatus.FAILED:
                integration.last_error = self.errors[0] if self.errors else "the sync failed"
            else:
                integration.last_success_at = self.started  # the data is as fresh as the run's start
                integration.last_error = (
                    f"{self.failures} record(s) could not be stored, e.g. {self.errors[0]}"
                    if self.failures and self.errors
                    else None
                )
            audit.record(
                session=s,
                actor=audit.SYNC,
                action=f"sync.{status.value}",
                entity="integration",
                entity_id=ctx.integration_id,
                run_id=self.run_id,
                counts=counts_as_dict(self.counts),
                error=self.errors[0] if status == SyncStatus.FAILED and self.errors else None,
            )
            s.commit()


def _agent_hooks(s: Session, ctx: SyncContext) -> None:
    """Missing-contact tasks for the integration's accounts that never had one and have no
    contact; close those whose account now has a contact (domain.md §5)."""
    asked = select(Task.id).where(Task.account_id == Account.id, Task.kind == TaskKind.MISSING_CONTACT)
    without = s.exec(
        select(Account).where(
            Account.integration_id == ctx.integration_id,
            Account.contact_count == 0,
            col(Account.paused).is_(False),
            ~sa.exists(asked),
        )
    )
    for account in list(without):
        tasks.ensure_missing_contact_task(session=s, account=account, actor=audit.SYNC)
    solved = s.exec(
        select(Account.id)
        .join(Task, col(Task.account_id) == Account.id)
        .where(
            Account.integration_id == ctx.integration_id,
            Account.contact_count > 0,
            Task.kind == TaskKind.MISSING_CONTACT,
            col(Task.status).in_(tasks.OPEN_STATUSES),
        )
        .distinct()
    )
    for account_id in list(solved):
        tasks.close_for_cause(
            session=s,
            kind=TaskKind.MISSING_CONTACT,
            account_id=account_id,
            note=f"a contact was synced from {ctx.provider_label}",
            actor=audit.SYNC,
        )


def _open_anomalies(conn: Connection, ctx: SyncContext, anomalies: list[tuple[int, str]]) -> None:
    with Session(bind=conn) as s:
        ids = sorted({a for a, _ in anomalies})
        names = dict(s.exec(select(Account.id, Account.name).where(col(Account.id).in_(ids))).all())
        for account_id, message in anomalies:
            tasks.open_task(
                session=s,
                kind=TaskKind.ANOMALY,
                account_id=account_id,
                subject=f"Sync anomaly on {names.get(account_id, account_id)}",
                message=f"{ctx.integration_name}: {message}. Fix it in {ctx.provider_label} or here, then sync again.",
                actor=audit.SYNC,
            )
        s.flush()


def _audit_page(conn: Connection, ctx: SyncContext, entity: Entity, outcome: PageOutcome) -> None:
    """One audit event per page that changed something (not one per row)."""
    changes = {
        name: {k: v for k, v in c.as_dict().items() if v and k != "unchanged"}
        for name, c in outcome.counts.items()
    }
    changes = {name: c for name, c in changes.items() if c}
    if not changes:
        return
    conn.execute(
        sa.insert(AUDIT).values(
            at=utcnow(),
            actor=audit.SYNC,
            action="sync.page",
            entity=entity.value,
            details={"integration": ctx.integration_name, "changes": changes},
        )
    )
