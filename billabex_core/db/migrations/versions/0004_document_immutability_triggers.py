"""Database triggers: a validated manual document's extracted fields never change, nor is it deleted

The ORM guard (billabex_core/models/guards.py) gives the friendly error; these triggers hold
for every other path (bulk SQL, stale objects, another program on the same database).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FROZEN = (
    "account_id", "kind", "number", "issue_date", "due_date", "currency", "total_excl_tax", "tax_amount",
    "total_incl_tax", "credited_invoice_number", "file_sha256", "source", "validated_at", "validated_by",
)
MESSAGE = "billabex: a validated document is immutable"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
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
        return
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FROZEN)
    op.execute(f"""
        CREATE FUNCTION billabex_document_immutable() RETURNS trigger AS $$
        BEGIN
            IF OLD.source = 'manual' AND OLD.validated_at IS NOT NULL THEN
                IF TG_OP = 'DELETE' OR ({changed}) THEN
                    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
                END IF;
            END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql
    """)
    op.execute(
        "CREATE TRIGGER document_immutable BEFORE UPDATE OR DELETE ON document "
        "FOR EACH ROW EXECUTE FUNCTION billabex_document_immutable()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS document_immutable_update")
        op.execute("DROP TRIGGER IF EXISTS document_immutable_delete")
        return
    op.execute("DROP TRIGGER IF EXISTS document_immutable ON document")
    op.execute("DROP FUNCTION IF EXISTS billabex_document_immutable()")
