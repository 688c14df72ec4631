"""Logging in: the lockout stored in the database, the dummy check for unknown usernames, and
session tokens revoked by logout, password change, deactivation and the idle timeout."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import bcrypt
import pytest
from sqlmodel import Session, select

from billabex_core.db.engine import get_engine
from billabex_core.models import AuditEvent, LoginThrottle
from billabex_core.services import auth
from billabex_core.services.auth import LoginRefused, SessionEnded, SignedIn, log_in, log_out, resume
from billabex_core.services.roles import set_idle_timeout
from billabex_core.services.users import add_user, change_own_password, reset_password, set_active

KEY = "test-cookie-key-0123456789abcdef"
PASSWORD = "correct-horse-battery"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def users(session: Session) -> Session:
    for name, admin in (("ada", True), ("bob", False)):
        add_user(
            session=session,
            username=name,
            email=f"{name}@example.com",
            name=name,
            password=PASSWORD,
            admin=admin,
        )
    session.commit()
    return session


def _login(session: Session, username: str, password: str, now: datetime = NOW) -> SignedIn | LoginRefused:
    result = log_in(session=session, username=username, password=password, key=KEY, now=now)
    session.commit()
    return result


def test_five_failures_lock_the_username_for_five_minutes(users: Session, db_url: str) -> None:
    for attempt in range(5):
        refused = _login(users, "ada", f"wrong-{attempt}", NOW + timedelta(seconds=attempt))
        assert isinstance(refused, LoginRefused)
    assert refused.locked_until == NOW + timedelta(seconds=4) + auth.LOCKOUT  # the 5th failure locks
    # the right password is refused while locked, from another connection too (stored, not in memory)
    with Session(get_engine(db_url)) as other:
        locked = _login(other, "ada", PASSWORD, NOW + timedelta(minutes=2))
    assert isinstance(locked, LoginRefused) and locked.locked_until == refused.locked_until
    assert isinstance(
        _login(users, "bob", PASSWORD, NOW + timedelta(minutes=2)), SignedIn
    )  # others unaffected
    assert isinstance(_login(users, "ada", PASSWORD, NOW + timedelta(minutes=6)), SignedIn)  # lock over
    assert users.get(LoginThrottle, "ada") is None  # a success forgets the failures
    actions = users.exec(select(AuditEvent.action).where(AuditEvent.actor == "ada")).all()
    assert actions.count("login.failed") == 5 and "login.refused" in actions and "login.succeeded" in actions


def test_failures_far_apart_do_not_add_up(users: Session) -> None:
    for day in range(6):
        assert _login(users, "ada", "wrong-password", NOW + timedelta(days=day)) == LoginRefused()
    assert isinstance(_login(users, "ada", PASSWORD, NOW + timedelta(days=6)), SignedIn)


def test_unknown_usernames_cost_a_bcrypt_check_and_lock_too(users: Session, monkeypatch) -> None:
    calls: list[bytes] = []
    real = bcrypt.checkpw
    monkeypatch.setattr(bcrypt, "checkpw", lambda pw, hashed: calls.append(hashed) or real(pw, hashed))
    assert _login(users, "nobody", "whatever-password") == LoginRefused()
    assert len(calls) == 1 and calls[0].startswith(b"$2b$12$")  # the same cost as real hashes
    for _ in range(4):
        refused = _login(users, "nobody", "whatever-password")
    assert isinstance(refused, LoginRefused) and refused.locked_until is not None


def test_unknown_username_answers_as_slowly_as_a_wrong_password(users: Session) -> None:
    def timed(username: str) -> float:
        start = time.perf_counter()
        _login(users, username, "wrong-password")
        return time.perf_counter() - start

    timed("nobody")  # builds the dummy hash once
    known = min(timed("ada") for _ in range(2))
    unknown = min(timed(f"nobody{i}") for i in range(2))
    assert unknown > known * 0.5, (known, unknown)


def test_a_disabled_login_cannot_log_in(users: Session) -> None:
    set_active(session=users, username="bob", active=False, actor="ada")
    users.commit()
    assert _login(users, "bob", PASSWORD) == LoginRefused()


# Sessions ------------------------------------------------------------------------------------


def _session(users: Session, username: str = "ada") -> SignedIn:
    signed = _login(users, username, PASSWORD)
    assert isinstance(signed, SignedIn)
    return signed


def test_a_token_resumes_until_logout_and_a_replay_is_refused(users: Session) -> None:
    signed = _session(users)
    again = resume(session=users, token=signed.token, key=KEY, now=NOW + timedelta(minutes=5))
    assert isinstance(again, SignedIn) and again.username == "ada" and again.is_admin
    other_browser = _session(users)
    log_out(session=users, token=signed.token, key=KEY)
    users.commit()
    for token in (signed.token, other_browser.token):  # logout ends every session of the login
        assert resume(session=users, token=token, key=KEY, now=NOW + timedelta(minutes=6)) == SessionEnded(
            "invalid"
        )


def test_tokens_are_signed_and_expire(users: Session) -> None:
    signed = _session(users)
    payload, _, signature = signed.token.partition(".")
    forged = auth.encode_token({**auth.decode_token(signed.token, KEY), "u": "bob"}, "another-key-0123456789")
    assert resume(session=users, token=forged, key=KEY, now=NOW) == SessionEnded("invalid")
    assert resume(session=users, token=f"{payload}.{signature[:-2]}xx", key=KEY, now=NOW) == SessionEnded(
        "invalid"
    )
    assert resume(session=users, token="garbage", key=KEY, now=NOW) == SessionEnded("invalid")
    later = NOW + auth.SESSION_LIFETIME + timedelta(seconds=1)
    assert resume(session=users, token=signed.token, key=KEY, now=later) == SessionEnded("invalid")


@pytest.mark.parametrize("change", ["own password", "reset", "disable"])
def test_password_changes_and_deactivation_revoke_tokens(users: Session, change: str) -> None:
    signed = _session(users, "bob")
    if change == "own password":
        change_own_password(session=users, actor="bob", current=PASSWORD, new="another-long-password")
    elif change == "reset":
        reset_password(session=users, username="bob", actor="ada")
    else:
        set_active(session=users, username="bob", active=False, actor="ada")
    users.commit()
    assert resume(session=users, token=signed.token, key=KEY, now=NOW) == SessionEnded("invalid")


def test_idle_timeout_is_the_organisation_setting(users: Session) -> None:
    signed = _session(users)
    assert isinstance(
        resume(session=users, token=signed.token, key=KEY, now=NOW + timedelta(hours=7)), SignedIn
    )
    users.commit()  # used at 16:00: idle counts from there
    at = NOW + timedelta(hours=7) + auth.idle_timeout(users) + timedelta(minutes=1)
    assert resume(session=users, token=signed.token, key=KEY, now=at) == SessionEnded("idle")
    users.commit()
    assert resume(session=users, token=signed.token, key=KEY, now=NOW + timedelta(hours=8)) == SessionEnded(
        "invalid"
    )
    set_idle_timeout(session=users, actor="ada", hours="1")
    short = _session(users)
    assert resume(session=users, token=short.token, key=KEY, now=NOW + timedelta(minutes=61)) == SessionEnded(
        "idle"
    )
    assert auth.idle_timeout(users) == timedelta(hours=1)
