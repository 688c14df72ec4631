"""One sync of an integration at a time: a lease on ``Integration.lock_token``.

Acquiring is one conditional ``UPDATE`` (free, or the previous lease expired), atomic on SQLite
and PostgreSQL alike, so it holds across processes. The lease expires, so a killed process
(``kill -9``) blocks the next sync for at most ``LEASE``; the engine renews it inside every page
transaction, which also guarantees that a sync whose lease was taken over commits nothing more.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from billabex_core.db.types import utcnow
from billabex_core.errors import ConflictError
from billabex_core.models import Integration
from billabex_core.sync.writer import table_of

LEASE = timedelta(minutes=2)
_T = table_of(Integration)


class LockLostError(ConflictError):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"the sync of {name} lost its lock (another sync took over); it stopped",
            code="sync.lock_lost",
            params={"name": name},
        )


def acquire(engine: Engine, *, integration_id: int, name: str, lease: timedelta = LEASE) -> str:
    """Take the lock or raise ``ConflictError``; returns the token that renews and releases it."""
    token = secrets.token_hex(16)
    now = utcnow()
    with engine.begin() as conn:
        taken = conn.execute(
            sa.update(_T)
            .where(
                _T.c.id == integration_id,
                sa.or_(_T.c.lock_token.is_(None), _T.c.lock_expires_at < now),
            )
            .values(lock_token=token, lock_expires_at=now + lease)
        ).rowcount
    if taken != 1:
        raise ConflictError(
            f"a sync of {name} is already running", code="sync.running", params={"name": name}
        )
    return token


def renew(conn: Connection, *, integration_id: int, token: str, name: str, lease: timedelta = LEASE) -> None:
    """Extend the lease inside the caller's transaction; raise if it is no longer ours."""
    kept = conn.execute(
        sa.update(_T)
        .where(_T.c.id == integration_id, _T.c.lock_token == token)
        .values(lock_expires_at=utcnow() + lease)
    ).rowcount
    if kept != 1:
        raise LockLostError(name)


def release(engine: Engine, *, integration_id: int, token: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.update(_T)
            .where(_T.c.id == integration_id, _T.c.lock_token == token)
            .values(lock_token=None, lock_expires_at=None)
        )
