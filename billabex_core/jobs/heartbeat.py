"""Worker heartbeats: each worker process says it is alive every ``INTERVAL``; the screens show a
banner when no worker has been seen for ``MISSING_AFTER`` (scheduled syncs and the daily agent
run would silently not happen)."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, func, select

from billabex_core.db.types import utcnow
from billabex_core.jobs.lease import process_name
from billabex_core.models import WorkerHeartbeat
from billabex_core.sync.writer import table_of

log = logging.getLogger(__name__)
INTERVAL = timedelta(seconds=30)
MISSING_AFTER = timedelta(minutes=5)
FORGET_AFTER = timedelta(days=7)  # rows of workers gone for good are deleted
_T = table_of(WorkerHeartbeat)


def beat(engine: Engine, *, backend: str, name: str | None = None, now: datetime | None = None) -> None:
    """Record that this worker is alive (one row per process, upserted)."""
    name, now = name or process_name(), now or utcnow()
    with engine.begin() as conn:
        seen = conn.execute(
            sa.update(_T).where(_T.c.name == name).values(seen_at=now, backend=backend)
        ).rowcount
        if seen == 0:
            try:
                with conn.begin_nested():
                    conn.execute(
                        sa.insert(_T).values(name=name, backend=backend, started_at=now, seen_at=now)
                    )
            except IntegrityError:  # inserted meanwhile by a restart with the same name
                pass
        conn.execute(sa.delete(_T).where(_T.c.seen_at < now - FORGET_AFTER))


def last_seen(*, session: Session) -> datetime | None:
    """When a worker was last seen (any worker), ``None`` when none ever ran."""
    return session.exec(select(func.max(WorkerHeartbeat.seen_at))).one()


def worker_missing(*, session: Session, now: datetime | None = None) -> bool:
    """True when no worker has been seen for ``MISSING_AFTER``."""
    seen = last_seen(session=session)
    return seen is None or (now or utcnow()) - seen > MISSING_AFTER


class Heartbeat:
    """Beats in a daemon thread until ``stop()``; a database hiccup is logged, never fatal."""

    def __init__(self, engine: Engine, *, backend: str, interval: timedelta = INTERVAL) -> None:
        self.engine, self.backend, self.interval = engine, backend, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="billabex-heartbeat", daemon=True)

    def start(self) -> Heartbeat:
        beat(self.engine, backend=self.backend)  # seen at once, before the first pass
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self.interval.total_seconds()):
            try:
                beat(self.engine, backend=self.backend)
            except SQLAlchemyError:
                log.exception("heartbeat not written; retrying in %s", self.interval)
