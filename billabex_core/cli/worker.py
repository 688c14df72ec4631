"""``worker``: the long-running process that runs scheduled syncs, the daily agent run and the
digests (``billabex_core.jobs.queue``; docs/reliability.md, docs/sync.md, docs/agent.md).

On SQLite it is the in-process worker (one per database); on PostgreSQL a procrastinate worker
(as many as wanted, on any machine). ``--once`` is one in-process pass on either.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys

from billabex_core.cli.sync import print_result
from billabex_core.db.engine import get_engine
from billabex_core.jobs import heartbeat, queue
from billabex_core.jobs.worker import run_daily_agent, run_due


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "worker",
        help="run scheduled syncs and the daily agent run until stopped",
        description=(
            "Sync every enabled integration on its schedule (default hourly) and run the collection agent "
            "with delivery, then the digests, once a day; Ctrl-C stops. On PostgreSQL it is a procrastinate "
            "worker: run as many as you like, on any machine."
        ),
    )
    parser.add_argument(
        "--once", action="store_true", help="one pass (due integrations, then the agent run), then exit"
    )
    parser.add_argument(
        "--interval",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="how often the schedule is checked (60; SQLite)",
    )
    parser.add_argument(
        "--concurrency", type=int, default=2, metavar="N", help="jobs run at once (2; PostgreSQL)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    url = getattr(args, "db", None)
    engine = get_engine(url)
    if args.once:
        heartbeat.beat(engine, backend=queue.INPROCESS)
        run_due(engine, report=lambda _name, result: print_result(result))
        run_daily_agent(engine, last_day=None)
        return 0
    if args.interval <= 0 or args.concurrency <= 0:
        print("error: --interval and --concurrency must be positive", file=sys.stderr)
        return 2
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a worker is stopped
        queue.run_worker(url, interval=args.interval, concurrency=args.concurrency)
    return 0
