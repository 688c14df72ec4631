"""``python -m billabex_core``: the command line contract of ``shared/spec/cli.md``.

Each command lives in a small module of this package exposing ``register(subparsers)``; the
module adds its parser and sets ``handler`` (a function taking the parsed ``args`` and
returning the exit code). Exit codes: 0 success, 1 an operation failed, 2 bad input or usage.
A ``BillabexError`` is printed as one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from sqlalchemy.exc import SQLAlchemyError

from billabex_core.errors import BillabexError

COMMAND_MODULES = (
    "init",
    "user",
    "extract",
    "importing",
    "integration",
    "sync",
    "agent",
    "worker",
    "export",
    "settings",
    "account",
    "payment",
    "communication",
    "sandbox",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one clear line, exit 2
        self.exit(2, f"error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="billabex", description="Billabex accounts-receivable collection.")
    parser.add_argument(
        "--db",
        metavar="URL",
        help="SQLAlchemy URL (default: $BILLABEX_DATABASE_URL, else sqlite:///data/billabex.db)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"billabex_core.cli.{name}")
        except ModuleNotFoundError as exc:  # a command not written yet
            if exc.name != f"billabex_core.cli.{name}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except BillabexError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except SQLAlchemyError as exc:  # e.g. the database server cannot be reached
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        print(f"error: cannot use the database: {detail}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 1
