"""The dashboard's figures read one covering index instead of every document row
(models/list_indexes.py: FIGURES_INDEX)

Revision ID: 0018_dashboard_figures
Revises: 0017_contact_version
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018_dashboard_figures"
down_revision: str | None = "0017_contact_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["currency", "kind", "account_id", "remaining_amount", "due_date", "issue_date", "total_incl_tax"]


def upgrade() -> None:
    op.create_index("ix_document_figures", "document", COLUMNS, unique=False)


def downgrade() -> None:
    op.drop_index("ix_document_figures", table_name="document")
