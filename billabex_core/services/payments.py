"""Payments recorded by hand ("edit paid amount" is a payment entry, never an overwrite)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session

from billabex_core.clock import business_today
from billabex_core.errors import NotFoundError, ValidationError
from billabex_core.models import Document, DocumentKind, Payment, Source
from billabex_core.money import parse_amount
from billabex_core.services import audit
from billabex_core.services.status import recompute_account


def record_payment(
    *,
    session: Session,
    document_id: int,
    amount: Decimal | int | str,
    paid_on: date,
    actor: str,
    note: str | None = None,
    today: date | None = None,
) -> Payment:
    """Record a payment on a manual invoice (synced ones get theirs from the billing tool) and
    recompute the account's figures."""
    document = session.get(Document, document_id)
    if document is None:
        raise NotFoundError("document", document_id)
    if document.kind != DocumentKind.INVOICE:
        raise ValidationError("payments are recorded on invoices, not on credit notes", field="document")
    if document.source != Source.MANUAL:
        raise ValidationError(
            f"invoice {document.number} is synced from {document.source.value}: its payments come from there",
            field="document",
        )
    value = parse_amount(amount, currency=document.currency, field="amount")
    if value <= 0:
        raise ValidationError("a payment must be more than zero", field="amount")
    payment = Payment(
        account_id=document.account_id,
        document_id=document.id,
        amount=value,
        currency=document.currency,
        paid_on=paid_on,
        note=(note or "").strip()[:500] or None,
        created_by=actor,
    )
    session.add(payment)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="payment.recorded",
        entity="payment",
        entity_id=payment.id,
        account_id=document.account_id,
        document_id=document.id,
        number=document.number,
        amount=value,
        paid_on=paid_on,
        note=payment.note,
    )
    recompute_account(session=session, account_id=document.account_id, today=today or business_today())
    return payment
