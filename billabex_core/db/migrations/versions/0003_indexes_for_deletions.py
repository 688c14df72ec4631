"""indexes for deletions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 23:56:15.529328
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_credited_invoice_id'), ['credited_invoice_id'], unique=False)

    with op.batch_alter_table('importdraft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_importdraft_document_id'), ['document_id'], unique=False)

    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_contact_id'), ['contact_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_contact_id'))

    with op.batch_alter_table('importdraft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_importdraft_document_id'))

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_credited_invoice_id'))


