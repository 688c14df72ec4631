"""``user add``: create a login (password generated and printed once, or read from stdin)."""

from __future__ import annotations

import argparse
import sys

from billabex_core.cli._common import err, session
from billabex_core.services.users import add_user, has_users


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("user", help="manage logins")
    users = parser.add_subparsers(dest="user_command", metavar="ACTION", parser_class=type(parser))
    users.required = True
    add = users.add_parser("add", help="create a login")
    add.add_argument("username")
    add.add_argument("--email", required=True)
    add.add_argument("--name", required=True, help='full name, e.g. "Ada Lovelace"')
    add.add_argument("--admin", action="store_true", help="may manage users, integrations and settings")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(handler=run_add)
    ensure = users.add_parser(
        "ensure-admin", help="first run: create the login 'admin' if no login exists, print its password once"
    )
    ensure.add_argument("--email", default="admin@example.com")
    ensure.set_defaults(handler=run_ensure_admin)


def run_add(args: argparse.Namespace) -> int:
    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            err("no password on standard input")
            return 2
    with session(args) as s:
        user, generated = add_user(
            session=s,
            username=args.username,
            email=args.email,
            name=args.name,
            password=password,
            admin=args.admin,
        )
    print(f"user {user.username} created" + (" (admin)" if user.is_admin else ""))
    if generated:
        print(f"password: {generated}")
        print("(shown once: store it now)")
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
