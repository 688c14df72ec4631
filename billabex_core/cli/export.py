"""``export ENTITY [--format json|csv]``: every row of an entity, on stdout."""

from __future__ import annotations

import argparse
import sys

from billabex_core.cli._common import session
from billabex_core.services.export import EXPORTERS, export_rows, to_csv, to_json


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("export", help="export an entity as JSON or CSV on stdout")
    parser.add_argument("entity", choices=list(EXPORTERS), metavar="ENTITY", help=", ".join(EXPORTERS))
    parser.add_argument("--format", choices=("json", "csv"), default="json")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    with session(args) as s:
        rows = export_rows(session=s, entity=args.entity)
    sys.stdout.write(to_csv(rows) if args.format == "csv" else to_json(rows) + "\n")
    return 0
