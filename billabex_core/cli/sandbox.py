"""``sandbox PROVIDER``: serve a local emulation of a provider's API (demos, tests, benchmarks)."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import threading

from billabex_sandbox import SANDBOXES


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sandbox",
        help="serve a local emulation of a provider's API",
        description="Serve a local emulation of a provider's API on 127.0.0.1 until Ctrl-C.",
    )
    parser.add_argument("provider", metavar="PROVIDER", help="pennylane, zoho_books or netsuite")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--seed", type=int, default=42, help="seed of the generated data (default 42)")
    parser.add_argument("--customers", type=int, default=40, help="number of customers (default 40)")
    parser.add_argument(
        "--invoices", type=int, default=400, help="number of invoices and credit notes (default 400)"
    )
    parser.add_argument(
        "--no-rate-limit",
        action="store_true",
        help="lift the provider's limit (Pennylane 25 requests / 5 s, Zoho 100 / min, NetSuite concurrency)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    factory = SANDBOXES.get(args.provider)
    if factory is None:
        print(
            f"error: no sandbox for {args.provider!r} yet (available: {', '.join(SANDBOXES)})",
            file=sys.stderr,
        )
        return 2
    if args.customers < 1 or args.invoices < 0 or not 0 <= args.port <= 65535:
        print(
            "error: --customers must be at least 1, --invoices at least 0, --port 0..65535", file=sys.stderr
        )
        return 2
    sandbox = factory(
        seed=args.seed,
        customers=args.customers,
        invoices=args.invoices,
        rate_limit=not args.no_rate_limit,
        port=args.port,
    )
    try:
        base_url = sandbox.start()
    except OSError as exc:
        print(f"error: cannot listen on port {args.port}: {exc.strerror}", file=sys.stderr)
        return 1
    config = json.dumps(sandbox.connector_config(), separators=(",", ":"))
    print(f"{args.provider} sandbox serving {base_url}", flush=True)
    credentials = sandbox.credentials() if hasattr(sandbox, "credentials") else {"api token": sandbox.token}
    for name, value in credentials.items():
        print(f"{name}: {value}")
    print(
        f"connect with: python -m billabex_core integration add {args.provider} --name demo --config {shlex.quote(config)}"
    )
    print("Ctrl-C to stop.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
    return 0
