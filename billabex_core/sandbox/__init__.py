"""Local emulations of the providers' APIs, for tests, demos and benchmarks.

``SANDBOXES`` maps a provider name to its sandbox class (only Pennylane so far). Each serves
on 127.0.0.1 only and needs no account: ``start()`` returns the base URL, ``token`` and
``connector_config()`` give what the connector needs.
"""

from __future__ import annotations

from billabex_core.sandbox.pennylane import PennylaneSandbox

SANDBOXES: dict[str, type[PennylaneSandbox]] = {"pennylane": PennylaneSandbox}

__all__ = ["SANDBOXES", "PennylaneSandbox"]
