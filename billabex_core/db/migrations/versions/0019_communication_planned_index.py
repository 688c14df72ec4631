"""The Communications screen's calendar and the day's counts read one covering index of the
messages not sent yet (models/list_indexes.py: PLANNED_INDEX)

Revision ID: 0019_communication_planned
Revises: 0018_dashboard_figures
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019_communication_planned"
down_revision: str | None = "0018_dashboard_figures"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["status", "scheduled_for", "held", "account_id"]


def upgrade() -> None:
    op.create_index("ix_communication_planned", "communication", COLUMNS, unique=False)


def downgrade() -> None:
    op.drop_index("ix_communication_planned", table_name="communication")
