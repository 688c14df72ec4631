"""What the screens say about the background work: is a worker running, and the last and next
run of each job (the day's agent run and sending, the digests, each integration's sync)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session

from billabex_core.clock import business_today
from billabex_core.config import get_settings
from billabex_core.db.types import utcnow
from billabex_core.jobs.agent_run import AGENT_JOB
from billabex_core.jobs.digest import DIGEST_JOB
from billabex_core.jobs.heartbeat import MISSING_AFTER, last_seen
from billabex_core.jobs.lease import job_state
from billabex_core.jobs.worker import schedule
from billabex_core.services.integrations import sync_history


@dataclass(frozen=True)
class WorkerStatus:
    missing: bool  # no worker seen for MISSING_AFTER
    last_seen: datetime | None


@dataclass(frozen=True)
class JobRun:
    job: str
    last_started: datetime | None
    last_finished: datetime | None
    last_status: str | None  # succeeded | failed | partial | running, None: never ran
    last_error: str | None
    next_at: datetime  # when it is due (now or earlier: at the worker's next pass)


def worker_status(*, session: Session, now: datetime | None = None) -> WorkerStatus:
    seen = last_seen(session=session)
    return WorkerStatus(seen is None or (now or utcnow()) - seen > MISSING_AFTER, seen)


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def _next_day_start(today: date) -> datetime:
    zone = ZoneInfo(get_settings().timezone)
    return datetime.combine(today + timedelta(days=1), time(0), tzinfo=zone).astimezone(ZoneInfo("UTC"))


def daily_runs(*, session: Session, now: datetime | None = None) -> list[JobRun]:
    """The agent run (with sending) and the digests: once a day, at the worker's first pass of it."""
    now, today, out = now or utcnow(), business_today(), []
    for job, label in ((AGENT_JOB, "Agent run and sending"), (DIGEST_JOB, "Daily digests")):
        state = job_state(_engine(session), job)
        done = state is not None and state.last_day == today.isoformat()
        running = state is not None and state.lock_token is not None
        out.append(
            JobRun(
                job=label,
                last_started=state.last_started_at if state else None,
                last_finished=state.last_finished_at if state else None,
                last_status="running" if running else (state.last_status if state else None),
                last_error=state.last_error if state else None,
                next_at=_next_day_start(today) if done else now,
            )
        )
    return out


def sync_runs(*, session: Session, now: datetime | None = None) -> list[JobRun]:
    """Each enabled integration's sync: its last run and when the schedule makes it due."""
    now, out = now or utcnow(), []
    for due in schedule(session=session):
        runs = sync_history(session=session, integration_id=due.integration_id, limit=1)
        last = runs[0] if runs else None
        out.append(
            JobRun(
                job=f"Sync of {due.name}",
                last_started=last.started_at if last else None,
                last_finished=last.finished_at if last else None,
                last_status=last.status.value if last else None,
                last_error=(last.errors[0] if last and last.errors else None),
                next_at=max(due.due_at or now, now),
            )
        )
    return out
