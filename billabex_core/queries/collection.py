"""Disputes and promises to pay as the screens show them: on an invoice (with what can be done
now) and on an account (each one and its outcome)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session, col, select

from billabex_core.messages import Template
from billabex_core.models import Dispute, Document, Promise, Task
from billabex_core.models.collection import PROMISE_OPEN

# How a dispute whose task someone closed reads (``messages.read`` gives the screen its code).
TASK_CLOSED = Template("dispute.task_closed", "its task was closed")


@dataclass(frozen=True)
class DisputeView:
    id: int
    document_id: int
    number: str
    reason: str
    opened_by: str
    opened_at: datetime
    task_id: int | None
    is_open: bool  # not resolved and its task still open
    resolved_by: str | None
    resolved_at: datetime | None
    resolution: str | None


@dataclass(frozen=True)
class PromiseView:
    id: int
    document_id: int
    number: str
    amount: Decimal
    currency: str
    promised_for: date
    resume_on: date
    status: str  # open | kept | broken | cancelled | replaced
    outcome: str | None
    recorded_by: str
    recorded_at: datetime
    note: str | None

    @property
    def is_open(self) -> bool:
        return self.status == PROMISE_OPEN


@dataclass(frozen=True)
class Collection:
    disputes: list[DisputeView]
    promises: list[PromiseView]

    @property
    def open_dispute(self) -> DisputeView | None:
        return next((d for d in self.disputes if d.is_open), None)

    @property
    def open_promise(self) -> PromiseView | None:
        return next((p for p in self.promises if p.is_open), None)


def _collection(
    session: Session, where_dispute: sa.ColumnElement[bool], where_promise: sa.ColumnElement[bool]
) -> Collection:
    disputes = session.exec(
        select(Dispute, Document.number, Task)
        .join(Document, col(Document.id) == col(Dispute.document_id))
        .outerjoin(Task, col(Task.id) == col(Dispute.task_id))
        .where(where_dispute)
        .order_by(col(Dispute.id).desc())
    ).all()
    promises = session.exec(
        select(Promise, Document.number)
        .join(Document, col(Document.id) == col(Promise.document_id))
        .where(where_promise)
        .order_by(col(Promise.id).desc())
    ).all()
    return Collection(
        [
            DisputeView(
                d.id or 0,
                d.document_id,
                number,
                d.reason,
                d.opened_by,
                d.opened_at,
                d.task_id,
                d.resolved_at is None and task is not None and task.status.is_open,
                d.resolved_by,
                d.resolved_at or (task.closed_at if task is not None else None),
                d.resolution or (None if task is None or task.status.is_open else TASK_CLOSED.format()),
            )
            for d, number, task in disputes
        ],
        [
            PromiseView(
                p.id or 0,
                p.document_id,
                number,
                p.amount,
                p.currency,
                p.promised_for,
                p.resume_on,
                p.status,
                p.outcome,
                p.recorded_by,
                p.recorded_at,
                p.note,
            )
            for p, number in promises
        ],
    )


def invoice_collection(*, session: Session, document_id: int) -> Collection:
    """The invoice's disputes and promises, newest first."""
    return _collection(
        session, col(Dispute.document_id) == document_id, col(Promise.document_id) == document_id
    )


def account_collection(*, session: Session, account_id: int) -> Collection:
    """Every dispute and promise of the account's invoices, newest first."""
    return _collection(session, col(Dispute.account_id) == account_id, col(Promise.account_id) == account_id)
