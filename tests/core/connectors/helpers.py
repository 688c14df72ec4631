"""What the connector tests of every provider share: a sleep that records its waits, connectors
made and closed per test, a walk's records, and the kill -9 / resume scenario of the sync tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from billabex_core.connectors.base import Connector
from billabex_core.connectors.records import ChildrenRecord, Entity, Record
from billabex_core.db.engine import get_engine
from billabex_core.models import Document, DocumentKind, Integration, SyncCursor, SyncRun, SyncStatus
from billabex_core.sync import SyncResult

ROOT = Path(__file__).resolve().parents[3]


class FakeSleep:
    """Records the waits instead of sleeping."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@contextmanager
def connectors(make: Callable[..., Connector]) -> Iterator[Callable[..., Any]]:
    """``make(**config)`` for a test; every connector it made is closed after it."""
    made: list[Connector] = []

    def track(**config: Any) -> Any:
        made.append(make(**config))
        return made[-1]

    yield track
    for connector in made:
        connector.close()


def walk(connector: Connector, entity: Entity, cursor: str | None = None) -> tuple[list[Record], str | None]:
    """The records of one walk and its last cursor; the complete lists (``ChildrenRecord``, no
    external id) are left out: tests/core/connectors/test_provider_lifecycle.py proves them."""
    pages = list(connector.pages(entity, cursor=cursor))
    records = [r for p in pages for r in p.records if not isinstance(r, ChildrenRecord)]
    return records, pages[-1].cursor


def unchanged(result: SyncResult) -> bool:
    return all(
        c.created == 0 and c.updated == 0 and c.deleted == 0 and c.failed == 0 for c in result.counts.values()
    )


def _has_cursor(session: Session, entity: str) -> bool:
    session.expire_all()
    return session.exec(select(SyncCursor).where(SyncCursor.entity == entity)).first() is not None


def kill_9_mid_sync_then_resume(
    session: Session, db_url: str, sandbox: Any, sync: Callable[..., SyncResult], *, delay: float
) -> tuple[int, SyncResult]:
    """Run ``sync demo`` in a subprocess with every request ``delay``ed, SIGKILL it once the
    invoices started, then resume in this process: (synced invoices stored when killed, the
    resumed run)."""
    sandbox.fail_next(10_000, kind="delay", delay=delay)
    proc = subprocess.Popen(
        [sys.executable, "-m", "billabex_core", "--db", db_url, "sync", "demo"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=os.environ.copy(),
    )
    try:
        deadline = time.monotonic() + 90
        while not _has_cursor(session, "invoice"):
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "the sync never reached the invoices"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    session.expire_all()
    synced = col(Document.integration_id).is_not(None) & (col(Document.kind) == DocumentKind.INVOICE)
    stored = len(session.exec(select(Document.id).where(synced)).all())
    with get_engine(db_url).begin() as conn:
        conn.execute(sa.update(Integration).values(lock_expires_at=sa.func.current_timestamp()))
    sandbox.clear_faults()
    resumed = sync()
    assert resumed.ok, resumed.errors
    assert resumed.counts["account"].created == 0  # committed pages are not redone
    runs = session.exec(select(SyncRun).order_by(col(SyncRun.id))).all()
    assert runs[0].status == SyncStatus.FAILED and "interrupted" in runs[0].errors[0]
    return stored, resumed


def demo_integration(session: Session, provider: str, config: dict[str, Any]) -> int:
    """The integration "demo" the sync tests run (``sync demo`` in the kill test)."""
    from billabex_core.services.integrations import add_integration

    view = add_integration(session=session, provider=provider, name="demo", config=config, actor="cli")
    session.commit()
    return view.id


def runner(db_url: str, integration_id: int, today: Any) -> Callable[..., SyncResult]:
    """``sync(**kwargs)``: one run of the integration, as the worker would."""
    from billabex_core.jobs.sync_runs import run_integration_sync

    def run(**kwargs: Any) -> SyncResult:
        return run_integration_sync(
            engine=get_engine(db_url), integration_id=integration_id, today=today, **kwargs
        )

    return run
