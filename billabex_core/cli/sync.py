"""``sync NAME [--full]`` and ``sync --all``: run synchronisations now and print the counts."""

from __future__ import annotations

import argparse
import sys

from billabex_core.cli._common import session
from billabex_core.db.engine import get_engine
from billabex_core.errors import ValidationError
from billabex_core.jobs.sync_runs import run_integration_sync
from billabex_core.services.integrations import find_integration, list_integrations
from billabex_core.sync import SyncResult


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sync",
        help="synchronise an integration now",
        description="Run one synchronisation and print counts per entity (created/updated/unchanged/failed).",
    )
    parser.add_argument("name", metavar="NAME", nargs="?", help="the integration's name")
    parser.add_argument("--all", action="store_true", help="every enabled integration")
    parser.add_argument("--full", action="store_true", help="re-read everything instead of the changes")
    parser.set_defaults(handler=run)


def print_result(result: SyncResult) -> None:
    print(f"{result.integration}: {result.status.value} ({result.requests} requests)")
    for entity, counts in result.counts.items():
        print(
            f"  {entity:<19} created {counts.created:>6}  updated {counts.updated:>6}  "
            f"unchanged {counts.unchanged:>6}  failed {counts.failed:>4}  deleted {counts.deleted:>4}"
        )
    if result.ok and result.errors:
        print(f"  {len(result.errors)} problem(s), first: {result.errors[0]}")


def run(args: argparse.Namespace) -> int:
    if bool(args.name) == bool(args.all):
        raise ValidationError("give an integration NAME or --all")
    with session(args) as s:
        targets = (
            [find_integration(session=s, name=args.name)]
            if args.name
            else list_integrations(session=s, enabled_only=True)
        )
    engine = get_engine(getattr(args, "db", None))
    failed = 0
    for view in targets:
        result = run_integration_sync(engine=engine, integration_id=view.id, full=args.full)
        print_result(result)
        if not result.ok:
            failed += 1
            print(f"error: {result.integration}: {result.error}", file=sys.stderr)
    if args.all and not targets:
        print("no enabled integration")
    return 1 if failed else 0
