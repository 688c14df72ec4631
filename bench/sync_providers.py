"""Sync benchmark for Zoho Books and NetSuite (``bench/sync.py --provider zoho_books|netsuite|all``
runs it; Pennylane stays in ``bench/sync.py``): a full sync, the same requests replayed by a bare
httpx loop, then about 1% of changes at the provider and an incremental sync.

    .venv/bin/python bench/sync_providers.py [--provider zoho_books|netsuite|both]
                                             [--customers 1000] [--invoices 20000]

Set-up (say it when quoting numbers): the sandbox runs in its own process on 127.0.0.1 with its
limits lifted (Zoho's 100 calls a minute would make a 20,000-invoice first sync last hours at
Zoho whatever the client; NetSuite's concurrency limit) and its contract checks off; SQLite in
a temporary directory. The bare loop replays the exact requests of the full sync (Zoho: the same
GET URLs with a valid token; NetSuite: the same SuiteQL POSTs, each signed again) one after
the other on one connection, reading each body; nothing is parsed or stored.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def serve(conn: Any, provider: str, customers: int, invoices: int) -> None:
    """The sandbox process: answers "config", "mutate", "token", "stop"."""
    from billabex_sandbox.netsuite import NetSuiteSandbox
    from billabex_sandbox.zoho import ZohoSandbox

    kinds: dict[str, Any] = {"zoho_books": ZohoSandbox, "netsuite": NetSuiteSandbox}
    sandbox = kinds[provider](
        seed=2026, customers=customers, invoices=invoices, rate_limit=False, contract=False
    )
    sandbox.start()
    conn.send(sandbox.connector_config())
    while True:
        command = conn.recv()
        if command == "mutate":
            conn.send(_mutate(sandbox, provider, invoices // 100))
        else:
            sandbox.stop()
            conn.send("stopped")
            return


def _mutate(sandbox: Any, provider: str, count: int) -> dict[str, int]:
    """About ``count`` changes a working day would bring: payments, new invoices, renamed customers."""
    rng = random.Random(1)
    customers = sandbox.customer_ids()
    if provider == "zoho_books":
        open_ids = [i for i in sandbox.invoice_ids() if sandbox.data.balance(sandbox.data.invoices[i]) > 0]
    else:
        open_ids = sandbox.ids("CustInvc", open_only=True)
    paid = rng.sample(open_ids, min(len(open_ids), count * 7 // 10))
    for invoice_id in paid:
        sandbox.add_payment(invoice_id)
    added = [sandbox.add_invoice(rng.choice(customers)) for _ in range(max(1, count // 5))]
    renamed = rng.sample(customers, max(1, count // 10))
    for customer_id in renamed:
        if provider == "zoho_books":
            sandbox.update_customer(customer_id, name=f"Renamed {customer_id}")
        else:
            sandbox.update_customer(customer_id, companyname=f"Renamed {customer_id}", isperson="F")
    return {"paid": len(paid), "added": len(added), "renamed": len(renamed)}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench(provider: str, customers: int, invoices: int, url: str) -> dict[str, Any]:
    import httpx

    from billabex_core.connectors import CONNECTORS
    from billabex_core.db.engine import get_engine, session_scope
    from billabex_core.jobs.sync_runs import run_integration_sync
    from billabex_core.services.integrations import add_integration

    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    server = ctx.Process(target=serve, args=(child, provider, customers, invoices), daemon=True)
    t0 = time.perf_counter()
    server.start()
    config = parent.recv()
    print(
        f"{provider} sandbox: {customers:,} customers, {invoices:,} invoices, ready in {time.perf_counter() - t0:.1f} s"
    )
    engine = get_engine(url)
    with session_scope(url) as s:
        integration_id = add_integration(
            session=s, provider=provider, name=f"bench-{provider}", config=config, actor="bench"
        ).id

    sent: list[tuple[str, str, bytes, dict[str, str]]] = []

    class Recording(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            headers = {
                k: v
                for k, v in request.headers.items()
                if k.lower() in ("authorization", "prefer", "content-type")
            }
            sent.append((request.method, str(request.url), request.read(), headers))
            return super().handle_request(request)

    def factory(name: str, cfg: dict[str, Any]) -> Any:
        return CONNECTORS[name](cfg, transport=Recording())

    start, cpu = time.perf_counter(), time.process_time()
    full = run_integration_sync(engine=engine, integration_id=integration_id, connector_factory=factory)
    full_time, full_cpu = time.perf_counter() - start, time.process_time() - cpu
    replay = list(sent)
    start, cpu = time.perf_counter(), time.process_time()
    _replay(provider, config, replay)
    bare_time, bare_cpu = time.perf_counter() - start, time.process_time() - cpu
    parent.send("mutate")
    changes = parent.recv()
    start = time.perf_counter()
    incremental = run_integration_sync(
        engine=engine, integration_id=integration_id, connector_factory=factory
    )
    inc_time = time.perf_counter() - start
    parent.send("stop")
    parent.recv()
    server.join(timeout=10)
    return {
        "provider": provider,
        "stored": {k: c.created for k, c in full.counts.items()},
        "changes": changes,
        "rows": [
            ("bare httpx download", bare_time, len(replay), "-"),
            ("full sync", full_time, full.requests, full.status.value),
            ("incremental sync (1%)", inc_time, incremental.requests, incremental.status.value),
        ],
        "cpu": (bare_cpu, full_cpu),
        "ratio": full_time / bare_time if bare_time else float("inf"),
        "incremental": inc_time,
    }


def _replay(
    provider: str, config: dict[str, Any], requests: list[tuple[str, str, bytes, dict[str, str]]]
) -> None:
    import httpx

    if provider == "netsuite":
        from billabex_core.connectors.netsuite_tba import TokenAuth

        auth: Any = TokenAuth(
            account_id=config["account_id"],
            consumer_key=config["consumer_key"],
            consumer_secret=config["consumer_secret"],
            token_id=config["token_id"],
            token_secret=config["token_secret"],
        )
    else:
        auth = None
    with httpx.Client(timeout=120, auth=auth) as client:
        for method, url, body, headers in requests:
            if "oauth/v2/token" in url:
                continue  # the bare loop keeps the token the sync obtained
            hdrs = {k: v for k, v in headers.items() if auth is None or k.lower() != "authorization"}
            client.request(method, url, content=body or None, headers=hdrs).read()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provider", default="both", choices=["zoho_books", "netsuite", "both"])
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--invoices", type=int, default=20_000)
    args = parser.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="billabex-bench-")
    os.environ.setdefault("BILLABEX_SECRET_KEY", "benchmark-secret-key-0123456789abcdef")
    os.environ["BILLABEX_DATA_DIR"] = tmp
    providers = ["zoho_books", "netsuite"] if args.provider == "both" else [args.provider]
    ok = True
    for provider in providers:
        result = bench(provider, args.customers, args.invoices, f"sqlite:///{tmp}/{provider}.db")
        print(f"stored: {result['stored']}\nchanges made: {result['changes']}\n")
        print(f"| {provider + ' run':<30} | {'wall time':>9} | {'requests':>8} | status    |")
        print(f"|{'-' * 32}|{'-' * 11}|{'-' * 10}|-----------|")
        for name, seconds, requests, status in result["rows"]:
            print(f"| {name:<30} | {seconds:>7.1f} s | {requests:>8,} | {status:<9} |")
        bare_cpu, full_cpu = result["cpu"]
        print(
            f"\nfull sync / bare download = {result['ratio']:.2f}; incremental {result['incremental']:.1f} s; "
            f"client CPU bare {bare_cpu:.1f} s, full {full_cpu:.1f} s; peak RSS {peak_rss_mb():.0f} MB\n"
        )
        ok = ok and result["incremental"] < 10
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
