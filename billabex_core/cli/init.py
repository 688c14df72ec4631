"""``init``: create or migrate the schema (idempotent)."""

from __future__ import annotations

import argparse

from billabex_core.cli._common import db_url
from billabex_core.db.engine import get_engine


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("init", help="create or migrate the database schema (idempotent)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    engine = get_engine(db_url(args))
    print(f"database ready: {engine.url.render_as_string(hide_password=True)}")
    return 0
