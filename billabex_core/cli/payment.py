"""``payment add DOCUMENT_ID AMOUNT [--date YYYY-MM-DD] [--note TEXT] [--yes]`` and
``payment reverse PAYMENT_ID [--reason TEXT]``: payments typed by hand on a manual invoice.

AMOUNT as ``500.00``, ``500,00`` or ``1 234,56`` (``money.parse_amount``); more than what remains
needs ``--yes``. A payment is undone by a reversing entry, never deleted."""

from __future__ import annotations

import argparse
from datetime import date

from billabex_core.cli._common import session
from billabex_core.clock import business_today
from billabex_core.errors import ValidationError
from billabex_core.money import format_money
from billabex_core.services.payments import record_payment, reverse_payment


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("payment", help="record or reverse a payment typed by hand")
    actions = parser.add_subparsers(dest="payment_command", metavar="ACTION", parser_class=type(parser))
    actions.required = True
    add = actions.add_parser("add", help="record a payment on a manual invoice")
    add.add_argument("document_id", type=int, metavar="DOCUMENT_ID", help="the id of `export invoices`")
    add.add_argument("amount", metavar="AMOUNT", help='"500.00", "500,00" or "1 234,56"')
    add.add_argument("--date", metavar="YYYY-MM-DD", help="the day it was paid (default: today)")
    add.add_argument("--note", metavar="TEXT", help="e.g. the bank transfer reference")
    add.add_argument("--yes", action="store_true", help="confirm a payment above what remains")
    add.set_defaults(handler=run_add)
    reverse = actions.add_parser("reverse", help="cancel a payment with a reversing entry")
    reverse.add_argument("payment_id", type=int, metavar="PAYMENT_ID", help="the id of `export payments`")
    reverse.add_argument("--reason", metavar="TEXT", help="why it is reversed")
    reverse.set_defaults(handler=run_reverse)


def _day(text: str | None) -> date:
    if not text:
        return business_today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"--date: not a date (YYYY-MM-DD): {text}", field="date") from None


def run_add(args: argparse.Namespace) -> int:
    paid_on = _day(args.date)
    with session(args) as s:
        try:
            payment = record_payment(
                session=s,
                document_id=args.document_id,
                amount=args.amount,
                paid_on=paid_on,
                actor="cli",
                note=args.note,
                today=business_today(),
                confirm_overpayment=args.yes,
            )
        except ValidationError as exc:
            if "confirm the overpayment" not in exc.message:
                raise
            raise ValidationError(
                exc.message.replace("confirm the overpayment", "confirm the overpayment with --yes"),
                field="amount",
            ) from None
        print(
            f"payment #{payment.id} recorded: {format_money(payment.amount, payment.currency)} on {payment.paid_on}"
        )
    return 0


def run_reverse(args: argparse.Namespace) -> int:
    with session(args) as s:
        reversal = reverse_payment(
            session=s, payment_id=args.payment_id, actor="cli", reason=args.reason, today=business_today()
        )
        print(
            f"payment #{args.payment_id} reversed by entry #{reversal.id}: "
            f"{format_money(reversal.amount, reversal.currency)}"
        )
    return 0
