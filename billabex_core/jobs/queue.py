"""One job API over two backends (docs/reliability.md).

- **SQLite** (one machine, zero setup): the in-process worker (``jobs.worker.run_forever``)
  checks every minute what is due and runs it itself.
- **PostgreSQL**: procrastinate (``jobs.pg_queue``) — any number of worker processes on any
  number of machines share the database's queue, with retries, locks and periodic tasks.

Either way the work is the same (``jobs.due``: ``due_work`` says what, ``run_work`` does it), every
worker process writes a heartbeat (``jobs.heartbeat``), and the leases of the sync and of the agent
run keep the work single whatever runs it (a sync from a screen, ``agent run`` by hand).
"""

from __future__ import annotations

import signal
import threading

from sqlalchemy.engine import make_url

from billabex_core.db.engine import get_engine, resolve_url
from billabex_core.jobs.due import Work, run_work
from billabex_core.jobs.heartbeat import Heartbeat
from billabex_core.jobs.lease import process_name
from billabex_core.jobs.worker import run_forever

INPROCESS = "inprocess"
PROCRASTINATE = "procrastinate"


def backend_of(url: str | None = None) -> str:
    """``procrastinate`` on PostgreSQL, ``inprocess`` elsewhere."""
    return PROCRASTINATE if make_url(resolve_url(url)).get_backend_name() == "postgresql" else INPROCESS


def submit(work: Work, *, url: str | None = None) -> bool:
    """Have ``work`` done: queued on PostgreSQL (False when the same is already waiting), done now
    in this process on SQLite."""
    url = resolve_url(url)
    if backend_of(url) == PROCRASTINATE:
        from billabex_core.jobs import pg_queue

        with pg_queue.opened(url) as app:
            return pg_queue.defer(app, work)
    run_work(get_engine(url), work)
    return True


def run_worker(
    url: str | None = None,
    *,
    interval: float = 60.0,
    concurrency: int = 2,
    stop: threading.Event | None = None,
) -> None:
    """Run this process as a worker until stopped (Ctrl-C, SIGTERM, or ``stop`` in-process),
    beating its heartbeat all along."""
    url = resolve_url(url)
    engine, backend = get_engine(url), backend_of(url)
    heartbeat = Heartbeat(engine, backend=backend).start()
    try:
        if backend == PROCRASTINATE:
            from billabex_core.jobs import pg_queue

            pg_queue.run_worker(url, name=process_name(), concurrency=concurrency)
        else:
            stop = stop or threading.Event()
            _stop_on_sigterm(stop)
            run_forever(engine, interval=interval, stop=stop)
    finally:
        heartbeat.stop()


def _stop_on_sigterm(stop: threading.Event) -> None:
    """SIGTERM (honcho after Ctrl-C, systemd, docker stop) and a first Ctrl-C end the loop between
    two passes; a second Ctrl-C interrupts at once. (A KeyboardInterrupt raised anywhere can land
    while a lock is held, the logging's for one; the worker test saw a worker that did not stop
    after Ctrl-C twice in full-suite runs under load.)"""
    if threading.current_thread() is not threading.main_thread():
        return

    def interrupt(*_: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, interrupt)
