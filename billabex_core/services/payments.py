"""Payments recorded by hand ("edit paid amount" is a payment entry, never an overwrite).

A payment typed by hand is never edited nor deleted: a mistake is undone by a reversing entry
(the opposite amount, pointing to the payment it cancels; who, when and why are on it and in the
audit log), and statuses and balances follow. Synced documents are read-only: their payments come
from the billing tool, the truth for them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from billabex_core.clock import business_today
from billabex_core.errors import ConflictError, NotFoundError, ValidationError
from billabex_core.models import Document, DocumentKind, Payment, Source
from billabex_core.money import parse_amount
from billabex_core.services import audit
from billabex_core.services.status import recompute_account


def _payable_invoice(session: Session, document_id: int) -> Document:
    document = session.get(Document, document_id)
    if document is None:
        raise NotFoundError("document", document_id)
    if document.kind != DocumentKind.INVOICE:
        raise ValidationError(
            "payments are recorded on invoices, not on credit notes",
            field="document",
            code="payment.credit_note",
        )
    if document.source != Source.MANUAL:
        raise ValidationError(
            f"invoice {document.number} is synced from {document.source.value}: its payments come from there",
            field="document",
            code="payment.synced",
            params={"number": document.number, "source": document.source.value},
        )
    return document


def _check_amount(document: Document, amount: Decimal | int | str, confirm_overpayment: bool) -> Decimal:
    value = parse_amount(amount, currency=document.currency, field="amount")
    if value <= 0:
        raise ValidationError("a payment must be more than zero", field="amount", code="payment.not_positive")
    if value > document.remaining_amount and not confirm_overpayment:
        raise ValidationError(
            f"{value} {document.currency} is more than what remains ({document.remaining_amount}) on invoice "
            f"{document.number}: confirm the overpayment to record it",
            field="amount",
            code="payment.overpayment",
            params={
                "amount": value,
                "remaining": document.remaining_amount,
                "currency": document.currency,
                "number": document.number,
            },
        )
    return value


def record_payment(
    *,
    session: Session,
    document_id: int,
    amount: Decimal | int | str,
    paid_on: date,
    actor: str,
    note: str | None = None,
    today: date | None = None,
    confirm_overpayment: bool = False,
) -> Payment:
    """Record a payment on a manual invoice and recompute the account's figures.

    ``amount`` may be typed the French way ("1 234,56"). More than what remains on the invoice is
    refused unless ``confirm_overpayment`` says the person confirmed it."""
    document = _payable_invoice(session, document_id)
    value = _check_amount(document, amount, confirm_overpayment)
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
        overpayment=value > document.remaining_amount,
    )
    recompute_account(session=session, account_id=document.account_id, today=today or business_today())
    return payment


def _reversible_payment(session: Session, payment_id: int) -> Payment:
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise NotFoundError("payment", payment_id)
    if payment.reverses_id is not None:
        raise ValidationError(
            f"payment #{payment_id} is a reversing entry (of payment #{payment.reverses_id}): it cannot be reversed",
            field="payment",
            code="payment.is_reversal",
            params={"payment": payment_id, "original": payment.reverses_id},
        )
    if payment.source != Source.MANUAL:
        raise ValidationError(
            f"payment #{payment_id} is synced from {payment.source.value}: reverse it there",
            field="payment",
            code="payment.reverse_synced",
            params={"payment": payment_id, "source": payment.source.value},
        )
    done = session.exec(select(Payment).where(Payment.reverses_id == payment_id)).first()
    if done is not None:
        raise ConflictError(
            f"payment #{payment_id} was already reversed (entry #{done.id})",
            code="payment.reversed_already",
            params={"payment": payment_id},
        )
    return payment


def reverse_payment(
    *,
    session: Session,
    payment_id: int,
    actor: str,
    reason: str | None = None,
    today: date | None = None,
) -> Payment:
    """Cancel a payment typed by hand with a reversing entry dated ``today``; returns the entry.

    A payment is reversed at most once (the database holds that too); a reversing entry and a
    synced payment cannot be reversed."""
    payment = _reversible_payment(session, payment_id)
    day = today or business_today()
    why = (reason or "").strip()[:500] or None
    reversal = Payment(
        account_id=payment.account_id,
        document_id=payment.document_id,
        amount=-payment.amount,
        currency=payment.currency,
        paid_on=day,
        note=why,
        created_by=actor,
        reverses_id=payment_id,
    )
    session.add(reversal)
    try:
        session.flush()
    except IntegrityError:  # reversed at the same moment by someone else (uq_payment_reverses)
        session.rollback()  # the transaction is spoilt (PostgreSQL); nothing of it is kept
        raise ConflictError(
            f"payment #{payment_id} was already reversed",
            code="payment.reversed_already",
            params={"payment": payment_id},
        ) from None
    audit.record(
        session=session,
        actor=actor,
        action="payment.reversed",
        entity="payment",
        entity_id=payment_id,
        account_id=payment.account_id,
        document_id=payment.document_id,
        reversal_id=reversal.id,
        amount=payment.amount,
        reason=why,
    )
    recompute_account(session=session, account_id=payment.account_id, today=day)
    return reversal
