"""What the background work leaves in the database: named job leases and their last run, and the
workers' heartbeats (docs/reliability.md).

``JobState`` has one row per job that runs alone (``agent``, ``digest``): a lease like the sync's
(``lock_token`` / ``lock_expires_at``, one conditional UPDATE to take it) and the last run's
start, end, outcome and error, which the screens show. ``WorkerHeartbeat`` has one row per worker
process, refreshed every few seconds: no row seen for five minutes, and every screen says that
nothing runs by itself.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from billabex_core.db.types import UTCDateTime, utcnow


class JobState(SQLModel, table=True):
    __tablename__ = "job_state"

    name: str = Field(primary_key=True, max_length=64)
    lock_token: str | None = Field(default=None, max_length=64)
    lock_holder: str | None = Field(default=None, max_length=200)  # host:pid of the holder
    lock_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_status: str | None = Field(default=None, max_length=16)  # succeeded | failed
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    last_day: str | None = Field(default=None, max_length=10)  # the business day of the last run


class WorkerHeartbeat(SQLModel, table=True):
    __tablename__ = "worker_heartbeat"

    name: str = Field(primary_key=True, max_length=200)  # host:pid
    backend: str = Field(max_length=16)  # inprocess | procrastinate
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)
