"""The demos: one sandbox per provider and process, so a newcomer sees a full sync without any account.

The Integrations page starts it (``start_demo`` gives the base URL, ``DEMO_TOKEN`` is the token
it accepts) and hands both to ``billabex_core.services.integrations.connect_demo``; the core
never imports this package (only the ``sandbox`` command does, for ``SANDBOXES``).
Zoho Books and NetSuite: ``start_provider_demo(provider)`` gives the whole connector config of
that provider's demo sandbox, for ``services.integrations.connect_provider_demo``.
"""

from __future__ import annotations

import threading
from typing import Any

from billabex_sandbox.netsuite import NetSuiteSandbox
from billabex_sandbox.pennylane import PennylaneSandbox
from billabex_sandbox.zoho import ZohoSandbox

SANDBOXES: dict[str, type[Any]] = {
    "pennylane": PennylaneSandbox,
    "zoho_books": ZohoSandbox,
    "netsuite": NetSuiteSandbox,
}
DEMO_SEED = 42
DEMO_TOKEN = f"pl-demo-{DEMO_SEED}"
DEMO_SIZE: dict[str, Any] = {"customers": 40, "invoices": 400}  # tests make it smaller

# Zoho's demo lifts the 100 calls/min limit (a first sync would take a minute of waiting).
PROVIDER_DEMOS: dict[str, dict[str, Any]] = {
    "zoho_books": {"rate_limit": False},
    "netsuite": {},
}

_lock = threading.Lock()
_demo: PennylaneSandbox | None = None
_provider_demos: dict[str, Any] = {}


def start_demo(port: int = 0) -> str:
    """The base URL of the process's demo sandbox, started on first use (127.0.0.1, rate limit on).

    ``port``: the one a stored "Demo Pennylane" integration points at, after the app restarted —
    reused when free, so the integration needs no change (else any free port)."""
    global _demo
    with _lock:
        if _demo is None:
            _demo = _started(port)
        return _demo.base_url


def _started(port: int) -> PennylaneSandbox:
    for candidate in dict.fromkeys((port, 0)):
        sandbox = PennylaneSandbox(seed=DEMO_SEED, token=DEMO_TOKEN, port=candidate, **DEMO_SIZE)
        try:
            sandbox.start()
        except OSError:  # the port is taken by now: any free one, the caller re-points
            continue
        return sandbox
    raise OSError("no free port for the demo sandbox")


def demo_running(provider: str = "pennylane") -> bool:
    """Whether this process serves the demo of ``provider`` (after a restart it does not, until
    ``start_demo`` / ``start_provider_demo``)."""
    return _demo is not None if provider == "pennylane" else provider in _provider_demos


def start_provider_demo(provider: str) -> dict[str, Any]:
    """The connector config of the process's demo sandbox of ``provider`` (zoho_books, netsuite),
    started on first use on 127.0.0.1."""
    with _lock:
        if provider not in _provider_demos:
            sandbox = SANDBOXES[provider](seed=DEMO_SEED, **{**DEMO_SIZE, **PROVIDER_DEMOS[provider]})
            sandbox.start()
            _provider_demos[provider] = sandbox
        return dict(_provider_demos[provider].connector_config())


def stop_demo() -> None:
    global _demo
    with _lock:
        if _demo is not None:
            _demo.stop()
            _demo = None
        for sandbox in _provider_demos.values():
            sandbox.stop()
        _provider_demos.clear()
