"""What people record about an invoice while collecting it (domain.md §6b): disputes and
promises to pay. Both take the invoice out of the reminders for a while; both stay as history.

- ``Dispute``: set by a person with a reason, with the dispute task it opened. It is open while
  it is not resolved and its task is open: resolving it, or closing its task on the Tasks
  screen, puts the invoice back in the reminders.
- ``Promise``: a customer's promise to pay an amount by a date. Reminders of the invoice wait
  until the date plus two business days of the customer (``domain.plan.promise_resume_day``);
  then the promise is kept (the promised amount arrived) or broken, and reminders resume while
  the invoice is unpaid. A new promise on the same invoice replaces the open one.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from billabex_core.db.types import Money, UTCDateTime, utcnow

PROMISE_OPEN = "open"
PROMISE_STATUSES = (PROMISE_OPEN, "kept", "broken", "cancelled", "replaced")


class Dispute(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    reason: str = Field(sa_type=sa.Text)
    task_id: int | None = Field(default=None, foreign_key="task.id")
    opened_by: str = Field(max_length=64)
    opened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    resolved_by: str | None = Field(default=None, max_length=64)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolution: str | None = Field(default=None, sa_type=sa.Text)


class Promise(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    amount: Decimal = Field(sa_type=Money, nullable=False)
    currency: str = Field(max_length=3)
    promised_for: date
    resume_on: date  # reminders of the invoice resume that day if it is still unpaid
    remaining_at_promise: Decimal = Field(sa_type=Money, nullable=False)
    note: str | None = Field(default=None, max_length=500)
    status: str = Field(default=PROMISE_OPEN, max_length=16, index=True)  # PROMISE_STATUSES
    recorded_by: str = Field(max_length=64)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    outcome_on: date | None = None
    outcome: str | None = Field(default=None, max_length=500)  # what happened, in a sentence
