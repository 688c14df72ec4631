"""Reminders under the team's control (issue #13): on a communication, who approved it, the edit the
plan keeps, who skipped it and why, and why it is held; disputes and promises to pay; on the
organisation, the payment reference printed on reminders and the freshness limit of synced data

Revision ID: 0013_reminders_control
Revises: 0012_jobs
Create Date: 2026-12-11
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import billabex_core.db.types

revision: str = "0013_reminders_control"
down_revision: str | None = "0012_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_WHEN = billabex_core.db.types.UTCDateTime
_MONEY = billabex_core.db.types.Money


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy of the tables on SQLite): the tables' triggers stay.
    op.add_column("communication", sa.Column("approved_by", _TEXT(length=64), nullable=True))
    op.add_column("communication", sa.Column("approved_at", _WHEN(timezone=True), nullable=True))
    op.add_column("communication", sa.Column("edits", billabex_core.db.types.JSONDict(), nullable=True))
    op.add_column("communication", sa.Column("skipped_by", _TEXT(length=64), nullable=True))
    op.add_column("communication", sa.Column("skip_reason", sa.Text(), nullable=True))
    op.add_column("communication", sa.Column("held", sa.Text(), nullable=True))
    op.add_column("organisation", sa.Column("payment_reference", _TEXT(length=140), nullable=True))
    op.add_column(
        "organisation", sa.Column("freshness_hours", sa.Integer(), nullable=False, server_default="24")
    )
    op.create_table(
        "dispute",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("opened_by", _TEXT(length=64), nullable=False),
        sa.Column("opened_at", _WHEN(timezone=True), nullable=False),
        sa.Column("resolved_by", _TEXT(length=64), nullable=True),
        sa.Column("resolved_at", _WHEN(timezone=True), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"]),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_dispute_account_id"), "dispute", ["account_id"], unique=False)
    op.create_index(op.f("ix_dispute_document_id"), "dispute", ["document_id"], unique=False)
    op.create_table(
        "promise",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("amount", _MONEY(), nullable=False),
        sa.Column("currency", _TEXT(length=3), nullable=False),
        sa.Column("promised_for", sa.Date(), nullable=False),
        sa.Column("resume_on", sa.Date(), nullable=False),
        sa.Column("remaining_at_promise", _MONEY(), nullable=False),
        sa.Column("note", _TEXT(length=500), nullable=True),
        sa.Column("status", _TEXT(length=16), nullable=False),
        sa.Column("recorded_by", _TEXT(length=64), nullable=False),
        sa.Column("recorded_at", _WHEN(timezone=True), nullable=False),
        sa.Column("outcome_on", sa.Date(), nullable=True),
        sa.Column("outcome", _TEXT(length=500), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_promise_account_id"), "promise", ["account_id"], unique=False)
    op.create_index(op.f("ix_promise_document_id"), "promise", ["document_id"], unique=False)
    op.create_index(op.f("ix_promise_status"), "promise", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_promise_status"), table_name="promise")
    op.drop_index(op.f("ix_promise_document_id"), table_name="promise")
    op.drop_index(op.f("ix_promise_account_id"), table_name="promise")
    op.drop_table("promise")
    op.drop_index(op.f("ix_dispute_document_id"), table_name="dispute")
    op.drop_index(op.f("ix_dispute_account_id"), table_name="dispute")
    op.drop_table("dispute")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("freshness_hours")
        batch_op.drop_column("payment_reference")
    with op.batch_alter_table("communication", schema=None) as batch_op:
        for column in ("held", "skip_reason", "skipped_by", "edits", "approved_at", "approved_by"):
            batch_op.drop_column(column)
