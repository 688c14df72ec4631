"""Home screen: the dashboard figures plus the two work lists (tasks needing action, accounts
without a contact), in one call so the page makes one round trip.

Figures are SQL aggregates, every one per currency in one pass over the documents, fast at
hundreds of thousands of invoices. DSO (days sales outstanding) uses the count-back-free "simple"
formula over the last 90 days: ``DSO = outstanding receivables today / invoiced (incl. tax) in the
last 90 days × 90``, per currency. It says how many days of recent sales are still unpaid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from billabex_core.models import (
    OPEN_TASK_STATUSES,
    ZERO,
    Account,
    Document,
    DocumentKind,
    Integration,
    Task,
    TaskStatus,
)
from billabex_core.queries.accounts import AccountRow, list_accounts
from billabex_core.queries.aging import AGING_BUCKETS, aging_conditions
from billabex_core.queries.common import Page
from billabex_core.queries.tasks import TaskRow, list_tasks

DSO_WINDOW_DAYS = 90


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


@dataclass(frozen=True)
class Dashboard:
    summary: Summary
    my_tasks: Page[TaskRow]  # Action required, assigned to the user or to everybody
    without_contact: Page[AccountRow]  # largest outstanding balance first


def currency_figures(
    aging: Sequence[Decimal | None], credit: Decimal | None, invoiced: Decimal | None
) -> CurrencyFigures:
    """The figures of one currency from its sums: the open invoices' remaining amount per aging
    bucket (``AGING_BUCKETS`` order), the credit (open credit notes' available credit and what
    overpaid invoices hold), and what was invoiced in the DSO window. A sum over no row is
    ``None`` (SQL) and counts as zero."""
    fig = CurrencyFigures()
    fig.aging = {name: amount or ZERO for name, amount in zip(AGING_BUCKETS, aging, strict=True)}
    fig.overdue = sum((fig.aging[name] for name in AGING_BUCKETS[1:]), ZERO)
    fig.outstanding = fig.aging[AGING_BUCKETS[0]] + fig.overdue - (credit or ZERO)
    fig.invoiced_90d = invoiced or ZERO
    if fig.invoiced_90d > 0:
        dso = max(fig.outstanding, ZERO) / fig.invoiced_90d * DSO_WINDOW_DAYS
        fig.dso_days = dso.quantize(Decimal("0.1"))
    return fig


def _per_currency(session: Session, today: date) -> tuple[dict[str, CurrencyFigures], int, int]:
    """Figures per currency (those with something to show), invoice count, credit note count."""
    is_invoice = col(Document.kind) == DocumentKind.INVOICE
    is_note = col(Document.kind) == DocumentKind.CREDIT_NOTE
    # As the accounts' balances (domain.statuses.account_figures): only documents in their
    # account's currency, and an overpaid invoice's negative remaining amount is credit.
    same = col(Document.currency) == col(Account.currency)
    open_ = (col(Document.remaining_amount) > 0) & same
    overpaid = is_invoice & (col(Document.remaining_amount) < 0) & same
    remaining, total, issued = (
        col(Document.remaining_amount),
        col(Document.total_incl_tax),
        col(Document.issue_date),
    )
    recent = (issued > today - timedelta(days=DSO_WINDOW_DAYS)) & (issued <= today)
    buckets = aging_conditions(col(Document.due_date), today).values()
    columns: list[Any] = [
        col(Document.currency),
        *(func.sum(sa.case((is_invoice & open_ & cond, remaining))) for cond in buckets),
        func.sum(sa.case((is_note & open_, remaining), (overpaid, -remaining))),
        func.sum(sa.case((is_invoice & recent, total))),
        func.count(sa.case((is_invoice, 1))),
        func.count(sa.case((is_note, 1))),
    ]
    currencies: dict[str, CurrencyFigures] = {}
    invoice_count = credit_note_count = 0
    for currency, *aging, credit, invoiced, invoices, notes in session.exec(
        select(*columns)
        .join(Account, col(Document.account_id) == col(Account.id))
        .group_by(col(Document.currency))
    ):
        invoice_count += int(invoices)
        credit_note_count += int(notes)
        if any(aging) or credit or invoiced:  # a currency with something to show
            currencies[currency] = currency_figures(aging, credit, invoiced)
    return dict(sorted(currencies.items())), invoice_count, credit_note_count


def summary(*, session: Session, today: date) -> Summary:
    """Every figure of the dashboard."""

    def count(query: SelectOfScalar[int]) -> int:
        return int(session.exec(query).one())

    currencies, invoice_count, credit_note_count = _per_currency(session, today)
    tasks = select(func.count()).select_from(Task)
    accounts = select(func.count()).select_from(Account)
    return Summary(
        today=today,
        currencies=currencies,
        account_count=count(accounts),
        invoice_count=invoice_count,
        credit_note_count=credit_note_count,
        open_task_count=count(tasks.where(col(Task.status).in_(OPEN_TASK_STATUSES))),
        action_required_count=count(tasks.where(col(Task.status) == TaskStatus.ACTION_REQUIRED)),
        accounts_without_contact=count(accounts.where(col(Account.contact_count) == 0)),
        last_syncs=[
            (row.name, row.provider.value, row.last_success_at)
            for row in session.exec(select(Integration).order_by(col(Integration.name)))
        ],
    )


def dashboard(*, session: Session, today: date, username: str, limit: int = 10) -> Dashboard:
    return Dashboard(
        summary=summary(session=session, today=today),
        my_tasks=list_tasks(
            session=session, assignee=username, statuses=[TaskStatus.ACTION_REQUIRED], page_size=limit
        ),
        without_contact=list_accounts(
            session=session, without_contact=True, sort="outstanding", descending=True, page_size=limit
        ),
    )
