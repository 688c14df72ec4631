"""``worker``: the long-running process that runs scheduled syncs and the daily agent run
(``billabex_core.jobs.worker``; docs/sync.md, docs/agent.md)."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys

from billabex_core.cli.sync import print_result
from billabex_core.db.engine import get_engine
from billabex_core.jobs.worker import run_daily_agent, run_due, run_forever


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "worker",
        help="run scheduled syncs and the daily agent run until stopped",
        description=(
            "Sync every enabled integration on its schedule (default hourly) and run the collection agent "
            "with delivery once per business day; Ctrl-C stops."
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
        help="how often the schedule is checked (60)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    engine = get_engine(getattr(args, "db", None))
    if args.once:
        run_due(engine, report=lambda _name, result: print_result(result))
        run_daily_agent(engine, last_day=None)
        return 0
    if args.interval <= 0:
        print("error: --interval must be positive", file=sys.stderr)
        return 2
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a worker is stopped
        run_forever(engine, interval=args.interval)
    return 0
