"""Credit note allocation order (domain.md §4), for documents the tool owns.

1. the invoice the credit note names, if it is open;
2. then the account's other open invoices in the note's currency, oldest due date first
   (no due date last, then issue date, then id);
3. what is left stays on the credit note as available credit.

Synced documents are never re-allocated: the billing tool's applications are the truth.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class OpenInvoice:
    id: int
    currency: str
    remaining: Decimal
    due_date: date | None
    issue_date: date | None = None


@dataclass(frozen=True)
class Allocation:
    invoice_id: int
    amount: Decimal


def allocation_order(invoices: Iterable[OpenInvoice], *, named_invoice_id: int | None) -> list[OpenInvoice]:
    """The order in which a credit note's credit goes to open invoices."""
    ordered = sorted(
        invoices,
        key=lambda i: (i.due_date is None, i.due_date or date.max, i.issue_date or date.max, i.id),
    )
    named = [i for i in ordered if i.id == named_invoice_id]
    return named + [i for i in ordered if i.id != named_invoice_id]


def allocate(
    credit: Decimal, currency: str, invoices: Sequence[OpenInvoice], *, named_invoice_id: int | None = None
) -> list[Allocation]:
    """Split ``credit`` over the open invoices of the same currency; never more than either side has."""
    left = credit
    out: list[Allocation] = []
    for invoice in allocation_order(invoices, named_invoice_id=named_invoice_id):
        if left <= 0:
            break
        if invoice.currency != currency or invoice.remaining <= 0:
            continue
        amount = min(left, invoice.remaining)
        out.append(Allocation(invoice.id, amount))
        left -= amount
    return out
