"""Contacts carry a version (optimistic locking): two people editing one contact at the same time,
one wins and the other is told to reload (issue #18 point 3)

Revision ID: 0017_contact_version
Revises: 0016_import_batches
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_contact_version"
down_revision: str | None = "0016_import_batches"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("contact", sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("contact") as batch_op:
        batch_op.drop_column("version")
