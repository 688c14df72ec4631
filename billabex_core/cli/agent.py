"""``agent run [--today YYYY-MM-DD] [--send]``: the collection agent as of a day."""

from __future__ import annotations

import argparse
from datetime import date

from billabex_core.cli._common import db_url
from billabex_core.clock import business_today
from billabex_core.errors import ValidationError
from billabex_core.jobs.agent_run import run_agent


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("agent", help="the collection agent: statuses, tasks, follow-up plans, sending")
    actions = parser.add_subparsers(dest="agent_command", metavar="ACTION", parser_class=type(parser))
    actions.required = True
    run = actions.add_parser("run", help="recompute and plan as of a day; --send delivers what is due")
    run.add_argument("--today", metavar="YYYY-MM-DD", help="the day to run as (default: today)")
    run.add_argument(
        "--send", action="store_true", help="deliver the due communications (SMTP or the outbox)"
    )
    run.set_defaults(handler=handle_run)


def _day(text: str | None) -> date:
    if not text:
        return business_today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"--today: not a date (YYYY-MM-DD): {text}") from None


def handle_run(args: argparse.Namespace) -> int:
    report = run_agent(today=_day(args.today), send=args.send, url=db_url(args))
    print(
        f"agent run as of {report.today}: {report.accounts_recomputed} accounts recomputed, "
        f"{report.tasks_opened} tasks opened, {report.planned} communications planned, "
        f"{report.cancelled} cancelled"
        + (f", {report.sent} sent, {report.failed} failed, {report.bounced} bounced" if args.send else "")
        + f", {report.awaiting_approval} awaiting approval"
    )
    for error in report.errors:
        print(f"  failed: {error}")
    return 1 if report.errors or report.failed else 0  # a message failed: the run failed
