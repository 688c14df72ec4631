"""``integration add PROVIDER --name NAME --config JSON|--config-file FILE`` and ``integration list``.

``--config-file FILE`` (``-`` for standard input) keeps the credentials off the command line,
where other users of the machine see them (``ps``) and shells keep them (history).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from billabex_core.cli._common import session
from billabex_core.errors import ValidationError
from billabex_core.services.integrations import add_integration, list_integrations


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "integration", help="connect a billing tool", description="Add or list integrations."
    )
    sub = parser.add_subparsers(dest="integration_command", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="add an integration (credentials stored encrypted)")
    add.add_argument("provider", metavar="PROVIDER", help="pennylane, zoho_books or netsuite")
    add.add_argument("--name", required=True, help="a unique name, used by `sync NAME`")
    source = add.add_mutually_exclusive_group(required=True)
    source.add_argument("--config", metavar="JSON", help='e.g. \'{"api_token": "..."}\' (visible to `ps`)')
    source.add_argument(
        "--config-file",
        metavar="FILE",
        help="read the JSON config from FILE, or from standard input with - (keeps tokens off the command line)",
    )
    add.add_argument("--schedule", type=int, default=60, metavar="MINUTES", help="sync every N minutes (60)")
    add.set_defaults(handler=run_add)
    listing = sub.add_parser("list", help="list integrations (never their secrets)")
    listing.add_argument("--json", action="store_true", help="one JSON list")
    listing.set_defaults(handler=run_list)


def _read_config(args: argparse.Namespace) -> Any:
    if args.config is not None:
        text, where = args.config, "--config"
    elif args.config_file == "-":
        text, where = sys.stdin.read(), "the config on standard input"
    else:
        where = f"--config-file {args.config_file}"
        try:
            text = Path(args.config_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
            raise ValidationError(f"cannot read {where}: {reason}", field="config") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{where} is not valid JSON ({exc.msg})", field="config") from None


def run_add(args: argparse.Namespace) -> int:
    config = _read_config(args)
    with session(args) as s:
        view = add_integration(
            session=s,
            provider=args.provider,
            name=args.name,
            config=config,
            actor="cli",
            schedule_minutes=args.schedule,
        )
    print(f"integration {view.name} added (id {view.id}, {view.provider}); run: sync {json.dumps(view.name)}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with session(args) as s:
        views = list_integrations(session=s)
    if args.json:
        rows = [
            {
                "id": v.id,
                "name": v.name,
                "provider": v.provider,
                "enabled": v.enabled,
                "schedule_minutes": v.schedule_minutes,
                "excluded_customer_ids": v.excluded_customer_ids,
                "settings": v.settings,
                "last_success_at": v.last_success_at.isoformat() if v.last_success_at else None,
                "last_error": v.last_error,
                "running": v.running,
            }
            for v in views
        ]
        print(json.dumps(rows, indent=2, default=str))
        return 0
    if not views:
        print("no integration yet: integration add PROVIDER --name NAME --config JSON")
    for v in views:
        last = v.last_success_at.strftime("%Y-%m-%d %H:%M UTC") if v.last_success_at else "never"
        state = "enabled" if v.enabled else "disabled"
        print(f"{v.name}\t{v.provider}\t{state}\tevery {v.schedule_minutes} min\tlast success: {last}")
        if v.last_error:
            print(f"\tlast error: {v.last_error}")
    return 0
