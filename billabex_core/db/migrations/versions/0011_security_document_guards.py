"""Immutability below the ORM, completed (issue #17, point 11)

- A validated manual document keeps its id (added to the frozen columns of 0004).
- SQLite: an insert over the id of a validated manual document is refused (``INSERT OR REPLACE``
  / ``REPLACE`` would delete and rewrite it). A REPLACE that collides on another unique key
  (account, kind, number), and ``UPDATE OR REPLACE``, delete the other row implicitly: that
  delete fires ``document_immutable_delete`` because every connection turns
  ``PRAGMA recursive_triggers`` on (``db/engine.py``).
- PostgreSQL: ``TRUNCATE`` of ``document`` (also through ``TRUNCATE account CASCADE``) is
  refused while a validated manual document exists, and ``TRUNCATE auditevent`` always.
  The test suite empties its tables with ``session_replication_role = replica`` (superuser).
- The computed figures of a validated manual document (paid, credited and remaining amounts,
  payment, invoice and credit statuses) can only be written as its payments and credit
  applications give them. The SQL mirrors ``domain.statuses.invoice_figures`` and
  ``credit_note_figures`` for a document without a provider remaining amount (every manual
  one): paid = Σ payments, credited = Σ credit applied, remaining = total − paid − credited
  (credit note: max(total − applied, 0)), the payment status from covered vs total, "paid" iff
  covered ≥ total (issued or overdue otherwise: that side depends on the day).

Revision ID: 0011_security_guards
Revises: 0010_settings
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011_security_guards"
down_revision: str | None = "0010_settings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "billabex: a validated document is immutable"
FIGURES_MESSAGE = f"{MESSAGE}: its figures come from its payments and credit notes"
FROZEN_0004 = (
    "account_id",
    "kind",
    "number",
    "issue_date",
    "due_date",
    "currency",
    "total_excl_tax",
    "tax_amount",
    "total_incl_tax",
    "credited_invoice_number",
    "file_sha256",
    "source",
    "validated_at",
    "validated_by",
)
FIGURES = (
    "paid_amount",
    "credited_amount",
    "remaining_amount",
    "payment_status",
    "invoice_status",
    "credit_status",
)
VALIDATED_MANUAL = "source = 'manual' AND validated_at IS NOT NULL"


def _payment_status(covered: str, total: str) -> str:
    return (
        f"CASE WHEN {covered} > {total} THEN 'overpaid' WHEN {covered} = {total} THEN 'paid' "
        f"WHEN {covered} <= 0 THEN 'unpaid' ELSE 'partially_paid' END"
    )


def _credit_status(applied: str, total: str) -> str:
    return (
        f"CASE WHEN {applied} >= {total} THEN 'settled' WHEN {applied} <= 0 THEN 'open' "
        f"ELSE 'partially_applied' END"
    )


def _sqlite_update_trigger(frozen: Sequence[str]) -> None:
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in frozen)
    op.execute("DROP TRIGGER IF EXISTS document_immutable_update")
    op.execute(
        f"CREATE TRIGGER document_immutable_update BEFORE UPDATE ON document "
        f"WHEN OLD.source = 'manual' AND OLD.validated_at IS NOT NULL AND ({changed}) "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )


def _sqlite_figures_trigger() -> None:
    paid = "(SELECT COALESCE(SUM(amount), 0) FROM payment WHERE document_id = NEW.id)"
    credited = "(SELECT COALESCE(SUM(amount), 0) FROM creditapplication WHERE invoice_id = NEW.id)"
    applied = "(SELECT COALESCE(SUM(amount), 0) FROM creditapplication WHERE credit_note_id = NEW.id)"
    covered, total = "(NEW.paid_amount + NEW.credited_amount)", "NEW.total_incl_tax"
    invoice = (
        f"NEW.paid_amount IS NOT {paid} OR NEW.credited_amount IS NOT {credited} "
        f"OR NEW.remaining_amount IS NOT {total} - {covered} "
        f"OR NEW.payment_status IS NOT ({_payment_status(covered, total)}) "
        f"OR COALESCE(NEW.invoice_status = 'paid', 0) IS NOT ({covered} >= {total})"
    )
    note = (
        f"NEW.credited_amount IS NOT {applied} "
        f"OR NEW.remaining_amount IS NOT MAX({total} - NEW.credited_amount, 0) "
        f"OR NEW.credit_status IS NOT ({_credit_status('NEW.credited_amount', total)})"
    )
    op.execute(
        f"CREATE TRIGGER document_figures_derived BEFORE UPDATE OF {', '.join(FIGURES)} ON document "
        f"WHEN OLD.source = 'manual' AND OLD.validated_at IS NOT NULL AND NEW.provider_remaining IS NULL "
        f"AND ((NEW.kind = 'invoice' AND ({invoice})) OR (NEW.kind = 'credit_note' AND ({note}))) "
        f"BEGIN SELECT RAISE(ABORT, '{FIGURES_MESSAGE}'); END"
    )


def _sqlite_upgrade() -> None:
    _sqlite_update_trigger(("id", *FROZEN_0004))
    op.execute(
        f"CREATE TRIGGER document_no_replace BEFORE INSERT ON document "
        f"WHEN EXISTS (SELECT 1 FROM document WHERE id = NEW.id AND {VALIDATED_MANUAL}) "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )
    _sqlite_figures_trigger()


def _pg_immutable_function(frozen: Sequence[str]) -> None:
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in frozen)
    op.execute(f"""
        CREATE OR REPLACE FUNCTION billabex_document_immutable() RETURNS trigger AS $$
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


def _pg_figures_trigger() -> None:
    covered, total = "(paid + credited)", "NEW.total_incl_tax"
    op.execute(f"""
        CREATE FUNCTION billabex_document_figures() RETURNS trigger AS $$
        DECLARE
            paid numeric;
            credited numeric;
        BEGIN
            IF NEW.kind = 'invoice' THEN
                SELECT COALESCE(SUM(amount), 0) INTO paid FROM payment WHERE document_id = NEW.id;
                SELECT COALESCE(SUM(amount), 0) INTO credited FROM creditapplication WHERE invoice_id = NEW.id;
                IF NEW.paid_amount IS DISTINCT FROM paid OR NEW.credited_amount IS DISTINCT FROM credited
                   OR NEW.remaining_amount IS DISTINCT FROM {total} - {covered}
                   OR NEW.payment_status IS DISTINCT FROM ({_payment_status(covered, total)})
                   OR COALESCE(NEW.invoice_status = 'paid', false) IS DISTINCT FROM ({covered} >= {total}) THEN
                    RAISE EXCEPTION '{FIGURES_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
                END IF;
            ELSIF NEW.kind = 'credit_note' THEN
                SELECT COALESCE(SUM(amount), 0) INTO credited FROM creditapplication WHERE credit_note_id = NEW.id;
                IF NEW.credited_amount IS DISTINCT FROM credited
                   OR NEW.remaining_amount IS DISTINCT FROM GREATEST({total} - credited, 0)
                   OR NEW.credit_status IS DISTINCT FROM ({_credit_status("credited", total)}) THEN
                    RAISE EXCEPTION '{FIGURES_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
                END IF;
            END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql
    """)
    op.execute(
        f"CREATE TRIGGER document_figures_derived BEFORE UPDATE OF {', '.join(FIGURES)} ON document "
        f"FOR EACH ROW WHEN (OLD.source = 'manual' AND OLD.validated_at IS NOT NULL "
        f"AND NEW.provider_remaining IS NULL) EXECUTE FUNCTION billabex_document_figures()"
    )


def _pg_upgrade() -> None:
    _pg_immutable_function(("id", *FROZEN_0004))
    _pg_figures_trigger()
    op.execute(f"""
        CREATE FUNCTION billabex_document_no_truncate() RETURNS trigger AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM document WHERE {VALIDATED_MANUAL}) THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NULL;
        END $$ LANGUAGE plpgsql
    """)
    op.execute(
        "CREATE TRIGGER document_no_truncate BEFORE TRUNCATE ON document "
        "FOR EACH STATEMENT EXECUTE FUNCTION billabex_document_no_truncate()"
    )
    op.execute(
        "CREATE TRIGGER auditevent_no_truncate BEFORE TRUNCATE ON auditevent "
        "FOR EACH STATEMENT EXECUTE FUNCTION billabex_audit_append_only()"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_upgrade()
    else:
        _pg_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS document_figures_derived")
        op.execute("DROP TRIGGER IF EXISTS document_no_replace")
        _sqlite_update_trigger(FROZEN_0004)
        return
    op.execute("DROP TRIGGER IF EXISTS auditevent_no_truncate ON auditevent")
    op.execute("DROP TRIGGER IF EXISTS document_no_truncate ON document")
    op.execute("DROP FUNCTION IF EXISTS billabex_document_no_truncate()")
    op.execute("DROP TRIGGER IF EXISTS document_figures_derived ON document")
    op.execute("DROP FUNCTION IF EXISTS billabex_document_figures()")
    _pg_immutable_function(FROZEN_0004)
