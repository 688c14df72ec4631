"""Who claims a message for delivery, and whether an old claim is stale (``domain.claims``).

A run claims as ``host:pid:run``. Asked about a claim, this module supplies what only a process
can know: whether the claimer still runs — on this machine its pid is looked up (and a claim of
this very process is live only while its run is), on another machine nobody knows and the claim
timeout decides.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from billabex_core.db.types import utcnow
from billabex_core.domain.claims import Claimer, claim_is_stale, parse_claimer

# Longer than any delivery can take (SMTP time-outs are a minute) and than the agent's lease.
CLAIM_TIMEOUT = timedelta(minutes=15)
HOST = socket.gethostname()
_live_runs: set[str] = set()


@contextmanager
def claimer() -> Iterator[str]:
    """A run's identity for its claims, live while the ``with`` block runs."""
    run = secrets.token_hex(6)
    _live_runs.add(run)
    try:
        yield str(Claimer(HOST, os.getpid(), run))
    finally:
        _live_runs.discard(run)


def _alive(who: Claimer | None) -> bool | None:
    if who is None or who.host != HOST:
        return None
    if who.pid == os.getpid():
        return who.run in _live_runs
    try:
        os.kill(who.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it runs
        return True
    return True


def is_stale(claimed_by: str | None, claimed_at: datetime | None, *, now: datetime | None = None) -> bool:
    return claim_is_stale(
        claimed_at=claimed_at,
        claimer_alive=_alive(parse_claimer(claimed_by)),
        now=now or utcnow(),
        timeout=CLAIM_TIMEOUT,
    )
