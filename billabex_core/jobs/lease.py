"""A job that runs alone (the agent run, the digests): a lease on its ``job_state`` row.

Like the sync's lock (``sync/lock.py``): taking it is one conditional ``UPDATE … WHERE the row is
free or its lease expired``, atomic on SQLite and PostgreSQL across processes and machines. The
holder renews it as it goes; a process killed with ``kill -9`` blocks the next run for at most
the lease. The row also keeps the last run (start, end, outcome, error) that the screens show.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from billabex_core.db.types import utcnow
from billabex_core.errors import ConflictError
from billabex_core.models import JobState
from billabex_core.sync.writer import table_of

LEASE = timedelta(minutes=5)
ERROR_LENGTH = 1000
_T = table_of(JobState)


def process_name() -> str:
    """Who is running: ``host:pid`` (claims and leases record it)."""
    return f"{socket.gethostname()}:{os.getpid()}"


class JobBusyError(ConflictError):
    """``job`` is the job's name (``agent``, ``digest``): a screen names it in the user's words."""

    def __init__(self, what: str, holder: str | None, since: datetime | None, *, job: str) -> None:
        by = f" by {holder}" if holder else ""
        at = f" since {since:%Y-%m-%d %H:%M} UTC" if since else ""
        super().__init__(
            f"{what} is already running{by}{at}; try again when it has finished",
            code="job.busy" if holder and since else "job.busy_plain",
            params={"job": job, "holder": holder, "since": since} if holder and since else {"job": job},
        )


class JobLeaseLostError(ConflictError):
    def __init__(self, what: str, *, job: str) -> None:
        super().__init__(
            f"{what} lost its lease (another process took over); it stopped",
            code="job.lease_lost",
            params={"job": job},
        )


@dataclass
class Lease:
    engine: Engine
    job: str
    token: str
    what: str
    lease: timedelta = LEASE

    def renew(self) -> None:
        """Extend the lease; raise ``JobLeaseLostError`` when it is no longer ours."""
        with self.engine.begin() as conn:
            kept = conn.execute(
                sa.update(_T)
                .where(_T.c.name == self.job, _T.c.lock_token == self.token)
                .values(lock_expires_at=utcnow() + self.lease)
            ).rowcount
        if kept != 1:
            raise JobLeaseLostError(self.what, job=self.job)

    def release(self, *, ok: bool, error: str | None = None, day: str | None = None) -> None:
        """Free the lease and record the run's outcome (a success clears the last error)."""
        values: dict[str, object] = {
            "lock_token": None,
            "lock_holder": None,
            "lock_expires_at": None,
            "last_finished_at": utcnow(),
            "last_status": "succeeded" if ok else "failed",
            "last_error": None if ok else (error or "failed")[:ERROR_LENGTH],
        }
        if day is not None:
            values["last_day"] = day
        with self.engine.begin() as conn:
            conn.execute(
                sa.update(_T).where(_T.c.name == self.job, _T.c.lock_token == self.token).values(values)
            )


def acquire(engine: Engine, *, job: str, what: str, lease: timedelta = LEASE) -> Lease:
    """Take the job's lease or raise ``JobBusyError`` naming who holds it and since when."""
    _ensure_row(engine, job)
    token, now = secrets.token_hex(16), utcnow()
    with engine.begin() as conn:
        taken = conn.execute(
            sa.update(_T)
            .where(_T.c.name == job, sa.or_(_T.c.lock_token.is_(None), _T.c.lock_expires_at < now))
            .values(
                lock_token=token, lock_holder=process_name(), lock_expires_at=now + lease, last_started_at=now
            )
        ).rowcount
        if taken != 1:
            row = conn.execute(
                sa.select(_T.c.lock_holder, _T.c.last_started_at).where(_T.c.name == job)
            ).one()
    if taken != 1:
        raise JobBusyError(what, row.lock_holder, row.last_started_at, job=job)
    return Lease(engine, job, token, what, lease)


def _ensure_row(engine: Engine, job: str) -> None:
    with engine.connect() as conn:
        if conn.execute(sa.select(_T.c.name).where(_T.c.name == job)).first() is not None:
            return
    try:
        with engine.begin() as conn:
            conn.execute(sa.insert(_T).values(name=job))
    except IntegrityError:  # another process created it at the same moment
        pass


def job_state(engine: Engine, job: str) -> JobState | None:
    """The job's row (last run, current holder), or ``None`` when it never ran."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(_T).where(_T.c.name == job)).mappings().first()
    return None if row is None else JobState(**row)
