"""Roles: **admin** or **member**, checked here in the core, whatever the screen shows.

Administrators only: integrations (add, change, test, the demo), the organisation's settings,
logins (add, deactivate, reset, roles), running the agent by hand and the audit log.

``actor`` is what every service already receives: the username of the login acting (the screens
always pass the logged-in username). An actor that names a login must be an active admin. An actor
that names no login is a program with direct access to the database and the secret keys (the
CLI, a job, a script, a test): it is trusted, as it could write the database itself anyway.
``users.add_user`` refuses to create logins named like those programs (``RESERVED``).
"""

from __future__ import annotations

from sqlmodel import Session, select

from billabex_core.errors import PermissionDeniedError
from billabex_core.models import Organisation, User
from billabex_core.services import org as org_service

ADMIN_ONLY = "administrators only"
# Actors that are programs, never logins (audit.AGENT, audit.SYNC, the CLI, "unknown").
RESERVED = frozenset({"agent", "sync", "cli", "system", "unknown"})


def login_of(session: Session, actor: str) -> User | None:
    return session.exec(select(User).where(User.username == actor)).first()


def require_admin(*, session: Session, actor: str) -> None:
    """Refuse (``PermissionDeniedError``) unless ``actor`` is an active admin or a program."""
    user = login_of(session, actor)
    if user is None:
        if actor in ("", "unknown"):
            raise PermissionDeniedError(f"{ADMIN_ONLY}: nobody is logged in", code="admin_only.anonymous")
        return
    if not user.is_active:
        raise PermissionDeniedError(
            f"the login {user.username} is disabled", code="login.disabled", params={"value": user.username}
        )
    if not user.is_admin:
        raise PermissionDeniedError(f"{ADMIN_ONLY}: ask an administrator", code="admin_only")


def update_organisation(*, session: Session, actor: str, **changes: object) -> Organisation:
    """``services.org.update_organisation`` for administrators only (what the Settings screen calls)."""
    require_admin(session=session, actor=actor)
    return org_service.update_organisation(session=session, actor=actor, **changes)


def set_idle_timeout(*, session: Session, actor: str, hours: object) -> int:
    """Settings key ``security.idle_timeout_hours``: a login idle this long is logged out (the same
    check as ``settings set security.idle_timeout_hours N``)."""
    require_admin(session=session, actor=actor)
    stored = org_service.set_setting(
        session=session, key="security.idle_timeout_hours", value=hours, actor=actor
    )
    return int(str(stored))
