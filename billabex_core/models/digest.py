"""The daily digest e-mail: what the agent did on a team member's accounts (domain.md §6b).

One row per (day, recipient), keyed like a reminder (``digest:<day>:<e-mail>``), so it is sent
exactly once: claimed (``sending``) and committed before delivery, never delivered twice. It
covers the activity between ``covered_from`` and ``covered_until``; the next digest of the same
recipient starts where this one ended, so nothing is told twice or lost.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from billabex_core.db.types import UTCDateTime, str_enum, utcnow
from billabex_core.domain.enums import CommunicationStatus


class Digest(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=300, unique=True)  # the idempotency key: digest:<day>:<e-mail>
    day: date
    recipient: str = Field(max_length=254, index=True)
    language: str = Field(max_length=5)
    status: CommunicationStatus = Field(
        default=CommunicationStatus.SCHEDULED, sa_type=str_enum(CommunicationStatus), nullable=False
    )
    subject: str = Field(max_length=300)
    body: str = Field(sa_type=sa.Text)
    covered_from: datetime = Field(sa_type=UTCDateTime, nullable=False)
    covered_until: datetime = Field(sa_type=UTCDateTime, nullable=False)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    channel: str | None = Field(default=None, max_length=16)
    error: str | None = Field(default=None, sa_type=sa.Text)
    claimed_by: str | None = Field(default=None, max_length=200)  # host:pid:run that took it
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
