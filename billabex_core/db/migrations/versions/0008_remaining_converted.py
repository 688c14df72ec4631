"""A synced document's remaining amount converted back from another currency is flagged

Pennylane reports ``remaining_amount_with_tax`` in EUR for a non-EUR document; the sync converts
it back with the document's exchange rate and says so (connectors.md §1.9, §1.10).

Revision ID: 0008_remaining_converted
Revises: 0007_payments
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_remaining_converted"
down_revision: str | None = "0007_payments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (not a batch copy of the table): the document triggers of 0004 stay.
    op.add_column(
        "document",
        sa.Column("provider_remaining_converted", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE document DROP COLUMN provider_remaining_converted")
        return
    op.drop_column("document", "provider_remaining_converted")
