"""The demo billing tools after an app restart.

A demo sandbox lives in the app's process (``billabex_sandbox``): once the app restarts, a
"Demo Pennylane" (or "Demo Zoho Books", "Demo NetSuite") integration points at a server that is
gone, and its syncs fail until someone connects the demo again. ``reattach_demos`` — run by
``app.py``, once per process and database — starts the sandbox of each stored demo again: the
Pennylane one on the port its integration names (so the integration, and a worker syncing it,
need no change); when that port is taken, or for Zoho Books and NetSuite (their credentials are
made at start), the integration is re-pointed to the new sandbox.
"""

from __future__ import annotations

import threading
from urllib.parse import urlparse

import billabex_sandbox
from billabex_core.config import get_settings
from billabex_core.services import integrations as svc
from billabex_ui.session import call

APP = "app"  # who re-points a demo integration in the audit log: the app itself, not a person

_lock = threading.Lock()
_attached: set[str] = set()  # the database URLs this process has reattached the demos of


def reattach_demos() -> None:
    """Start again the sandbox of every demo integration of the database (once per process)."""
    url = get_settings().resolved_database_url
    if url in _attached:
        return
    with _lock:
        if url in _attached:
            return
        for view in call(svc.list_integrations) or []:
            if view.name == svc.DEMO_NAMES.get(view.provider) and not billabex_sandbox.demo_running(
                view.provider
            ):
                _reattach(view)
        _attached.add(url)


def _reattach(view: svc.IntegrationView) -> None:
    if view.provider != "pennylane":
        config = billabex_sandbox.start_provider_demo(view.provider)
        call(svc.connect_provider_demo, provider=view.provider, config=config, actor=APP)
        return
    stored = str(view.settings.get("base_url") or "")
    base_url = billabex_sandbox.start_demo(port=urlparse(stored).port or 0)
    if base_url != stored:
        call(svc.connect_demo, base_url=base_url, api_token=billabex_sandbox.DEMO_TOKEN, actor=APP)
