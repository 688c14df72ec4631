"""``account pause ID [--reason TEXT]`` / ``account resume ID``: stop or restart an account's
follow-ups. ID is the ``id`` of ``export accounts``."""

from __future__ import annotations

import argparse

from billabex_core.cli._common import session
from billabex_core.services.accounts import set_paused

DEFAULT_REASON = "paused from the command line"


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("account", help="pause or resume an account's follow-ups")
    actions = parser.add_subparsers(dest="account_command", metavar="ACTION", parser_class=type(parser))
    actions.required = True
    pause = actions.add_parser("pause", help="no reminder goes to this account until it is resumed")
    pause.add_argument("account_id", type=int, metavar="ID", help="the id of `export accounts`")
    pause.add_argument("--reason", metavar="TEXT", help=f'why (default: "{DEFAULT_REASON}")')
    pause.set_defaults(handler=run_pause)
    resume = actions.add_parser("resume", help="the account's follow-ups start again")
    resume.add_argument("account_id", type=int, metavar="ID", help="the id of `export accounts`")
    resume.set_defaults(handler=run_resume)


def run_pause(args: argparse.Namespace) -> int:
    reason = (args.reason or "").strip() or DEFAULT_REASON
    with session(args) as s:
        account = set_paused(session=s, account_id=args.account_id, paused=True, actor="cli", reason=reason)
        print(f"account #{account.id} {account.name} paused: {account.paused_reason}")
    return 0


def run_resume(args: argparse.Namespace) -> int:
    with session(args) as s:
        account = set_paused(session=s, account_id=args.account_id, paused=False, actor="cli")
        print(f"account #{account.id} {account.name} resumed")
    return 0
