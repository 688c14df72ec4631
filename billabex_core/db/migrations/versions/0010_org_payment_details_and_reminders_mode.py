"""Organisation: IBAN and BIC (payment details on reminders) and the reminders mode (automatic | approval)

Revision ID: 0010_settings
Revises: 0009_agent
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010_settings"
down_revision: str | None = "0009_agent"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("iban", sqlmodel.sql.sqltypes.AutoString(length=34), nullable=True))
        batch_op.add_column(sa.Column("bic", sqlmodel.sql.sqltypes.AutoString(length=11), nullable=True))
        batch_op.add_column(
            sa.Column(
                "reminders_mode",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                nullable=False,
                server_default="automatic",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("reminders_mode")
        batch_op.drop_column("bic")
        batch_op.drop_column("iban")
