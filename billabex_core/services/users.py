"""Logins: bcrypt-hashed passwords, roles (admin or member), deactivation and password resets.

Managing logins is for administrators (``roles.require_admin``); every login may change its own
password. A deactivation, a reset or a password change revokes the login's sessions at once
(``auth.end_sessions``). Logins are never deleted: the audit log names them.
"""

from __future__ import annotations

import re
import secrets
import string

import bcrypt
from sqlmodel import Session, col, select

from billabex_core.errors import NotFoundError, PermissionDeniedError, ValidationError
from billabex_core.models import Organisation, User
from billabex_core.services import audit
from billabex_core.services.auth import MAX_PASSWORD_BYTES, check_password, end_sessions, username_key
from billabex_core.services.contacts import check_email
from billabex_core.services.roles import RESERVED, require_admin

MIN_PASSWORD_LENGTH = 10
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
INTERFACE_LANGUAGES = ("fr", "en")


def generate_password(length: int = 16) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def hash_password(password: str) -> str:
    raw = password.encode("utf-8")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"the password needs at least {MIN_PASSWORD_LENGTH} characters",
            field="password",
            code="password.too_short",
            params={"limit": MIN_PASSWORD_LENGTH},
        )
    if len(raw) > MAX_PASSWORD_BYTES:
        raise ValidationError(
            f"the password is longer than {MAX_PASSWORD_BYTES} bytes",
            field="password",
            code="password.too_long",
            params={"limit": MAX_PASSWORD_BYTES},
        )
    return bcrypt.hashpw(raw, bcrypt.gensalt()).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    raw = password.encode("utf-8")
    return len(raw) <= MAX_PASSWORD_BYTES and bcrypt.checkpw(raw, password_hash.encode("ascii"))


def _interface_language(session: Session, language: str | None) -> str:
    """The login's interface language: the one given, else the organisation's (fr or en)."""
    if language is not None:
        if language not in INTERFACE_LANGUAGES:
            raise ValidationError(
                f"unsupported interface language {language!r} (fr or en)",
                field="language",
                code="language.unsupported",
                params={"value": language, "choices": "fr, en"},
            )
        return language
    org = session.get(Organisation, 1)
    default = org.default_language if org is not None else "fr"
    return default if default in INTERFACE_LANGUAGES else "en"


def default_language(*, session: Session) -> str:
    """The interface language of a login without its own: the organisation's (fr or en)."""
    return _interface_language(session, None)


def set_language(*, session: Session, actor: str, language: str) -> User:
    """A login chooses its own interface language (the sidebar); kept for its next sessions."""
    user = get_user(session=session, username=actor)
    chosen = _interface_language(session, language)
    if user.language != chosen:
        user.language = chosen
        session.add(user)
        session.flush()
        audit.record(
            session=session,
            actor=actor,
            action="user.language_changed",
            entity="user",
            entity_id=user.id,
            language=chosen,
        )
    return user


def _check_username(username: str) -> str:
    login = (username or "").strip().lower()
    if not USERNAME.match(login):
        raise ValidationError(
            f"invalid username {username!r}: 2-64 lower-case letters, digits, '.', '_' or '-'",
            field="username",
            code="username.invalid",
            params={"value": username},
        )
    if login in RESERVED:
        raise ValidationError(
            f"the username {login} is reserved",
            field="username",
            code="username.reserved",
            params={"value": login},
        )
    return login


def add_user(
    *,
    session: Session,
    username: str,
    email: str,
    name: str,
    password: str | None = None,
    admin: bool = False,
    language: str | None = None,
    actor: str = "cli",
) -> tuple[User, str | None]:
    """Create a login (administrators). Returns it and the generated password (None when given)."""
    require_admin(session=session, actor=actor)
    login = _check_username(username)
    if session.exec(select(User).where(User.username == login)).first():
        raise ValidationError(
            f"user {login} already exists", field="username", code="username.taken", params={"value": login}
        )
    full_name = " ".join((name or "").split())
    if not full_name:
        raise ValidationError("the user's name is required", field="name", code="required")
    generated = None
    if password is None:
        password = generated = generate_password()
    user = User(
        username=login,
        email=check_email(email),
        name=full_name[:200],
        password_hash=hash_password(password),
        is_admin=admin,
        language=_interface_language(session, language),
    )
    session.add(user)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="user.added",
        entity="user",
        entity_id=user.id,
        username=login,
        admin=admin,
        language=user.language,
    )
    return user, generated


def list_users(*, session: Session, actor: str) -> list[User]:
    """Every login, for administrators (the Settings screen)."""
    require_admin(session=session, actor=actor)
    return list(session.exec(select(User).order_by(col(User.username))))


def has_users(*, session: Session) -> bool:
    return session.exec(select(User.id).limit(1)).first() is not None


def get_user(*, session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username_key(username))).first()
    if user is None:
        raise NotFoundError("user", username)
    return user


def _active_admins(session: Session) -> int:
    return len(session.exec(select(User.id).where(col(User.is_admin), col(User.is_active))).all())


def _keep_an_admin(session: Session, user: User) -> None:
    if user.is_admin and user.is_active and _active_admins(session) <= 1:
        raise ValidationError(
            f"{user.username} is the last active administrator",
            field="username",
            code="user.last_admin",
            params={"value": user.username},
        )


def set_active(*, session: Session, username: str, active: bool, actor: str) -> User:
    """Deactivate a login (its sessions end at once; it can no longer log in) or reactivate it."""
    require_admin(session=session, actor=actor)
    user = get_user(session=session, username=username)
    if user.is_active == active:
        return user
    if not active:
        _keep_an_admin(session, user)
        end_sessions(session, user)
    user.is_active = active
    session.add(user)
    session.flush()
    action = "user.enabled" if active else "user.disabled"
    audit.record(
        session=session, actor=actor, action=action, entity="user", entity_id=user.id, username=user.username
    )
    return user


def set_admin(*, session: Session, username: str, admin: bool, actor: str) -> User:
    """Make a login an administrator or a member (effective at that login's next click)."""
    require_admin(session=session, actor=actor)
    user = get_user(session=session, username=username)
    if user.is_admin == admin:
        return user
    if not admin:
        _keep_an_admin(session, user)
    user.is_admin = admin
    session.add(user)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="user.role_changed",
        entity="user",
        entity_id=user.id,
        username=user.username,
        role="admin" if admin else "member",
    )
    return user


def reset_password(
    *, session: Session, username: str, actor: str, password: str | None = None
) -> tuple[User, str | None]:
    """An administrator sets a new password (generated when None, returned once); sessions end."""
    require_admin(session=session, actor=actor)
    user = get_user(session=session, username=username)
    generated = None
    if password is None:
        password = generated = generate_password()
    user.password_hash = hash_password(password)
    end_sessions(session, user)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="user.password_reset",
        entity="user",
        entity_id=user.id,
        username=user.username,
    )
    return user, generated


def change_own_password(*, session: Session, actor: str, current: str, new: str) -> User:
    """Any login changes its own password, giving the current one; its other sessions end."""
    user = get_user(session=session, username=actor)
    if not user.is_active:
        raise PermissionDeniedError(
            f"the login {user.username} is disabled", code="login.disabled", params={"value": user.username}
        )
    if not check_password(current, user.password_hash):
        raise ValidationError("the current password is incorrect", field="current", code="password.wrong")
    if new == current:
        raise ValidationError(
            "the new password is the same as the current one", field="password", code="password.unchanged"
        )
    user.password_hash = hash_password(new)
    end_sessions(session, user)
    session.flush()
    audit.record(
        session=session, actor=actor, action="user.password_changed", entity="user", entity_id=user.id
    )
    return user


def credentials(*, session: Session) -> dict:
    """Every login as the ``credentials`` mapping of streamlit-authenticator (kept for scripts;
    the app logs in through ``services.auth``)."""
    return {
        "usernames": {
            user.username: {
                "email": user.email,
                "first_name": user.name.split(" ")[0],
                "last_name": " ".join(user.name.split(" ")[1:]),
                "name": user.name,
                "password": user.password_hash,
                "roles": ["admin"] if user.is_admin else ["member"],
                "failed_login_attempts": 0,
                "logged_in": False,
            }
            for user in session.exec(select(User).order_by(col(User.username)))
        }
    }
