"""Money columns keep thousandths (three-decimal currencies: TND, KWD, BHD, JOD, OMR, LYD, IQD)

PostgreSQL: NUMERIC(14,2) → NUMERIC(15,3), values unchanged. SQLite: the integer cents become
integer thousandths (× 10); the immutability triggers of 0004 are lifted for the conversion and
put back as they were.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY_COLUMNS = {
    "account": ("outstanding_balance",),
    "document": (
        "total_excl_tax",
        "tax_amount",
        "total_incl_tax",
        "provider_remaining",
        "paid_amount",
        "credited_amount",
        "remaining_amount",
    ),
    "payment": ("amount",),
    "creditapplication": ("amount",),
}
# The SQLite triggers of 0004, unchanged.
FROZEN = (
    "account_id", "kind", "number", "issue_date", "due_date", "currency", "total_excl_tax", "tax_amount",
    "total_incl_tax", "credited_invoice_number", "file_sha256", "source", "validated_at", "validated_by",
)
MESSAGE = "billabex: a validated document is immutable"


def _sqlite_triggers() -> None:
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN)
    op.execute(
        f"CREATE TRIGGER document_immutable_update BEFORE UPDATE ON document "
        f"WHEN OLD.source = 'manual' AND OLD.validated_at IS NOT NULL AND ({changed}) "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )
    op.execute(
        f"CREATE TRIGGER document_immutable_delete BEFORE DELETE ON document "
        f"WHEN OLD.source = 'manual' AND OLD.validated_at IS NOT NULL "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )


def _sqlite_scale(operation: str) -> None:
    op.execute("DROP TRIGGER IF EXISTS document_immutable_update")
    op.execute("DROP TRIGGER IF EXISTS document_immutable_delete")
    for table, columns in MONEY_COLUMNS.items():
        op.execute(f"UPDATE {table} SET " + ", ".join(f"{c} = {operation.format(c=c)}" for c in columns))
    _sqlite_triggers()


def _pg_type(numeric: str) -> None:
    for table, columns in MONEY_COLUMNS.items():
        op.execute(
            f"ALTER TABLE {table} " + ", ".join(f"ALTER COLUMN {c} TYPE {numeric}" for c in columns)
        )


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_scale("{c} * 10")
    else:
        _pg_type("NUMERIC(15, 3)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":  # half away from zero, as to_money
        _sqlite_scale("CASE WHEN {c} >= 0 THEN ({c} + 5) / 10 ELSE ({c} - 5) / 10 END")
    else:
        _pg_type("NUMERIC(14, 2)")
