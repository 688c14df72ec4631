"""Logins safe for a team: deactivation, session version and interface language of a login; the
organisation's idle timeout; failed attempts (lockout) and open sessions; the audit log refuses
UPDATE and DELETE (and, on SQLite, an insert over an existing id: INSERT OR REPLACE)

Revision ID: 0006_auth
Revises: 0005
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import billabex_core.db.types

revision: str = "0006_auth"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "billabex: the audit log is append-only"


def _tables() -> None:
    op.add_column("user", sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column("user", sa.Column("session_version", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("user", sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True))
    op.add_column(
        "organisation", sa.Column("idle_timeout_hours", sa.Integer(), nullable=False, server_default="8")
    )
    op.create_table(
        "login_throttle",
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_attempt_at", billabex_core.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("locked_until", billabex_core.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("username"),
    )
    op.create_table(
        "login_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", billabex_core.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", billabex_core.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index(op.f("ix_login_session_user_id"), "login_session", ["user_id"], unique=False)
    op.create_index(op.f("ix_login_session_last_seen_at"), "login_session", ["last_seen_at"], unique=False)


def _audit_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"CREATE TRIGGER auditevent_no_update BEFORE UPDATE ON auditevent "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
        op.execute(
            f"CREATE TRIGGER auditevent_no_delete BEFORE DELETE ON auditevent "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
        op.execute(
            f"CREATE TRIGGER auditevent_no_replace BEFORE INSERT ON auditevent "
            f"WHEN EXISTS (SELECT 1 FROM auditevent WHERE id = NEW.id) "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
        return
    op.execute(f"""
        CREATE FUNCTION billabex_audit_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END $$ LANGUAGE plpgsql
    """)
    op.execute(
        "CREATE TRIGGER auditevent_append_only BEFORE UPDATE OR DELETE ON auditevent "
        "FOR EACH ROW EXECUTE FUNCTION billabex_audit_append_only()"
    )


def upgrade() -> None:
    _tables()
    _audit_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("auditevent_no_update", "auditevent_no_delete", "auditevent_no_replace"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS auditevent_append_only ON auditevent")
        op.execute("DROP FUNCTION IF EXISTS billabex_audit_append_only()")
    op.drop_index(op.f("ix_login_session_last_seen_at"), table_name="login_session")
    op.drop_index(op.f("ix_login_session_user_id"), table_name="login_session")
    op.drop_table("login_session")
    op.drop_table("login_throttle")
    op.drop_column("organisation", "idle_timeout_hours")
    with op.batch_alter_table("user") as batch:
        batch.drop_column("language")
        batch.drop_column("session_version")
        batch.drop_column("is_active")
