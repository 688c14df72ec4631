"""Logging in and staying logged in (docs/security.md).

- **Passwords** are checked against bcrypt hashes. An unknown username is checked against a dummy
  hash of the same cost, so it answers as slowly as a wrong password.
- **Brute force**: every attempt on a username (known or not) is counted and committed *before*
  the password is checked; the ``MAX_FAILURES``-th failure in a row locks that username for
  ``LOCKOUT``, and while locked no password is checked at all. Other usernames are unaffected.
- **Sessions**: a successful login opens a ``LoginSession`` and returns a signed token (HMAC-SHA256
  with the cookie key) holding the username, the login's ``session_version``, the session's random
  id and an absolute expiry (``SESSION_LIFETIME``). A token is accepted only while all of these hold:
  signature, expiry, login active, same session version, session still open and used within the
  organisation's idle timeout. Logging out, changing or resetting a password and deactivating a
  login raise the version and close every session of that login: old tokens are dead everywhere.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import bcrypt
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from billabex_core.db.types import utcnow
from billabex_core.models import LoginSession, LoginThrottle, Organisation, User
from billabex_core.services import audit

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
FAILURE_WINDOW = timedelta(minutes=15)  # failures further apart than this start the count again
SESSION_LIFETIME = timedelta(hours=24)  # absolute, whatever the activity
DEFAULT_IDLE_HOURS = 8
MIN_IDLE_HOURS, MAX_IDLE_HOURS = 1, 24
TOUCH_EVERY = timedelta(minutes=1)  # how often a session's last use is written
MAX_PASSWORD_BYTES = 72  # bcrypt ignores (bcrypt 5 refuses) anything longer


@dataclass(frozen=True)
class SignedIn:
    """A valid session: who, their role, and the token to keep in the cookie."""

    username: str
    name: str
    is_admin: bool
    language: str | None
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class LoginRefused:
    """Wrong username or password (never says which), or a locked username (``locked_until``)."""

    locked_until: datetime | None = None


@dataclass(frozen=True)
class SessionEnded:
    """Why a token is no longer accepted: ``idle`` (the idle timeout), else ``invalid``."""

    reason: str


def username_key(username: str) -> str:
    """How a typed username is looked up (usernames are stored lower-case)."""
    return (username or "").strip().lower()[:64]


@cache
def _dummy_hash() -> bytes:
    return bcrypt.hashpw(b"billabex: no such login", bcrypt.gensalt())


def check_password(password: str, password_hash: str | None) -> bool:
    """bcrypt check; with no hash (unknown login) a dummy hash of the same cost is checked."""
    raw = (password or "").encode("utf-8")[:MAX_PASSWORD_BYTES]
    if password_hash is None:
        bcrypt.checkpw(raw, _dummy_hash())
        return False
    return bcrypt.checkpw(raw, password_hash.encode("ascii"))


# Tokens --------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(payload: str, key: str) -> str:
    return _b64(hmac.new(key.encode("utf-8"), payload.encode("ascii"), hashlib.sha256).digest())


def encode_token(claims: dict[str, Any], key: str) -> str:
    payload = _b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    return f"{payload}.{_sign(payload, key)}"


def decode_token(token: str, key: str) -> dict[str, Any] | None:
    """The claims of a token signed with ``key``, or None (malformed, forged)."""
    if not isinstance(token, str):
        return None
    payload, _, signature = token.partition(".")
    if not payload or not hmac.compare_digest(
        signature.encode("ascii", "replace"), _sign(payload, key).encode()
    ):
        return None
    try:
        claims = json.loads(_unb64(payload))
    except ValueError:
        return None
    return claims if isinstance(claims, dict) else None


def _hash_sid(sid: str) -> str:
    return hashlib.sha256(sid.encode("ascii")).hexdigest()


# Lockout -------------------------------------------------------------------------------------


def _locked_until(session: Session, name: str, now: datetime) -> datetime | None:
    row = session.get(LoginThrottle, name, populate_existing=True)
    if row is not None and row.locked_until is not None and row.locked_until > now:
        return row.locked_until
    return None


def _count_attempt(session: Session, name: str, now: datetime) -> int:
    """Count one attempt on ``name`` atomically (a parallel burst cannot read a stale count)."""
    stale = sa.or_(
        col(LoginThrottle.last_attempt_at) < now - FAILURE_WINDOW,
        col(LoginThrottle.locked_until).is_not(None),
    )
    bump = (
        sa.update(LoginThrottle)
        .where(col(LoginThrottle.username) == name)
        .values(
            failures=sa.case((stale, 1), else_=col(LoginThrottle.failures) + 1),
            last_attempt_at=now,
            locked_until=None,
        )
        .returning(col(LoginThrottle.failures))
    )
    for _ in range(2):
        count = session.connection().execute(bump).scalar_one_or_none()
        if count is not None:
            return int(count)
        try:
            with session.begin_nested():
                session.connection().execute(
                    sa.insert(LoginThrottle).values(username=name, failures=1, last_attempt_at=now)
                )
            return 1
        except IntegrityError:  # another attempt inserted the row first: count on it
            continue
    raise RuntimeError("login attempt could not be counted")  # pragma: no cover


def _lock(session: Session, name: str, now: datetime) -> datetime:
    until = now + LOCKOUT
    session.connection().execute(
        sa.update(LoginThrottle)
        .where(col(LoginThrottle.username) == name)
        .values(failures=0, locked_until=until)
    )
    return until


def _forget_failures(session: Session, name: str) -> None:
    session.connection().execute(sa.delete(LoginThrottle).where(col(LoginThrottle.username) == name))


# Logging in and out --------------------------------------------------------------------------


def find_user(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username_key(username))).first()


def log_in(
    *, session: Session, username: str, password: str, key: str, now: datetime | None = None
) -> SignedIn | LoginRefused:
    """Check a password; the attempt is committed before the check (see the module docstring)."""
    now = now or utcnow()
    name = username_key(username)
    if not name:
        check_password(password, None)
        return LoginRefused()
    locked = _locked_until(session, name, now)
    if locked is not None:
        audit.record(session=session, actor=name, action="login.refused", entity="user", locked=True)
        return LoginRefused(locked_until=locked)
    count = _count_attempt(session, name, now)
    session.commit()
    user = find_user(session, name)
    matches = check_password(password, user.password_hash if user else None)
    if count > MAX_FAILURES or not (matches and user is not None and user.is_active):
        until = _lock(session, name, now) if count >= MAX_FAILURES else None
        audit.record(
            session=session,
            actor=name,
            action="login.failed",
            entity="user",
            entity_id=user.id if user else None,
            locked=until is not None,
            **({"disabled": True} if user is not None and matches and not user.is_active else {}),
        )
        return LoginRefused(locked_until=until)
    _forget_failures(session, name)
    return _open_session(session, user, now, key)


def _open_session(session: Session, user: User, now: datetime, key: str) -> SignedIn:
    session.connection().execute(
        sa.delete(LoginSession).where(col(LoginSession.last_seen_at) < now - SESSION_LIFETIME)
    )
    sid = secrets.token_urlsafe(32)
    session.add(
        LoginSession(user_id=user.id or 0, token_hash=_hash_sid(sid), created_at=now, last_seen_at=now)
    )
    expires = now + SESSION_LIFETIME
    claims = {"u": user.username, "v": user.session_version, "s": sid, "e": int(expires.timestamp())}
    audit.record(
        session=session, actor=user.username, action="login.succeeded", entity="user", entity_id=user.id
    )
    return _signed_in(user, encode_token(claims, key), expires)


def _signed_in(user: User, token: str, expires: datetime) -> SignedIn:
    return SignedIn(
        username=user.username,
        name=user.name,
        is_admin=user.is_admin,
        language=user.language,
        token=token,
        expires_at=expires,
    )


def idle_timeout(session: Session) -> timedelta:
    org = session.get(Organisation, 1)
    hours = org.idle_timeout_hours if org is not None else DEFAULT_IDLE_HOURS
    return timedelta(hours=hours)


def resume(*, session: Session, token: str, key: str, now: datetime | None = None) -> SignedIn | SessionEnded:
    """The session of a token (from the cookie, or kept by the page between runs), marked as used.

    Called on every run of the app, so a logout elsewhere, a deactivation or a role change takes
    effect at the next click.
    """
    now = now or utcnow()
    claims = decode_token(token, key)
    if claims is None or not isinstance(claims.get("e"), int) or claims["e"] <= now.timestamp():
        return SessionEnded("invalid")
    user = find_user(session, str(claims.get("u", "")))
    if user is None or not user.is_active or claims.get("v") != user.session_version:
        return SessionEnded("invalid")
    row = session.exec(
        select(LoginSession).where(
            LoginSession.token_hash == _hash_sid(str(claims.get("s", ""))), LoginSession.user_id == user.id
        )
    ).first()
    if row is None:
        return SessionEnded("invalid")
    if now - row.last_seen_at > idle_timeout(session):
        session.delete(row)
        audit.record(
            session=session, actor=user.username, action="logout.idle", entity="user", entity_id=user.id
        )
        return SessionEnded("idle")
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return _signed_in(user, token, datetime.fromtimestamp(claims["e"], tz=now.tzinfo))


def end_sessions(session: Session, user: User) -> None:
    """Revoke every token of ``user``: a new session version, and no open session left."""
    user.session_version += 1
    session.add(user)
    session.connection().execute(sa.delete(LoginSession).where(col(LoginSession.user_id) == user.id))


def log_out(*, session: Session, token: str, key: str) -> None:
    """Log out: every session of that login ends (this browser's cookie and any copy of it)."""
    claims = decode_token(token, key) or {}
    user = find_user(session, str(claims.get("u", "")))
    if user is None or claims.get("v") != user.session_version:
        return
    end_sessions(session, user)
    audit.record(session=session, actor=user.username, action="logout", entity="user", entity_id=user.id)
