"""An index for every filter and sort of the four lists (issue #18 point 4; bench/scale.py checks
them): the paused accounts, the balance sort, the document source, the task kind, the
communication status and scheduled date. (Searches by any part of a name or number are
``LIKE '%…%'``: no B-tree helps them, and they stay fast at 200,000 invoices — bench/scale.py.)
Declared beside the tables so that the tables' modules stay as they are; migration 0015."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from billabex_core.models.tables import Account, Communication, Document, Task


def table_of(model: Any) -> sa.Table:
    table: sa.Table = model.__table__
    return table


LIST_INDEXES = (
    sa.Index("ix_account_paused", table_of(Account).c.paused),
    sa.Index("ix_account_outstanding_balance", table_of(Account).c.outstanding_balance),
    sa.Index("ix_document_source", table_of(Document).c.source),
    sa.Index("ix_task_kind", table_of(Task).c.kind),
    sa.Index("ix_communication_status", table_of(Communication).c.status),
    sa.Index("ix_communication_scheduled_for", table_of(Communication).c.scheduled_for),
)

# The dashboard's figures per currency (queries/dashboard.py) read every document: this index
# holds every column they need, in the order of their GROUP BY, so SQLite scans it instead of the
# wide rows (2.5x faster at 200,000 invoices); migration 0018.
_FIGURES = ("currency", "kind", "account_id", "remaining_amount", "due_date", "issue_date", "total_incl_tax")
FIGURES_INDEX = sa.Index("ix_document_figures", *(table_of(Document).c[name] for name in _FIGURES))

# The Communications screen's calendar and the day's counts (queries/communications.py): the
# messages not sent yet by status and day, with what the counts and the names read; migration 0019.
PLANNED_INDEX = sa.Index(
    "ix_communication_planned",
    *(table_of(Communication).c[name] for name in ("status", "scheduled_for", "held", "account_id")),
)
