"""PostgreSQL: procrastinate does the background work (docs/reliability.md).

Its tables live in their own schema (``procrastinate``, created and filled on first use under
an advisory lock), so Alembic and our tables never see them. The tasks:

- ``billabex:tick`` (periodic, every minute): what is due — each integration's sync on its
  schedule, the day's agent run and digests — is deferred with a **queueing lock** (never two
  waiting jobs for the same integration or day) and a **lock** (one sync per integration at a
  time, one agent run at a time, whatever the number of workers);
- ``billabex:sync`` and ``billabex:daily`` do the work with the same jobs as the in-process
  worker (``jobs.sync_runs``, ``jobs.worker.run_daily_agent``) and retry with a back-off when
  the database or the process failed;
- ``billabex:retry_stalled`` (periodic): the jobs of a worker that stopped beating (``kill -9``,
  a machine lost) are queued again. Every job is idempotent (syncs resume from their cursors,
  deliveries are claimed exactly once), so a retried job finishes the work and doubles nothing.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import procrastinate
import sqlalchemy as sa
from procrastinate.schema import SchemaManager
from sqlalchemy.engine import Engine, make_url

from billabex_core.db.engine import get_engine
from billabex_core.jobs.due import Work, due_work, run_work

log = logging.getLogger(__name__)
SCHEMA = "procrastinate"
_SCHEMA_LOCK = 7_301_018  # advisory lock key: one process creates the schema
RETRY = procrastinate.RetryStrategy(max_attempts=3, exponential_wait=5)
bp = procrastinate.Blueprint()


def _url(context: procrastinate.JobContext) -> str:
    url: str = context.additional_context["url"]
    return url


@bp.task(name="sync", pass_context=True, retry=RETRY, queue="sync")
def sync_task(context: procrastinate.JobContext, integration_id: int) -> None:
    run_work(get_engine(_url(context)), Work("sync", {"integration_id": integration_id}))


@bp.task(name="daily", pass_context=True, retry=RETRY, queue="agent")
def daily_task(context: procrastinate.JobContext, day: str) -> None:
    run_work(get_engine(_url(context)), Work("daily", {"day": day}))


@bp.periodic(cron="* * * * *")
@bp.task(name="tick", pass_context=True, queueing_lock="tick")
async def tick_task(context: procrastinate.JobContext, timestamp: int) -> None:
    engine = get_engine(_url(context))
    work = await procrastinate.utils.sync_to_async(due_work, engine)
    for item in work:
        with contextlib.suppress(procrastinate.exceptions.AlreadyEnqueued):  # already waiting
            await _deferrer(context.app, item).defer_async(**item.args)


@bp.periodic(cron="*/2 * * * *")
@bp.task(name="retry_stalled", pass_context=True, queueing_lock="retry_stalled")
async def retry_stalled_task(context: procrastinate.JobContext, timestamp: int) -> None:
    manager = context.app.job_manager
    for job in await manager.get_stalled_jobs():
        log.warning("job %s (%s) was running on a worker that stopped; queued again", job.id, job.task_name)
        await manager.retry_job(job)


def _deferrer(app: procrastinate.App, item: Work) -> Any:
    return app.configure_task(
        f"billabex:{item.kind}", lock=item.lock, queueing_lock=item.lock, queue=_queue(item.kind)
    )


def _queue(kind: str) -> str:
    return "sync" if kind == "sync" else "agent"


def make_app(url: str) -> procrastinate.App:
    """The procrastinate app of a PostgreSQL database URL (SQLAlchemy form)."""
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connector = procrastinate.PsycopgConnector(
        conninfo=conninfo, kwargs={"options": f"-c search_path={SCHEMA}"}
    )
    app = procrastinate.App(connector=connector, periodic_defaults={"max_delay": 600})
    app.add_tasks_from(bp, namespace="billabex")
    return app


def ensure_schema(engine: Engine) -> None:
    """Create procrastinate's schema once (idempotent, serialised across processes)."""
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": _SCHEMA_LOCK})
        try:
            conn.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}"))
            found = conn.execute(sa.text(f"SELECT to_regclass('{SCHEMA}.procrastinate_jobs')")).scalar()
            if found is None:
                conn.execute(sa.text(f"SET LOCAL search_path TO {SCHEMA}"))
                raw = conn.connection.driver_connection
                assert raw is not None
                raw.execute(SchemaManager.get_schema())  # no parameters: sent as is
            conn.commit()
        finally:
            conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": _SCHEMA_LOCK})
            conn.commit()


@contextmanager
def opened(url: str) -> Iterator[procrastinate.App]:
    """The app, its schema ready, open for synchronous deferring (screens, the CLI)."""
    ensure_schema(get_engine(url))
    app = make_app(url)
    with app.open():
        yield app


def defer(app: procrastinate.App, item: Work) -> bool:
    """Queue one piece of work; False when the same is already waiting (its queueing lock)."""
    try:
        _deferrer(app, item).defer(**item.args)
    except procrastinate.exceptions.AlreadyEnqueued:
        return False
    return True


def run_worker(url: str, *, name: str, once: bool = False, concurrency: int = 2) -> None:
    """Run a procrastinate worker until SIGINT/SIGTERM (``once``: until the queues are empty)."""
    ensure_schema(get_engine(url))
    app = make_app(url)
    if once:
        with app.open():
            for item in due_work(get_engine(url)):
                defer(app, item)
    app.run_worker(
        name=name,
        concurrency=concurrency,
        wait=not once,
        additional_context={"url": url},
        shutdown_graceful_timeout=30,
    )
