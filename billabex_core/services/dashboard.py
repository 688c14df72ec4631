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
    Task,
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


def _bucket_conditions(today: date) -> list[tuple[str, sa.ColumnElement[bool]]]:
    due = col(Document.due_date)
    edges = [today - timedelta(days=d) for d in (30, 60, 90)]
    return [
        (AGING_BUCKETS[0], due.is_(None) | (due >= today)),
        (AGING_BUCKETS[1], (due < today) & (due >= edges[0])),
        (AGING_BUCKETS[2], (due < edges[0]) & (due >= edges[1])),
        (AGING_BUCKETS[3], (due < edges[1]) & (due >= edges[2])),
        (AGING_BUCKETS[4], due < edges[2]),
    ]


def summary(*, session: Session, today: date) -> Summary:
    """Every figure per currency in one pass over the documents (conditional sums)."""
    is_invoice = col(Document.kind) == DocumentKind.INVOICE
    is_note = col(Document.kind) == DocumentKind.CREDIT_NOTE
    open_ = col(Document.remaining_amount) > 0
    remaining, total = col(Document.remaining_amount), col(Document.total_incl_tax)
    recent = (col(Document.issue_date) > today - timedelta(days=90)) & (col(Document.issue_date) <= today)
    buckets = _bucket_conditions(today)
    columns = [
        *(func.sum(sa.case((is_invoice & open_ & cond, remaining))) for _, cond in buckets),
        func.sum(sa.case((is_note & open_, remaining))),
        func.sum(sa.case((is_invoice & recent, total))),
        func.count(sa.case((is_invoice, 1))),
        func.count(sa.case((is_note, 1))),
    ]
    currencies: dict[str, CurrencyFigures] = {}
    invoice_count = credit_note_count = 0
    for row in session.exec(select(Document.currency, *columns).group_by(Document.currency)):
        currency, *aging, credit, invoiced, invoices, notes = row
        invoice_count += invoices
        credit_note_count += notes
        fig = CurrencyFigures()
        fig.aging = {name: amount or ZERO for (name, _), amount in zip(buckets, aging, strict=True)}
        fig.overdue = sum((fig.aging[name] for name in AGING_BUCKETS[1:]), ZERO)
        fig.outstanding = fig.aging[AGING_BUCKETS[0]] + fig.overdue - (credit or ZERO)
        fig.invoiced_90d = invoiced or ZERO
        if fig.invoiced_90d > 0:
            fig.dso_days = (max(fig.outstanding, ZERO) / fig.invoiced_90d * 90).quantize(Decimal("0.1"))
        if any(aging) or credit or invoiced:  # a currency with something to show
            currencies[currency] = fig

    def count(query: sa.Select) -> int:
        return int(session.exec(query).one())

    return Summary(
        today=today,
        currencies=dict(sorted(currencies.items())),
        account_count=count(select(func.count()).select_from(Account)),
        invoice_count=invoice_count,
        credit_note_count=credit_note_count,
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
