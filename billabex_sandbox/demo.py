"""The demo: one Pennylane sandbox per process, so a newcomer sees a full sync without any account.

The Integrations page starts it (``start_demo`` gives the base URL, ``DEMO_TOKEN`` is the token
it accepts) and hands both to ``billabex_core.services.integrations.connect_demo``; the core
never imports this package (only the ``sandbox`` command does, for ``SANDBOXES``).
"""

from __future__ import annotations

import threading
from typing import Any

from billabex_sandbox.pennylane import PennylaneSandbox

SANDBOXES: dict[str, type[PennylaneSandbox]] = {"pennylane": PennylaneSandbox}
DEMO_SEED = 42
DEMO_TOKEN = f"pl-demo-{DEMO_SEED}"
DEMO_SIZE: dict[str, Any] = {"customers": 40, "invoices": 400}  # tests make it smaller

_lock = threading.Lock()
_demo: PennylaneSandbox | None = None


def start_demo() -> str:
    """The base URL of the process's demo sandbox, started on first use (127.0.0.1, rate limit on)."""
    global _demo
    with _lock:
        if _demo is None:
            sandbox = PennylaneSandbox(seed=DEMO_SEED, token=DEMO_TOKEN, **DEMO_SIZE)
            sandbox.start()
            _demo = sandbox
        return _demo.base_url


def stop_demo() -> None:
    global _demo
    with _lock:
        if _demo is not None:
            _demo.stop()
            _demo = None
