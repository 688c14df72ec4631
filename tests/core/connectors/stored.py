"""What the sync stored for a provider's integration, in the shape the provider tests compare
with the provider's own state (Zoho Books and NetSuite sync tests)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from billabex_core.models import Account, Contact, Document, DocumentKind


def stored_state(session: Session, integration_id: int | None = None) -> dict[str, Any]:
    session.expire_all()
    mine = (lambda c: c == integration_id) if integration_id else (lambda c: col(c).is_not(None))
    accounts = list(session.exec(select(Account).where(mine(Account.integration_id))))
    docs = list(session.exec(select(Document).where(mine(Document.integration_id))))
    return {
        "accounts": {a.external_id: (a.name, a.currency) for a in accounts},
        "contacts": {
            c.external_id: c.email.lower()
            for c in session.exec(select(Contact))
            if c.account_id in {a.id for a in accounts}
        },
        "invoices": {
            d.external_id: (d.number, d.total_incl_tax, d.remaining_amount)
            for d in docs
            if d.kind == DocumentKind.INVOICE
        },
        "credit_notes": {
            d.external_id: (d.number, d.total_incl_tax, d.provider_remaining)
            for d in docs
            if d.kind == DocumentKind.CREDIT_NOTE
        },
        "balances": {a.external_id: a.outstanding_balance for a in accounts},
    }


def assert_stored_equals(
    session: Session, expected: dict[str, Any], integration_id: int | None = None
) -> None:
    """The sync stored the provider's ``expected`` state (accounts, contacts, documents, balances),
    and every synced invoice's settlement adds up (paid + credited = total - remaining)."""
    stored = stored_state(session, integration_id)
    for key in ("accounts", "contacts", "invoices", "credit_notes"):
        assert stored[key] == expected[key], key
    for customer, balance in stored["balances"].items():
        assert balance == expected["balances"].get(customer, Decimal("0.00")), customer
    for doc in session.exec(select(Document).where(Document.kind == DocumentKind.INVOICE)):
        if integration_id and doc.integration_id != integration_id:
            continue
        assert doc.paid_amount + doc.credited_amount == doc.total_incl_tax - doc.remaining_amount, doc.number
