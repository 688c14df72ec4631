"""The job API over both backends (issue #18 point 2): on PostgreSQL procrastinate runs the
work (syncs, the agent run, digests) with its locks; on SQLite the in-process worker does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from billabex_core.db.engine import get_engine
from billabex_core.jobs import heartbeat, lease, queue
from billabex_core.jobs.agent_run import AGENT_JOB
from billabex_core.jobs.due import Work, due_work
from billabex_core.models import SyncRun, SyncStatus, WorkerHeartbeat
from billabex_core.services.integrations import add_integration
from billabex_sandbox.pennylane import PennylaneSandbox

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def sandbox():
    with PennylaneSandbox(seed=5, customers=6, invoices=40, rate_limit=False) as box:
        yield box


@pytest.fixture
def integration(session, sandbox) -> int:
    view = add_integration(
        session=session, provider="pennylane", name="demo", config=sandbox.connector_config(), actor="t"
    )
    session.commit()
    return view.id


def clean_queue(url: str) -> None:
    if queue.backend_of(url) == queue.PROCRASTINATE:
        from billabex_core.jobs import pg_queue

        pg_queue.ensure_schema(get_engine(url))
        with get_engine(url).begin() as conn:
            conn.execute(sa.text("TRUNCATE procrastinate.procrastinate_jobs, procrastinate.procrastinate_workers CASCADE"))


def start_worker(url: str, tmp_path: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "BILLABEX_DATABASE_URL": url, "BILLABEX_DATA_DIR": str(tmp_path / "data")}
    return subprocess.Popen(
        [sys.executable, "-m", "billabex_core", "worker", "--interval", "1", *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / f"worker-{time.monotonic_ns()}.log", "w"),  # noqa: SIM115 - closed by the OS
    )


def stop(*procs: subprocess.Popen) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
    for proc in procs:
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_for(check, timeout: float = 90.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.5)


def test_backend_follows_the_database(db_url) -> None:
    expected = queue.PROCRASTINATE if db_url.startswith("postgresql") else queue.INPROCESS
    assert queue.backend_of(db_url) == expected


def test_due_work_names_its_locks(session, db_url, integration) -> None:
    work = due_work(get_engine(db_url))
    assert [(w.kind, w.lock) for w in work] == [("sync", f"sync:{integration}"), ("daily", "agent")]


def test_the_worker_does_the_work_and_beats(session, db_url, integration, tmp_path) -> None:
    """A worker process (procrastinate on PostgreSQL, in-process on SQLite) syncs the integration,
    runs the day's agent and digests, and writes its heartbeat; Ctrl-C stops it cleanly."""
    clean_queue(db_url)
    engine = get_engine(db_url)
    worker = start_worker(db_url, tmp_path)
    try:
        wait_for(lambda: _runs(session, SyncStatus.SUCCEEDED) == 1, what="the scheduled sync")
        wait_for(lambda: (s := lease.job_state(engine, AGENT_JOB)) is not None and s.last_day, what="the agent")
        seen = session.exec(select(WorkerHeartbeat)).all()
        assert [h.backend for h in seen] == [queue.backend_of(db_url)]
        assert not heartbeat.worker_missing(session=session)
    finally:
        stop(worker)
    assert worker.returncode == 0


def _runs(session, status) -> int:
    session.expire_all()
    return len(session.exec(select(SyncRun).where(SyncRun.status == status)).all())


@pytest.mark.pg
def test_submit_queues_once_on_postgresql(session, db_url, integration, tmp_path) -> None:
    if queue.backend_of(db_url) != queue.PROCRASTINATE:
        pytest.skip("procrastinate runs on PostgreSQL only")
    clean_queue(db_url)
    work = Work("sync", {"integration_id": integration})
    assert queue.submit(work, url=db_url) is True
    assert queue.submit(work, url=db_url) is False  # its queueing lock: already waiting
    with get_engine(db_url).connect() as conn:
        todo = conn.execute(sa.text("SELECT count(*) FROM procrastinate.procrastinate_jobs WHERE status = 'todo'"))
        assert todo.scalar() == 1
