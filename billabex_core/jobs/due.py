"""What background work is due, and doing one piece of it — the same for both backends
(``jobs.queue``): the in-process worker runs it at once, procrastinate queues it.

A piece of work is a sync of one integration (due on its schedule, with back-off after
failures: ``worker.schedule``) or the day's agent run followed by the digests (due while the
last completed agent run is of an earlier business day). Its ``lock`` names what must never run
twice at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from billabex_core.clock import business_today
from billabex_core.db.types import utcnow
from billabex_core.errors import ConflictError
from billabex_core.jobs.agent_run import AGENT_JOB
from billabex_core.jobs.lease import job_state
from billabex_core.jobs.sync_runs import run_integration_sync
from billabex_core.jobs.worker import run_daily_agent, schedule

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Work:
    kind: str  # sync | daily
    args: dict[str, Any] = field(default_factory=dict)

    @property
    def lock(self) -> str:
        return f"sync:{self.args['integration_id']}" if self.kind == "sync" else "agent"


def daily_due(engine: Engine, today: date) -> bool:
    """The day's agent run has not completed yet."""
    state = job_state(engine, AGENT_JOB)
    return state is None or state.last_day != today.isoformat()


def due_work(engine: Engine, *, now: datetime | None = None, today: date | None = None) -> list[Work]:
    now, today = now or utcnow(), today or business_today()
    with Session(engine) as session:
        due = [d for d in schedule(session=session) if d.due_at is None or d.due_at <= now]
    work = [Work("sync", {"integration_id": d.integration_id}) for d in due]
    if daily_due(engine, today):
        work.append(Work("daily", {"day": today.isoformat()}))
    return work


def run_work(engine: Engine, work: Work) -> None:
    """Do it. A sync already running elsewhere is skipped (it is that run's work); a provider
    failure is recorded on the sync run, not raised. Anything else raises (the queue retries)."""
    if work.kind == "sync":
        try:
            result = run_integration_sync(engine=engine, integration_id=work.args["integration_id"])
        except ConflictError as exc:
            log.info("sync skipped: %s", exc)
            return
        log.info("sync of integration %s: %s", work.args["integration_id"], result.status.value)
    elif work.kind == "daily":
        run_daily_agent(engine, last_day=None, day=date.fromisoformat(work.args["day"]))
    else:
        raise ValueError(f"unknown work: {work.kind}")
