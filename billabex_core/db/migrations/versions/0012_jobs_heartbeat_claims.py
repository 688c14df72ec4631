"""Background work: job leases and last runs (``job_state``), worker heartbeats, and who claimed
a message or a digest for delivery and when (only a stale claim is recovered)

Revision ID: 0012_jobs
Revises: 0011_security_guards
Create Date: 2026-12-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import billabex_core.db.types

revision: str = "0012_jobs"
down_revision: str | None = "0011_security_guards"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_WHEN = billabex_core.db.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "job_state",
        sa.Column("name", _TEXT(length=64), nullable=False),
        sa.Column("lock_token", _TEXT(length=64), nullable=True),
        sa.Column("lock_holder", _TEXT(length=200), nullable=True),
        sa.Column("lock_expires_at", _WHEN(timezone=True), nullable=True),
        sa.Column("last_started_at", _WHEN(timezone=True), nullable=True),
        sa.Column("last_finished_at", _WHEN(timezone=True), nullable=True),
        sa.Column("last_status", _TEXT(length=16), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_day", _TEXT(length=10), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "worker_heartbeat",
        sa.Column("name", _TEXT(length=200), nullable=False),
        sa.Column("backend", _TEXT(length=16), nullable=False),
        sa.Column("started_at", _WHEN(timezone=True), nullable=False),
        sa.Column("seen_at", _WHEN(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_index(op.f("ix_worker_heartbeat_seen_at"), "worker_heartbeat", ["seen_at"], unique=False)
    # Plain ADD COLUMN (no batch copy of the tables on SQLite): nullable columns, triggers kept.
    for table in ("communication", "digest"):
        op.add_column(table, sa.Column("claimed_by", _TEXT(length=200), nullable=True))
        op.add_column(table, sa.Column("claimed_at", _WHEN(timezone=True), nullable=True))


def downgrade() -> None:
    for table in ("digest", "communication"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("claimed_at")
            batch_op.drop_column("claimed_by")
    op.drop_index(op.f("ix_worker_heartbeat_seen_at"), table_name="worker_heartbeat")
    op.drop_table("worker_heartbeat")
    op.drop_table("job_state")
