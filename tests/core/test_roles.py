"""Roles checked in the core: what a member may not do, whatever the screen shows; managing
logins; the audit log is append-only below the ORM."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session, select

from billabex_core.errors import PermissionDeniedError, ValidationError
from billabex_core.jobs import reminders
from billabex_core.jobs.sync_runs import sync_now
from billabex_core.models import AuditEvent, User
from billabex_core.services import audit, audit_log, integrations, roles, users

PASSWORD = "correct-horse-battery"
DEMO = {"base_url": "http://127.0.0.1:9/api", "api_token": "demo-token"}


@pytest.fixture
def team(session: Session) -> Session:
    for name, admin in (("ada", True), ("bob", False)):
        users.add_user(
            session=session,
            username=name,
            email=f"{name}@example.com",
            name=name,
            password=PASSWORD,
            admin=admin,
        )
    session.commit()
    return session


def _admin_only_calls(session: Session, actor: str) -> dict[str, object]:
    calls = {
        "add integration": lambda: integrations.add_integration(
            session=session, provider="pennylane", name="P", config=DEMO, actor=actor
        ),
        "connect demo": lambda: integrations.connect_demo(session=session, actor=actor, **DEMO),
        "test new connection": lambda: integrations.test_new_connection(
            session=session, provider="pennylane", config=DEMO, actor=actor
        ),
        "organisation": lambda: roles.update_organisation(session=session, actor=actor, name="Evil SAS"),
        "idle timeout": lambda: roles.set_idle_timeout(session=session, actor=actor, hours=24),
        "add login": lambda: users.add_user(
            session=session, username="eve", email="eve@example.com", name="Eve", actor=actor
        ),
        "list logins": lambda: users.list_users(session=session, actor=actor),
        "disable": lambda: users.set_active(session=session, username="ada", active=False, actor=actor),
        "reset": lambda: users.reset_password(session=session, username="ada", actor=actor),
        "role": lambda: users.set_admin(session=session, username=actor, admin=True, actor=actor),
        "sync now": lambda: sync_now(session=session, integration_id=1, actor=actor),
        "run now": lambda: reminders.run_now(session=session, actor=actor, today=date(2026, 3, 2)),
        "audit log actors": lambda: audit_log.actors(session=session, actor=actor),
    }
    return calls


@pytest.mark.parametrize(
    "action",
    [
        "add integration",
        "connect demo",
        "test new connection",
        "organisation",
        "idle timeout",
        "add login",
        "list logins",
        "disable",
        "reset",
        "role",
        "sync now",
        "run now",
        "audit log actors",
    ],
)
def test_a_member_is_refused_by_the_core(team: Session, action: str) -> None:
    with pytest.raises(PermissionDeniedError, match="administrators only"):
        _admin_only_calls(team, "bob")[action]()  # type: ignore[operator]


def test_integration_changes_and_tests_are_for_admins(team: Session) -> None:
    view = integrations.connect_demo(session=team, actor="ada", **DEMO)
    for call in (
        lambda: integrations.update_integration(
            session=team, integration_id=view.id, actor="bob", schedule_minutes=30
        ),
        lambda: integrations.set_enabled(session=team, integration_id=view.id, enabled=False, actor="bob"),
        lambda: integrations.test_connection(session=team, integration_id=view.id, actor="bob"),
        lambda: integrations.reset_cursors(session=team, integration_id=view.id, actor="bob"),
    ):
        with pytest.raises(PermissionDeniedError):
            call()
    assert integrations.update_integration(
        session=team, integration_id=view.id, actor="ada", schedule_minutes=30
    )


def test_a_disabled_admin_is_refused_and_programs_are_trusted(team: Session) -> None:
    users.add_user(
        session=team, username="cy", email="cy@example.com", name="Cy", password=PASSWORD, admin=True
    )
    users.set_active(session=team, username="cy", active=False, actor="ada")
    with pytest.raises(PermissionDeniedError, match="disabled"):
        roles.update_organisation(session=team, actor="cy", name="X")
    with pytest.raises(PermissionDeniedError):
        roles.require_admin(session=team, actor="unknown")
    roles.require_admin(session=team, actor="cli")  # the CLI, the agent, the sync: no login
    assert roles.update_organisation(session=team, actor="cli", name="Billabex SAS").name == "Billabex SAS"


def test_admins_manage_logins_and_keep_one_admin(team: Session) -> None:
    user, generated = users.add_user(
        session=team, username="cy", email="cy@example.com", name="Cy", actor="ada", language="en"
    )
    assert generated and user.language == "en" and not user.is_admin
    assert users.set_admin(session=team, username="cy", admin=True, actor="ada").is_admin
    assert not users.set_active(session=team, username="cy", active=False, actor="ada").is_active
    assert users.set_active(session=team, username="cy", active=True, actor="ada").is_active
    _, new_password = users.reset_password(session=team, username="cy", actor="ada")
    assert new_password and users.verify_password(
        new_password, users.get_user(session=team, username="cy").password_hash
    )
    users.set_admin(session=team, username="cy", admin=False, actor="ada")
    with pytest.raises(ValidationError, match="last active administrator"):
        users.set_active(session=team, username="ada", active=False, actor="ada")
    with pytest.raises(ValidationError, match="last active administrator"):
        users.set_admin(session=team, username="ada", admin=False, actor="ada")
    actions = team.exec(select(AuditEvent.action).where(AuditEvent.actor == "ada")).all()
    for action in ("user.added", "user.role_changed", "user.disabled", "user.enabled", "user.password_reset"):
        assert action in actions


def test_every_login_changes_its_own_password(team: Session) -> None:
    with pytest.raises(ValidationError, match="current password"):
        users.change_own_password(session=team, actor="bob", current="wrong-password", new="a-new-password")
    users.change_own_password(session=team, actor="bob", current=PASSWORD, new="a-new-password")
    assert users.verify_password("a-new-password", users.get_user(session=team, username="bob").password_hash)


def test_reserved_usernames_and_interface_language(team: Session) -> None:
    for reserved in ("cli", "agent", "sync"):
        with pytest.raises(ValidationError, match="reserved"):
            users.add_user(session=team, username=reserved, email="x@example.com", name="X")
    with pytest.raises(ValidationError, match="interface language"):
        users.add_user(session=team, username="dee", email="d@example.com", name="D", language="de")
    assert users.add_user(session=team, username="dee", email="d@example.com", name="D")[0].language == "fr"


# The audit log is append-only ------------------------------------------------------------------


def test_the_audit_log_refuses_update_and_delete(team: Session, db_url: str) -> None:
    event = audit.record(session=team, actor="ada", action="test", entity="test")
    team.commit()
    statements = [
        sa.text("UPDATE auditevent SET actor = 'mallory' WHERE id = :id"),
        sa.text("DELETE FROM auditevent WHERE id = :id"),
    ]
    if db_url.startswith("sqlite"):
        statements.append(
            sa.text(
                "INSERT OR REPLACE INTO auditevent (id, at, actor, action, entity, details) "
                "VALUES (:id, '2026-01-01', 'mallory', 'x', 'x', '{}')"
            )
        )
    for statement in statements:
        with pytest.raises((IntegrityError, DBAPIError), match="append-only"):
            team.connection().execute(statement, {"id": event.id})
        team.rollback()
    assert team.get(AuditEvent, event.id).actor == "ada"  # type: ignore[union-attr]
    assert team.exec(select(User).where(User.username == "ada")).one()
