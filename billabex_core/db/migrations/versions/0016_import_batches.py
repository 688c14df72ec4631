"""The import queue: a batch per upload of several files or ZIPs, an item per file with its
outcome (issue #15 point 4; models/batches.py)

Revision ID: 0016_import_batches
Revises: 0015_list_indexes
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from billabex_core.db.types import UTCDateTime

revision: str = "0016_import_batches"
down_revision: str | None = "0015_list_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("file_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "import_batch_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batch.id"]),
        sa.ForeignKeyConstraint(["draft_id"], ["importdraft.id"]),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("batch_id", "position", name="uq_import_batch_item_position"),
    )
    op.create_index("ix_import_batch_item_batch_id", "import_batch_item", ["batch_id"], unique=False)
    op.create_index("ix_import_batch_item_draft_id", "import_batch_item", ["draft_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_import_batch_item_draft_id", table_name="import_batch_item")
    op.drop_index("ix_import_batch_item_batch_id", table_name="import_batch_item")
    op.drop_table("import_batch_item")
    op.drop_table("import_batch")
