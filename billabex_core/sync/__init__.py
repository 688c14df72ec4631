"""The provider-neutral sync engine (docs/sync.md).

A connector (``billabex_core.connectors``) yields normalised records page by page; the engine
maps them to domain rows and upserts them by (integration, entity, external id), one
transaction per page that also stores the page's cursor, so an interrupted sync resumes
exactly. ``run_sync`` is the entry point, called by ``billabex_core.jobs.sync_runs`` with the decrypted
connector config and the hooks that open tasks; the engine imports no service.
"""

from __future__ import annotations

from billabex_core.sync.engine import run_sync
from billabex_core.sync.result import Counts, SyncProgress, SyncResult

__all__ = ["Counts", "SyncProgress", "SyncResult", "run_sync"]
