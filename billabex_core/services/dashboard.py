"""The home dashboard: real SQL aggregates, fast at hundreds of thousands of invoices.

DSO (days sales outstanding) uses the count-back-free "simple" formula over the last 90 days:
``DSO = outstanding receivables today / invoiced (incl. tax) in the last 90 days × 90``, per
currency. It says how many days of recent sales are still unpaid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from billabex_core.models import (
    ZERO,
    Account,
    Document,
    DocumentKind,
    Integration,
    InvoiceStatus,
    Task,
    TaskKind,
)
from billabex_core.services.tasks import OPEN_STATUSES

AGING_BUCKETS = ("not due", "1-30", "31-60", "61-90", "> 90")


@dataclass
class CurrencyFigures:
    outstanding: Decimal = ZERO
    overdue: Decimal = ZERO
    aging: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(AGING_BUCKETS, ZERO))
    invoiced_90d: Decimal = ZERO
    dso_days: Decimal | None = None


@dataclass
class Summary:
    today: date
    currencies: dict[str, CurrencyFigures]
    account_count: int
    invoice_count: int
    credit_note_count: int
    open_task_count: int
    action_required_count: int
    accounts_without_contact: int
    last_syncs: list[tuple[str, str, datetime | None]]  # (name, provider, last success)


def _aging_case(today: date) -> sa.Case:
    due = col(Document.due_date)
    return sa.case(
        (due.is_(None) | (due >= today), AGING_BUCKETS[0]),
        (due >= today - timedelta(days=30), AGING_BUCKETS[1]),
        (due >= today - timedelta(days=60), AGING_BUCKETS[2]),
        (due >= today - timedelta(days=90), AGING_BUCKETS[3]),
        else_=AGING_BUCKETS[4],
    )


def summary(*, session: Session, today: date) -> Summary:
    currencies: dict[str, CurrencyFigures] = {}

    def figures(code: str) -> CurrencyFigures:
        return currencies.setdefault(code, CurrencyFigures())

    bucket = _aging_case(today).label("bucket")
    open_invoices = (
        select(Document.currency, bucket, func.sum(Document.remaining_amount))
        .where(Document.kind == DocumentKind.INVOICE, col(Document.remaining_amount) > 0)
        .group_by(Document.currency, bucket)
    )
    for currency, name, amount in session.exec(open_invoices):
        fig = figures(currency)
        fig.aging[name] = amount or ZERO
        fig.outstanding += amount or ZERO
        if name != AGING_BUCKETS[0]:
            fig.overdue += amount or ZERO
    credits = (
        select(Document.currency, func.sum(Document.remaining_amount))
        .where(Document.kind == DocumentKind.CREDIT_NOTE, col(Document.remaining_amount) > 0)
        .group_by(Document.currency)
    )
    for currency, amount in session.exec(credits):
        figures(currency).outstanding -= amount or ZERO
    invoiced = (
        select(Document.currency, func.sum(Document.total_incl_tax))
        .where(
            Document.kind == DocumentKind.INVOICE,
            col(Document.issue_date) > today - timedelta(days=90),
            col(Document.issue_date) <= today,
        )
        .group_by(Document.currency)
    )
    for currency, amount in session.exec(invoiced):
        fig = figures(currency)
        fig.invoiced_90d = amount or ZERO
        if fig.invoiced_90d > 0:
            fig.dso_days = (max(fig.outstanding, ZERO) / fig.invoiced_90d * 90).quantize(Decimal("0.1"))

    def count(query: sa.Select) -> int:
        return int(session.exec(query).one())

    doc_counts = dict(session.exec(select(Document.kind, func.count()).group_by(Document.kind)).all())
    return Summary(
        today=today,
        currencies=dict(sorted(currencies.items())),
        account_count=count(select(func.count()).select_from(Account)),
        invoice_count=int(doc_counts.get(DocumentKind.INVOICE, 0)),
        credit_note_count=int(doc_counts.get(DocumentKind.CREDIT_NOTE, 0)),
        open_task_count=count(
            select(func.count()).select_from(Task).where(col(Task.status).in_(OPEN_STATUSES))
        ),
        action_required_count=count(
            select(func.count()).select_from(Task).where(Task.status == OPEN_STATUSES[0])
        ),
        accounts_without_contact=count(
            select(func.count()).select_from(Account).where(Account.contact_count == 0)
        ),
        last_syncs=[
            (row.name, row.provider.value, row.last_success_at)
            for row in session.exec(select(Integration).order_by(col(Integration.name)))
        ],
    )


def overdue_invoice_count(*, session: Session) -> int:
    return int(
        session.exec(
            select(func.count()).select_from(Document).where(Document.invoice_status == InvoiceStatus.OVERDUE)
        ).one()
    )


def missing_contact_tasks(*, session: Session, limit: int = 10) -> list[Task]:
    return list(
        session.exec(
            select(Task)
            .where(Task.kind == TaskKind.MISSING_CONTACT, col(Task.status).in_(OPEN_STATUSES))
            .order_by(col(Task.id).desc())
            .limit(limit)
        )
    )
