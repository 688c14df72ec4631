"""A payment typed by hand is cancelled by a reversing entry that points to it (at most one)

Revision ID: 0007_payments
Revises: 0006_auth
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_payments"
down_revision: str | None = "0006_auth"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reverses_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint("uq_payment_reverses", ["reverses_id"])
        batch_op.create_foreign_key("fk_payment_reverses", "payment", ["reverses_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_constraint("fk_payment_reverses", type_="foreignkey")
        batch_op.drop_constraint("uq_payment_reverses", type_="unique")
        batch_op.drop_column("reverses_id")
