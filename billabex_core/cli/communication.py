"""``communication approve ID`` / ``communication skip ID --reason TEXT`` / ``communication send ID``:
a person's decision on one message not sent yet (ID: the ``id`` of ``export communications``).

``send`` delivers at once, exactly once like any send (SMTP when configured, else the dry-run
outbox); it exits 1 when the message did not go out. Each action is in the audit log (actor
``cli``)."""

from __future__ import annotations

import argparse
import sys

from billabex_core.cli._common import session
from billabex_core.clock import business_today
from billabex_core.jobs.reminders import send_now
from billabex_core.models import CommunicationStatus
from billabex_core.services.communication_actions import approve, skip


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("communication", help="approve, skip or send one planned message")
    actions = parser.add_subparsers(dest="communication_command", metavar="ACTION", parser_class=type(parser))
    actions.required = True
    for name, help_text, handler in (
        ("approve", "approve a message: it goes out on its day", run_approve),
        ("skip", "skip a message (cancelled; that step is not planned again)", run_skip),
        ("send", "send a message now (exactly once)", run_send),
    ):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("id", type=int, metavar="ID", help="the id of `export communications`")
        if name == "skip":
            action.add_argument("--reason", metavar="TEXT", required=True, help="why it is skipped")
        action.set_defaults(handler=handler)


def run_approve(args: argparse.Namespace) -> int:
    with session(args) as s:
        row = approve(session=s, communication_id=args.id, actor="cli")
        print(f"communication #{row.id} approved: it goes out on {row.scheduled_for}")
    return 0


def run_skip(args: argparse.Namespace) -> int:
    with session(args) as s:
        row = skip(session=s, communication_id=args.id, reason=args.reason, actor="cli")
        print(f"communication #{row.id} skipped: {row.skip_reason}")
    return 0


def run_send(args: argparse.Namespace) -> int:
    with session(args) as s:
        outcome = send_now(session=s, communication_id=args.id, actor="cli", today=business_today())
    if outcome.status == CommunicationStatus.SENT:
        print(f"communication #{outcome.communication_id} sent ({outcome.channel})")
        return 0
    print(
        f"error: communication #{outcome.communication_id} not sent ({outcome.status.value}): {outcome.error}",
        file=sys.stderr,
    )
    return 1
