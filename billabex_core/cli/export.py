"""``export ENTITY [--format json|csv]``: every row of an entity, on stdout."""

from __future__ import annotations

import argparse
import getpass
import sys

from billabex_core.cli._common import session
from billabex_core.services.audit import CLI
from billabex_core.services.downloads import export_entity
from billabex_core.services.export import EXPORTERS


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("export", help="export an entity as JSON or CSV on stdout")
    parser.add_argument("entity", choices=list(EXPORTERS), metavar="ENTITY", help=", ".join(EXPORTERS))
    parser.add_argument("--format", choices=("json", "csv"), default="json")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    with session(args) as s:  # audited: actor ``cli``, the operating-system user who ran it
        text = export_entity(
            session=s, entity=args.entity, fmt=args.format, actor=CLI, via="cli", os_user=_os_user()
        )
    sys.stdout.write(text)
    return 0


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment nor the password database
        return "unknown"
