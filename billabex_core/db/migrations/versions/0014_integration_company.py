"""Integration: the provider's company id, one integration per company (issue #17, point 5)

Pennylane's company id (``/me``), Zoho Books' ``organization_id``, NetSuite's account id. NULL
until known (a Pennylane integration learns it at its first connection); NULLs never collide.
Zoho and NetSuite integrations take theirs from the config the next time it is stored or tested.

Revision ID: 0014_integration_company
Revises: 0013_reminders_control
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014_integration_company"
down_revision: str | None = "0013_reminders_control"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN and a unique index: no batch copy of a table other tables refer to.
    op.add_column(
        "integration",
        sa.Column("provider_company_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    )
    op.create_index("uq_integration_company", "integration", ["provider", "provider_company_id"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_integration_company", table_name="integration")
    with op.batch_alter_table("integration", schema=None) as batch_op:
        batch_op.drop_column("provider_company_id")
