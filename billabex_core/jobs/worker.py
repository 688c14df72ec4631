"""Scheduled syncs and the daily agent run, forever (``worker`` command).

Once a day (and at start) the worker runs the collection agent with delivery on (``agent run
--send``: SMTP when configured, else the dry-run outbox), then sends the day's digests to the
referents (``jobs.digest``). It runs every day: each message goes out on a business day of its
customer's country (domain.md §6b), which need not be one of the organisation's — a German
customer is written to on 8 May, a French holiday. Sending is exactly once, so a restart on the
same day sends nothing twice.

An integration is due ``schedule_minutes`` after its last run started; after ``k`` failed runs
in a row it backs off to ``schedule × 2^k`` (at most a day), so a provider that is down is not
hammered. A failing integration is logged and the others go on; the loop itself never dies of
one integration's error.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from billabex_core.clock import business_today
from billabex_core.db.types import utcnow
from billabex_core.errors import BillabexError
from billabex_core.jobs.agent_run import run_agent
from billabex_core.jobs.digest import send_digests
from billabex_core.jobs.sync_runs import run_integration_sync
from billabex_core.models import SyncStatus
from billabex_core.services.integrations import list_integrations, sync_history
from billabex_core.sync import SyncResult

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(days=1)
MAX_DOUBLINGS = 6


def next_due(*, last_started: datetime | None, schedule_minutes: int, failures: int) -> datetime | None:
    """When the next run is due (``None``: never ran, due now)."""
    if last_started is None:
        return None
    delay = timedelta(minutes=schedule_minutes) * (2 ** min(failures, MAX_DOUBLINGS))
    return last_started + min(delay, max(MAX_BACKOFF, timedelta(minutes=schedule_minutes)))


@dataclass(frozen=True)
class Due:
    integration_id: int
    name: str
    due_at: datetime | None


def schedule(*, session: Session) -> list[Due]:
    """Every enabled integration with the moment it is due."""
    out = []
    for integration in list_integrations(session=session, enabled_only=True):
        runs = sync_history(session=session, integration_id=integration.id, limit=MAX_DOUBLINGS + 1)
        failures = 0
        for run in runs:
            if run.status != SyncStatus.FAILED:
                break
            failures += 1
        due = next_due(
            last_started=runs[0].started_at if runs else None,
            schedule_minutes=integration.schedule_minutes,
            failures=failures,
        )
        out.append(Due(integration.id, integration.name, due))
    return out


def run_due(
    engine: Engine, *, now: datetime | None = None, report: Callable[[str, SyncResult], None] | None = None
) -> int:
    """One pass: sync every integration that is due. Returns how many ran."""
    now = now or utcnow()
    with Session(engine) as s:
        due = [d for d in schedule(session=s) if d.due_at is None or d.due_at <= now]
    ran = 0
    for item in due:
        try:
            result = run_integration_sync(engine=engine, integration_id=item.integration_id)
        except BillabexError as exc:  # e.g. a sync started from the screen holds the lock
            log.warning("sync of %s skipped: %s", item.name, exc)
            continue
        except Exception:
            log.exception("sync of %s crashed; the worker goes on", item.name)
            continue
        ran += 1
        if result.ok:
            log.info("sync of %s: %s", item.name, result.status.value)
        else:
            log.warning("sync of %s failed: %s", item.name, result.error)
        if report is not None:
            report(item.name, result)
    return ran


def run_daily_agent(engine: Engine, *, last_day: date | None, day: date | None = None) -> date:
    """Run the agent (with delivery), then the digests, when the day changed; returns the day."""
    today = day or business_today()
    if last_day == today:
        return today
    url = engine.url.render_as_string(hide_password=False)
    report = run_agent(today=today, send=True, url=url)
    log.info(
        "agent run for %s: %s planned, %s sent, %s failed, %s tasks opened",
        today,
        report.planned,
        report.sent,
        report.failed,
        report.tasks_opened,
    )
    for error in report.errors:
        log.warning("agent run for %s: %s", today, error)
    digests = send_digests(today=today, url=url)
    log.info("digests for %s: %s sent, %s failed", today, digests.sent, digests.failed)
    return today


def run_forever(engine: Engine, *, interval: float = 60.0, stop: threading.Event | None = None) -> None:
    """Check the schedule every ``interval`` seconds until ``stop`` is set (or Ctrl-C)."""
    stop = stop or threading.Event()
    agent_day: date | None = None
    while not stop.is_set():
        try:
            run_due(engine)
        except Exception:
            log.exception("worker pass failed; retrying in %s s", interval)
        try:
            agent_day = run_daily_agent(engine, last_day=agent_day)
        except Exception:
            log.exception("agent run failed; retrying in %s s", interval)
        stop.wait(interval)
