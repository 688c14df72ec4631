"""When a delivery claim is stale (docs/reliability.md): the rule behind "only stale claims are
recovered" for reminders and digests.

A message is claimed (``sending``, with who and when) and committed before it is handed to the
mail server. If the claimer died, nobody knows whether the server took it: the row is marked
failed for a person to check, never sent again. A claim still being delivered must not be
touched (a slow server is not a dead process). So a claim is stale only when

- its process is known to be gone (``claimer_alive is False``: on the same machine its pid no
  longer runs, or it is an ended run of this very process), or
- it is older than the claim timeout — the only proof left for a process on another machine —
  or it has no time at all (claimed before claims recorded one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Claimer:
    """``host:pid:run`` as stored in ``claimed_by``."""

    host: str
    pid: int
    run: str

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}:{self.run}"


def parse_claimer(text: str | None) -> Claimer | None:
    """``host:pid:run`` → ``Claimer``; ``None`` for anything else (an old or foreign claim)."""
    if not text:
        return None
    host, sep, rest = text.rpartition(":")  # host names may hold colons (IPv6); run ids do not
    host, sep2, pid = host.rpartition(":")
    if not (sep and sep2 and host and pid.isdigit()):
        return None
    return Claimer(host, int(pid), rest)


def claim_is_stale(
    *, claimed_at: datetime | None, claimer_alive: bool | None, now: datetime, timeout: timedelta
) -> bool:
    """``claimer_alive``: False gone, True running, None unknown (another machine)."""
    if claimer_alive is False or claimed_at is None:
        return True
    return now - claimed_at >= timeout
