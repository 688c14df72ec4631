"""The tables of logging in: failed attempts per username (the lockout) and open sessions (the
idle timeout). ``services.auth`` is their only writer."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from billabex_core.db.types import UTCDateTime, utcnow


class LoginThrottle(SQLModel, table=True):
    """Failed logins of one username (known or not, so a lockout tells nothing about who exists)."""

    __tablename__ = "login_throttle"

    username: str = Field(primary_key=True, max_length=64)
    failures: int = 0
    last_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LoginSession(SQLModel, table=True):
    """One open session: the SHA-256 of the random id in its token, and when it was last used."""

    __tablename__ = "login_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)
