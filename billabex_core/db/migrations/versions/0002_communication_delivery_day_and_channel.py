"""communication delivery day and channel

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 23:22:50.365546
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import sqlmodel.sql.sqltypes
revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    with op.batch_alter_table('communication', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sent_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))




def downgrade() -> None:

    with op.batch_alter_table('communication', schema=None) as batch_op:
        batch_op.drop_column('channel')
        batch_op.drop_column('sent_on')


