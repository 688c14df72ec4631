"""An index for every filter and sort of the lists: paused accounts, balance sort, document
source, task kind, communication status and scheduled date (models/list_indexes.py)

Revision ID: 0015_list_indexes
Revises: 0014_integration_company
Create Date: 2026-12-10
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015_list_indexes"
down_revision: str | None = "0014_integration_company"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = [
    ("ix_account_paused", "account", "paused"),
    ("ix_account_outstanding_balance", "account", "outstanding_balance"),
    ("ix_document_source", "document", "source"),
    ("ix_task_kind", "task", "kind"),
    ("ix_communication_status", "communication", "status"),
    ("ix_communication_scheduled_for", "communication", "scheduled_for"),
]


def upgrade() -> None:
    for name, table, column in INDEXES:
        op.create_index(name, table, [column], unique=False)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
