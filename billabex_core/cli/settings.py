"""``settings show [--json]`` / ``settings set KEY VALUE``: the organisation's settings by their
public names (``services.org.SETTING_KEYS``). A bad key or value exits 2 with a line naming it."""

from __future__ import annotations

import argparse
import json

from billabex_core.cli._common import session
from billabex_core.services.org import SETTING_KEYS, set_setting, settings_view


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("settings", help="show or change the organisation's settings")
    actions = parser.add_subparsers(dest="settings_command", metavar="ACTION", parser_class=type(parser))
    actions.required = True
    show = actions.add_parser("show", help="every setting, one `key = value` per line")
    show.add_argument("--json", action="store_true", help="one JSON object instead")
    show.set_defaults(handler=run_show)
    change = actions.add_parser(
        "set", help="change one setting", description="KEY: " + ", ".join(SETTING_KEYS)
    )
    change.add_argument("key", metavar="KEY")
    change.add_argument("value", metavar="VALUE", help='"" clears an optional setting')
    change.set_defaults(handler=run_set)


def run_show(args: argparse.Namespace) -> int:
    with session(args) as s:
        values = settings_view(session=s)
    if args.json:
        print(json.dumps(values, ensure_ascii=False, indent=2))
    else:
        for key, value in values.items():
            print(f"{key} = {'' if value is None else value}")
    return 0


def run_set(args: argparse.Namespace) -> int:
    with session(args) as s:
        stored = set_setting(session=s, key=args.key, value=args.value, actor="cli")
    print(f"{args.key} = {'' if stored is None else stored}")
    return 0
