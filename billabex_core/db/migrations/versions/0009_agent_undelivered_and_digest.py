"""A communication refused by every recipient is marked undelivered (not a step of the plan);
the daily digest e-mails to referents and admins

Revision ID: 0009_agent
Revises: 0008_remaining_converted
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import billabex_core.db.types

revision: str = "0009_agent"
down_revision: str | None = "0008_remaining_converted"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("communication", schema=None) as batch_op:
        batch_op.add_column(sa.Column("undelivered", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "digest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("recipient", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "scheduled",
                "awaiting_approval",
                "sending",
                "sent",
                "failed",
                "cancelled",
                name="communicationstatus",
                native_enum=False,
                length=32,
                create_constraint=False,
            ),
            nullable=False,
        ),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("covered_from", billabex_core.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("covered_until", billabex_core.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", billabex_core.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", billabex_core.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index(op.f("ix_digest_recipient"), "digest", ["recipient"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_digest_recipient"), table_name="digest")
    op.drop_table("digest")
    with op.batch_alter_table("communication", schema=None) as batch_op:
        batch_op.drop_column("undelivered")
