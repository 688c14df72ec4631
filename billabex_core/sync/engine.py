"""Run one sync of one integration (docs/sync.md).

    lock → SyncRun(running) → for each page (read ahead in a thread; pages already waiting
    are taken together, see prefetch.py):
        one transaction: upsert the pages' records, store the last page's cursor, renew the
        lock, update the run's counts → commit
    → for the touched accounts: currencies from documents (when the provider gives none),
      "settled in <provider>" lines, statuses → the caller's hooks (tasks) → SyncRun(done)

The engine is a leaf: its caller (``jobs.sync_runs``) gives it the decrypted connector config,
the organisation's defaults and the hooks that open tasks through the services; it imports no
service itself.

Because a page's cursor is stored in the same transaction as its records, a sync stopped
anywhere (exception, ``kill -9``) resumes after the last committed page: nothing lost, nothing
doubled (records are upserted by external id, so a page read twice is harmless).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col, select

from billabex_core.clock import business_today
from billabex_core.connectors import CONNECTORS
from billabex_core.connectors.base import Connector
from billabex_core.connectors.records import Entity
from billabex_core.db.types import utcnow
from billabex_core.errors import BillabexError, NotFoundError
from billabex_core.messages import Template
from billabex_core.models import (
    AuditEvent,
    Integration,
    SyncCursor,
    SyncRun,
    SyncStatus,
)
from billabex_core.sync import lock
from billabex_core.sync.apply import PageOutcome, apply_page
from billabex_core.sync.currencies import derive_currencies
from billabex_core.sync.mapping import SYNC_ACTOR, SyncContext
from billabex_core.sync.prefetch import prefetch
from billabex_core.sync.result import Counts, SyncProgress, SyncResult, counts_as_dict
from billabex_core.sync.settlement import settle_invoices
from billabex_core.sync.statuses import integration_accounts, recompute_accounts
from billabex_core.sync.writer import table_of

log = logging.getLogger(__name__)

ProgressCallback = Callable[[SyncProgress], None]
ConnectorFactory = Callable[[str, dict[str, Any]], Connector]
# Pages already read ahead are written together, up to these limits (prefetch.py).
GROUP_PAGES, GROUP_RECORDS = 10, 1000
SQLITE_CACHE_KB = 64 * 1024  # page cache of the sync's SQLite connection
# A run's summaries, stored in English (the CLI's); ``messages.read`` gives the screens their code.
INTERRUPTED = Template(
    "sync.interrupted", "interrupted: the process stopped before the end; the next sync resumed it"
)
INTERNAL = Template("sync.internal", "internal error ({kind}); see the server log")
FAILED = Template("sync.failed", "the sync failed")
PARTIAL = Template("sync.partial", "{count} record(s) could not be stored, e.g. {error}")
RUN, CURSOR, AUDIT = table_of(SyncRun), table_of(SyncCursor), table_of(AuditEvent)


def default_factory(provider: str, config: dict[str, Any]) -> Connector:
    return CONNECTORS[provider](config)


@dataclass(frozen=True)
class OrgDefaults:
    """What the mapping takes from the organisation when a record does not say."""

    default_currency: str = "EUR"
    default_language: str = "fr"
    payment_terms_days: int = 30


class SyncHooks(Protocol):
    """What the caller does with the domain's follow-ups of a sync (tasks, through services)."""

    def anomalies(self, session: Session, ctx: SyncContext, anomalies: list[tuple[int, str]]) -> None:
        """Inside the page's transaction: one anomaly task per (account id, message)."""

    def finished(self, session: Session, ctx: SyncContext) -> None:
        """After the statuses, in the transaction that closes the run."""


class NoHooks:
    """For callers that want the data only (benchmarks, tools): no task is opened."""

    def anomalies(self, session: Session, ctx: SyncContext, anomalies: list[tuple[int, str]]) -> None:
        return None

    def finished(self, session: Session, ctx: SyncContext) -> None:
        return None


def run_sync(
    *,
    engine: Engine,
    integration_id: int,
    config: Mapping[str, Any],
    hooks: SyncHooks,
    org: OrgDefaults | None = None,
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
        setup = _Setup(dict(config), hooks, org or OrgDefaults(), full, progress, connector_factory)
        return _Run(engine, integration_id, token, setup, today).run()
    finally:
        lock.release(engine, integration_id=integration_id, token=token)


@dataclass(frozen=True)
class _Setup:
    config: dict[str, Any]
    hooks: SyncHooks
    org: OrgDefaults
    full: bool
    progress: ProgressCallback | None
    factory: ConnectorFactory


class _Run:
    def __init__(
        self, engine: Engine, integration_id: int, token: str, setup: _Setup, today: date | None
    ) -> None:
        self.engine, self.integration_id, self.token = engine, integration_id, token
        self.config, self.hooks, self.org, self.full = setup.config, setup.hooks, setup.org, setup.full
        self.progress, self.factory, self.today = setup.progress, setup.factory, today or business_today()
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
            derive = bool(getattr(connector, "ACCOUNT_CURRENCY_FROM_DOCUMENTS", False))
            sets = frozenset(getattr(connector, "COMPLETE_SETS", frozenset()))
            ctx = replace(ctx, derive_account_currency=derive, complete_sets=sets)  # (same id cache)
            try:
                self._pages(ctx, connector, cursors)
                failed = False
            except BillabexError as exc:
                self.errors.insert(0, str(exc))
            except Exception as exc:  # recorded as failed, then raised
                log.exception("sync of %s failed unexpectedly", ctx.integration_name)
                self.errors.insert(0, INTERNAL.format(kind=type(exc).__name__))
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
        self.started = utcnow()
        with Session(self.engine, expire_on_commit=False) as s:
            integration = s.get(Integration, self.integration_id)
            if integration is None:
                raise NotFoundError("integration", self.integration_id)
            stale = list(
                s.exec(
                    select(SyncRun).where(
                        SyncRun.integration_id == self.integration_id, SyncRun.status == SyncStatus.RUNNING
                    )
                )
            )
            for run in stale:  # the lock is ours, so these runs died (kill -9, power cut)
                run.status, run.finished_at, run.errors = (
                    SyncStatus.FAILED,
                    self.started,
                    [INTERRUPTED.format()],
                )
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
            config = self.config
            cursors = {
                c.entity: c.cursor
                for c in s.exec(select(SyncCursor).where(SyncCursor.integration_id == self.integration_id))
            }
            ctx = SyncContext(
                integration_id=self.integration_id,
                integration_name=integration.name,
                provider=integration.provider,
                default_currency=self.org.default_currency,
                default_language=self.org.default_language,
                payment_terms_days=self.org.payment_terms_days,
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
                    with Session(bind=conn) as s:
                        self.hooks.anomalies(s, ctx, outcome.anomalies)
                        s.flush()
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
            if ctx.derive_account_currency:
                derive_currencies(conn, accounts)
            settle_invoices(conn, ctx, accounts)
            recompute_accounts(conn, accounts, today=ctx.today)
        finished = utcnow()
        with Session(self.engine) as s:
            self.hooks.finished(s, ctx)
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
                integration.last_error = self.errors[0] if self.errors else FAILED.format()
            else:
                integration.last_success_at = self.started  # the data is as fresh as the run's start
                integration.last_error = (
                    PARTIAL.format(count=self.failures, error=self.errors[0])
                    if self.failures and self.errors
                    else None
                )
            s.add(
                AuditEvent(
                    actor=SYNC_ACTOR,
                    action=f"sync.{status.value}",
                    entity="integration",
                    entity_id=ctx.integration_id,
                    details={
                        "run_id": self.run_id,
                        "counts": counts_as_dict(self.counts),
                        "error": self.errors[0] if status == SyncStatus.FAILED and self.errors else None,
                    },
                )
            )
            s.commit()


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
            actor=SYNC_ACTOR,
            action="sync.page",
            entity=entity.value,
            details={"integration": ctx.integration_name, "changes": changes},
        )
    )
