"""A sync started from a screen runs on a thread of the app's process, not inside the page's
script run.

Found trying the demo as a new user: "Sync now" ran inside the page, so opening another page while
it ran stopped the script, and with it the sync, half-way (customers written, contacts not; the
run stayed "running" until its lease expired). Here the page only starts the sync and then reads
its progress; leaving the page, reloading it or logging out does not touch the sync. Every rule
of ``jobs.sync_runs.sync_now`` holds (administrators only, audit, one sync per integration: the
lease refuses a second one and the thread reports it).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from billabex_core.db.types import utcnow
from billabex_core.errors import BillabexError
from billabex_core.jobs.sync_runs import sync_now
from billabex_core.services.integrations import get_integration
from billabex_core.services.roles import require_admin
from billabex_core.sync import SyncResult
from billabex_core.sync.result import SyncProgress


@dataclass
class LiveSync:
    """What a screen shows of a sync started from it: the last progress, then the result."""

    integration_id: int
    full: bool
    actor: str
    started_at: datetime = field(default_factory=utcnow)
    progress: SyncProgress | None = None
    result: SyncResult | None = None
    error: str | None = None  # the sync could not run at all (another one runs, a refusal)
    finished: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def done(self) -> bool:
        return self.finished.is_set()


log = logging.getLogger(__name__)
_LIVE: dict[int, LiveSync] = {}
_LOCK = threading.Lock()


def start_sync(*, session: Session, integration_id: int, actor: str, full: bool = False) -> LiveSync:
    """Start "Sync now" on a background thread and return at once. The checks that can refuse
    it (role, unknown integration) run here, so a refusal reaches the screen directly; a sync of
    this integration already started from a screen of this process is returned as it is."""
    require_admin(session=session, actor=actor)
    get_integration(session=session, integration_id=integration_id)
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    with _LOCK:
        current = _LIVE.get(integration_id)
        if current is not None and not current.done:
            return current
        live = _LIVE[integration_id] = LiveSync(integration_id=integration_id, full=full, actor=actor)
    thread = threading.Thread(target=_run, args=(engine, live), name=f"sync-{integration_id}", daemon=True)
    thread.start()
    return live


def live_sync(integration_id: int) -> LiveSync | None:
    """The sync of this integration last started from a screen of this process, if any."""
    with _LOCK:
        return _LIVE.get(integration_id)


def forget(integration_id: int) -> None:
    """The screen has shown the outcome: stop showing it."""
    with _LOCK:
        live = _LIVE.get(integration_id)
        if live is not None and live.done:
            del _LIVE[integration_id]


def _run(engine: Engine, live: LiveSync) -> None:
    def progress(p: SyncProgress) -> None:
        live.progress = p

    try:
        with Session(engine) as session:
            live.result = sync_now(
                session=session,
                integration_id=live.integration_id,
                actor=live.actor,
                full=live.full,
                progress=progress,
            )
    except BillabexError as exc:  # another sync runs, the integration was removed meanwhile …
        live.error = str(exc)
    except Exception as exc:
        log.exception("sync of integration %s started from a screen", live.integration_id)
        live.error = f"the sync stopped unexpectedly ({type(exc).__name__}); see the app's log"
    finally:
        live.finished.set()
