"""Sync benchmark: a full sync, then an incremental one after 1% of changes, against the
Pennylane sandbox; compared with downloading the very same pages with a bare httpx loop.
``--provider zoho_books|netsuite`` runs the same measures on those sandboxes
(``bench/sync_providers.py``), ``--provider all`` the three.

    .venv/bin/python bench/sync.py [--customers 2000] [--invoices 100000] [--db sqlite|URL]
                                   [--profile FILE] [--provider pennylane|zoho_books|netsuite|all]

Set-up (say it when quoting numbers): the sandbox runs in its own process (so its CPU does
not share the client's GIL), on 127.0.0.1, with its rate limit lifted (the real Pennylane
allows 25 requests / 5 s: a first sync of this size would take hours there, whatever the
client). The database is SQLite in a temporary directory unless ``--db`` names another.
The bare loop replays the exact URLs the sync requested (recorded by a transport), one
after the other on one keep-alive connection, reading each body; nothing is parsed or stored.
(The sync's full scan reads invoices' payment rows, one request each, a few in flight at a time:
``connectors/pennylane_payments.py``; the bare loop asks them one by one.)
It also prints the client process's CPU time for both (all threads): on a shared machine the
wall times move with the load, the CPU times much less. ``--profile FILE`` writes a cProfile of
the full sync's main thread (the writer; the read-ahead thread is not in it).

Targets: full sync ≤ 1.5 × the bare download, incremental sync < 10 s, peak RSS < 400 MB.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def serve(conn: Any, customers: int, invoices: int) -> None:
    """The sandbox process: answers commands on ``conn`` until "stop"."""
    from billabex_sandbox.pennylane import PennylaneSandbox

    sandbox = PennylaneSandbox(seed=2026, customers=customers, invoices=invoices, rate_limit=False)
    sandbox.start()
    conn.send(sandbox.connector_config())
    while True:
        command = conn.recv()
        if command == "mutate":
            conn.send({k: len(v) for k, v in sandbox.mutate(0.01, seed=1).items()})
        elif command == "requests":
            conn.send(sandbox.request_count)
        else:
            sandbox.stop()
            conn.send("stopped")
            return


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--db", default="sqlite", help="sqlite (a temp file) or a SQLAlchemy URL")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the full sync's main thread into FILE")
    parser.add_argument(
        "--provider",
        default="pennylane",
        choices=["pennylane", "zoho_books", "netsuite", "all"],
        help="zoho_books and netsuite run bench/sync_providers.py (its own sizes); all: the three",
    )
    args = parser.parse_args()
    if args.provider != "pennylane":
        from sync_providers import main as providers_main

        others = "both" if args.provider == "all" else args.provider
        if args.provider != "all":
            return providers_main(["--provider", others])
        pennylane_ok = _pennylane(args)
        return max(pennylane_ok, providers_main(["--provider", others]))
    return _pennylane(args)


def _pennylane(args: argparse.Namespace) -> int:

    tmp = tempfile.mkdtemp(prefix="billabex-bench-")
    os.environ.setdefault("BILLABEX_SECRET_KEY", "benchmark-secret-key-0123456789abcdef")
    os.environ["BILLABEX_DATA_DIR"] = tmp
    url = f"sqlite:///{tmp}/bench.db" if args.db == "sqlite" else args.db

    import httpx

    from billabex_core.connectors.pennylane import PennylaneConnector
    from billabex_core.db.engine import get_engine, session_scope
    from billabex_core.jobs.sync_runs import run_integration_sync
    from billabex_core.services.integrations import add_integration

    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    server = ctx.Process(target=serve, args=(child, args.customers, args.invoices), daemon=True)
    t0 = time.perf_counter()
    server.start()
    config = parent.recv()
    print(
        f"sandbox: {args.customers:,} customers, {args.invoices:,} invoices, ready in "
        f"{time.perf_counter() - t0:.1f} s (separate process, rate limit lifted)"
    )

    engine = get_engine(url)
    with session_scope(url) as s:
        integration_id = add_integration(
            session=s, provider="pennylane", name="bench", config=config, actor="bench"
        ).id

    urls: list[str] = []

    class Recording(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            urls.append(str(request.url))
            return super().handle_request(request)

    def factory(_provider: str, cfg: dict[str, Any]) -> PennylaneConnector:
        return PennylaneConnector(cfg, transport=Recording())

    rows: list[tuple[str, float, int, float, str]] = []

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    start, cpu = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    full = run_integration_sync(engine=engine, integration_id=integration_id, connector_factory=factory)
    full_time, full_cpu = time.perf_counter() - start, time.process_time() - cpu
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)
    stored = {k: c.created for k, c in full.counts.items()}
    rows.append(("full sync", full_time, full.requests, peak_rss_mb(), full.status.value))
    full_urls = list(urls)

    start, cpu = time.perf_counter(), time.process_time()
    with httpx.Client(
        headers={"Authorization": f"Bearer {config['api_token']}", "X-Use-2026-API-Changes": "true"},
        timeout=60,
    ) as client:
        for page_url in full_urls:
            client.get(page_url).read()
    bare_time, bare_cpu = time.perf_counter() - start, time.process_time() - cpu
    rows.insert(0, ("bare httpx download", bare_time, len(full_urls), peak_rss_mb(), "-"))

    parent.send("mutate")
    changes = parent.recv()
    urls.clear()
    start = time.perf_counter()
    incremental = run_integration_sync(
        engine=engine, integration_id=integration_id, connector_factory=factory
    )
    inc_time = time.perf_counter() - start
    rows.append(
        ("incremental sync (1%)", inc_time, incremental.requests, peak_rss_mb(), incremental.status.value)
    )
    parent.send("stop")
    parent.recv()
    server.join(timeout=10)

    print(f"stored: {stored}")
    print(f"changes made: {changes}")
    print(f"incremental: { {k: c.summary() for k, c in incremental.counts.items() if c.total} }")
    print()
    print(f"| {'run':<22} | {'wall time':>9} | {'requests':>8} | {'peak RSS':>8} | status    |")
    print(f"|{'-' * 24}|{'-' * 11}|{'-' * 10}|{'-' * 10}|-----------|")
    for name, seconds, requests, rss, status in rows:
        print(f"| {name:<22} | {seconds:>7.1f} s | {requests:>8,} | {rss:>5.0f} MB | {status:<9} |")
    ratio = full_time / bare_time if bare_time else float("inf")
    print()
    print(f"full sync / bare download = {ratio:.2f} (target ≤ 1.5)")
    print(
        f"incremental sync = {inc_time:.1f} s (target < 10 s); peak RSS = {peak_rss_mb():.0f} MB (target < 400 MB)"
    )
    ok = ratio <= 1.5 and inc_time < 10 and peak_rss_mb() < 400
    print(f"client CPU (all threads): bare {bare_cpu:.1f} s, full sync {full_cpu:.1f} s")
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
