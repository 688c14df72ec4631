"""Logins: bcrypt-hashed passwords, and the credentials mapping streamlit-authenticator reads."""

from __future__ import annotations

import re
import secrets
import string

import bcrypt
from sqlmodel import Session, col, select

from billabex_core.errors import ValidationError
from billabex_core.models import User
from billabex_core.services import audit
from billabex_core.services.contacts import check_email

MAX_PASSWORD_BYTES = 72  # bcrypt ignores (bcrypt 5 refuses) anything longer
MIN_PASSWORD_LENGTH = 10
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


def generate_password(length: int = 16) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def hash_password(password: str) -> str:
    raw = password.encode("utf-8")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"the password needs at least {MIN_PASSWORD_LENGTH} characters", field="password"
        )
    if len(raw) > MAX_PASSWORD_BYTES:
        raise ValidationError(f"the password is longer than {MAX_PASSWORD_BYTES} bytes", field="password")
    return bcrypt.hashpw(raw, bcrypt.gensalt()).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    raw = password.encode("utf-8")
    return len(raw) <= MAX_PASSWORD_BYTES and bcrypt.checkpw(raw, password_hash.encode("ascii"))


def add_user(
    *,
    session: Session,
    username: str,
    email: str,
    name: str,
    password: str | None = None,
    admin: bool = False,
    actor: str = "cli",
) -> tuple[User, str | None]:
    """Create a login. Returns the user and the generated password (None when one was given)."""
    login = (username or "").strip().lower()
    if not USERNAME.match(login):
        raise ValidationError(
            f"invalid username {username!r}: 2-64 lower-case letters, digits, '.', '_' or '-'",
            field="username",
        )
    if session.exec(select(User).where(User.username == login)).first():
        raise ValidationError(f"user {login} already exists", field="username")
    full_name = " ".join((name or "").split())
    if not full_name:
        raise ValidationError("the user's name is required", field="name")
    generated = None
    if password is None:
        password = generated = generate_password()
    user = User(
        username=login,
        email=check_email(email),
        name=full_name[:200],
        password_hash=hash_password(password),
        is_admin=admin,
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
    )
    return user, generated


def list_users(*, session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.username))))


def has_users(*, session: Session) -> bool:
    return session.exec(select(User.id).limit(1)).first() is not None


def credentials(*, session: Session) -> dict:
    """The ``credentials`` mapping of streamlit-authenticator, built from the users table."""
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
            for user in list_users(session=session)
        }
    }
