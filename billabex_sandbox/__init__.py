"""Local emulations of the billing tools' APIs, for demos, tests and benchmarks (no account needed).

The one entry point for the application is this package: ``start_demo()`` / ``stop_demo()`` /
``demo_running()`` and ``DEMO_TOKEN`` for the Integrations page's Pennylane demo, ``start_provider_demo(provider)``
for the Zoho Books and NetSuite ones, ``SANDBOXES`` (provider name → sandbox class)
for the ``sandbox`` command. Tests and benchmarks use ``billabex_sandbox.pennylane`` directly for
its test hooks (mutations, fault injection). Nothing here imports ``billabex_core``.
"""

from __future__ import annotations

from billabex_sandbox.demo import (
    DEMO_TOKEN,
    SANDBOXES,
    demo_running,
    start_demo,
    start_provider_demo,
    stop_demo,
)

__all__ = ["DEMO_TOKEN", "SANDBOXES", "demo_running", "start_demo", "start_provider_demo", "stop_demo"]
