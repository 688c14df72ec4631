"""The job API over both backends (issue #18 point 2): on PostgreSQL procrastinate runs the
work (syncs, the agent run, digests) with its locks; on SQLite the in-process worker does."""

from __future__ import annotations

import itertools
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
            conn.execute(
                sa.text(
                    "TRUNCATE procrastinate.procrastinate_jobs, procrastinate.procrastinate_workers CASCADE"
                )
            )


def start_worker(url: str, tmp_path: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "BILLABEX_DATABASE_URL": url, "BILLABEX_DATA_DIR": str(tmp_path / "data")}
    return subprocess.Popen(
        [sys.executable, "-m", "billabex_core", "worker", "--interval", "1", *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / f"worker-{time.monotonic_ns()}.log", "w"),
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
        wait_for(
            lambda: (s := lease.job_state(engine, AGENT_JOB)) is not None and s.last_day, what="the agent"
        )
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
        todo = conn.execute(
            sa.text("SELECT count(*) FROM procrastinate.procrastinate_jobs WHERE status = 'todo'")
        )
        assert todo.scalar() == 1


@pytest.mark.pg
def test_two_workers_and_two_apps_share_one_postgresql(session, db_url, integration, tmp_path) -> None:
    """Several workers and several app instances on one database: each worker beats, the work is
    done once (one sync of the integration at a time, one agent run), both apps serve."""
    if queue.backend_of(db_url) != queue.PROCRASTINATE:
        pytest.skip("several workers need PostgreSQL")
    from tests.core.jobs.test_procfile import _free_port, _healthy

    clean_queue(db_url)
    env = {**os.environ, "BILLABEX_DATABASE_URL": db_url, "BILLABEX_DATA_DIR": str(tmp_path / "data")}
    ports = [_free_port(), _free_port()]
    apps = [
        subprocess.Popen(
            [
                str(ROOT / ".venv/bin/streamlit"),
                "run",
                "app.py",
                "--server.port",
                str(port),
                "--server.headless",
                "true",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    workers = [start_worker(db_url, tmp_path), start_worker(db_url, tmp_path)]
    try:
        wait_for(lambda: all(_healthy(p) for p in ports), what="both apps")
        wait_for(lambda: len(_beats(session)) == 2, what="both heartbeats")
        wait_for(lambda: _runs(session, SyncStatus.SUCCEEDED) >= 1, what="the sync")
        engine = get_engine(db_url)
        wait_for(
            lambda: (s := lease.job_state(engine, AGENT_JOB)) is not None and s.last_day, what="the agent"
        )
        queue.submit(Work("sync", {"integration_id": integration}), url=db_url)  # asked again: once more
        wait_for(lambda: _runs(session, SyncStatus.SUCCEEDED) >= 2, what="the second sync")
        assert all(p.poll() is None for p in [*apps, *workers])
    finally:
        stop(*workers, *apps)
    runs = session.exec(select(SyncRun).order_by(SyncRun.started_at)).all()
    for earlier, later in itertools.pairwise(runs):  # never two syncs of it at once
        assert earlier.finished_at is not None and earlier.finished_at <= later.started_at
    assert {h.backend for h in _beats(session)} == {queue.PROCRASTINATE}
    with engine.connect() as conn:
        failed = conn.execute(
            sa.text("SELECT count(*) FROM procrastinate.procrastinate_jobs WHERE status = 'failed'")
        )
        assert failed.scalar() == 0


def _beats(session) -> list[WorkerHeartbeat]:
    session.expire_all()
    return list(session.exec(select(WorkerHeartbeat)).all())
