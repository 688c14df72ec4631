"""``user``: create a login (password generated and printed once, or read from stdin), deactivate
or reactivate one, reset its password. The CLI acts as the operator (``actor="cli"``)."""

from __future__ import annotations

import argparse
import sys

from billabex_core.cli._common import err, session
from billabex_core.services.users import add_user, has_users, reset_password, set_active


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("user", help="manage logins")
    users = parser.add_subparsers(dest="user_command", metavar="ACTION", parser_class=type(parser))
    users.required = True
    add = users.add_parser("add", help="create a login")
    add.add_argument("username")
    add.add_argument("--email", required=True)
    add.add_argument("--name", required=True, help='full name, e.g. "Ada Lovelace"')
    add.add_argument("--admin", action="store_true", help="may manage users, integrations and settings")
    add.add_argument(
        "--language", choices=("fr", "en"), help="interface language (default: the organisation's)"
    )
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(handler=run_add)
    ensure = users.add_parser(
        "ensure-admin", help="first run: create the login 'admin' if no login exists, print its password once"
    )
    ensure.add_argument("--email", default="admin@example.com")
    ensure.set_defaults(handler=run_ensure_admin)
    disable = users.add_parser(
        "disable", help="deactivate a login: it can no longer log in, its sessions end"
    )
    disable.add_argument("username")
    disable.set_defaults(handler=run_disable)
    enable = users.add_parser("enable", help="reactivate a deactivated login")
    enable.add_argument("username")
    enable.set_defaults(handler=run_enable)
    reset = users.add_parser(
        "reset-password", help="set a new password (generated and printed once, or read from stdin)"
    )
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    reset.set_defaults(handler=run_reset_password)


def _stdin_password() -> str | None:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        err("no password on standard input")
    return password or None


def _print_generated(generated: str | None) -> None:
    if generated:
        print(f"password: {generated}")
        print("(shown once: store it now)")


def run_add(args: argparse.Namespace) -> int:
    password = None
    if args.password_stdin and (password := _stdin_password()) is None:
        return 2
    with session(args) as s:
        user, generated = add_user(
            session=s,
            username=args.username,
            email=args.email,
            name=args.name,
            password=password,
            admin=args.admin,
            language=args.language,
        )
    print(f"user {user.username} created" + (" (admin)" if user.is_admin else ""))
    _print_generated(generated)
    return 0


def run_ensure_admin(args: argparse.Namespace) -> int:
    with session(args) as s:
        if has_users(session=s):
            print("logins exist already: use one of them (or `user add` to create another)")
            return 0
        user, generated = add_user(
            session=s, username="admin", email=args.email, name="Administrator", admin=True
        )
    print("=" * 60)
    print(f"First login created — username: {user.username}   password: {generated}")
    print("This password is shown once: store it now.")
    print("=" * 60)
    return 0


def run_disable(args: argparse.Namespace) -> int:
    with session(args) as s:
        user = set_active(session=s, username=args.username, active=False, actor="cli")
    print(f"user {user.username} disabled: it can no longer log in and its sessions have ended")
    return 0


def run_enable(args: argparse.Namespace) -> int:
    with session(args) as s:
        user = set_active(session=s, username=args.username, active=True, actor="cli")
    print(f"user {user.username} enabled")
    return 0


def run_reset_password(args: argparse.Namespace) -> int:
    password = None
    if args.password_stdin and (password := _stdin_password()) is None:
        return 2
    with session(args) as s:
        user, generated = reset_password(session=s, username=args.username, password=password, actor="cli")
    print(f"password of {user.username} reset: its sessions have ended")
    _print_generated(generated)
    return 0
