"""Promises to pay (domain.md §6b): a person records a customer's promise (amount, date) on an
invoice; its reminders wait until the promised date plus two business days of the customer
(``domain.plan.promise_resume_day``), then resume if it is still unpaid.

Outcomes, decided by the agent's daily pass (``settle_promises``): **kept** when the invoice is
paid, or when by the resume day the promised amount arrived; **broken** when the resume day came
and less arrived. A person may cancel a promise; a new promise on the same invoice replaces the
open one. Every step is in the audit log; the account shows each promise and its outcome.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from billabex_core.domain.business_days import supported
from billabex_core.domain.plan import promise_resume_day
from billabex_core.errors import NotFoundError, ValidationError
from billabex_core.messages import Template
from billabex_core.models import Account, Document, DocumentKind, Promise
from billabex_core.models.collection import PROMISE_OPEN
from billabex_core.money import format_money, parse_amount
from billabex_core.services import audit
from billabex_core.services.org import get_organisation

MAX_DAYS_AHEAD = 366
# A promise's outcome, stored in English; ``messages.read`` gives the account screen its code.
REPLACED = Template("promise.outcome.replaced", "replaced by a promise for {date}")
CANCELLED = Template("promise.outcome.cancelled", "cancelled by {actor}")
CANCELLED_BECAUSE = Template("promise.outcome.cancelled_because", "cancelled by {actor}: {reason}")
RECEIVED = Template("promise.outcome.received", "{received} of {amount} promised for {date} received")
RECEIVED_RESUMED = Template(
    "promise.outcome.received_resumed",
    "{received} of {amount} promised for {date} received; reminders resumed",
)


def _open_invoice(session: Session, document_id: int) -> Document:
    document = session.get(Document, document_id)
    if document is None or document.kind != DocumentKind.INVOICE:
        raise NotFoundError("invoice", document_id)
    if document.remaining_amount <= 0:
        raise ValidationError(
            f"invoice {document.number} is paid: nothing to promise",
            field="document",
            code="promise.paid",
            params={"number": document.number},
        )
    return document


def _check_promise(
    document: Document, amount: Decimal | int | str, promised_for: date, today: date
) -> Decimal:
    """The promised amount: more than zero, at most what remains, due within a year."""
    value = parse_amount(amount, currency=document.currency, field="amount")
    if value <= 0 or value > document.remaining_amount:
        raise ValidationError(
            f"the promised amount must be more than zero and at most what remains "
            f"({format_money(document.remaining_amount, document.currency)})",
            field="amount",
            code="promise.amount",
            params={"remaining": document.remaining_amount, "currency": document.currency},
        )
    if not today <= promised_for <= today + timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError(
            "the promised date must be between today and a year from now", field="date", code="promise.date"
        )
    return value


def open_promise(*, session: Session, document_id: int) -> Promise | None:
    query = select(Promise).where(Promise.document_id == document_id, Promise.status == PROMISE_OPEN)
    return session.exec(query.order_by(col(Promise.id).desc())).first()


def record_promise(
    *,
    session: Session,
    document_id: int,
    amount: Decimal | int | str,
    promised_for: date,
    actor: str,
    today: date,
    note: str | None = None,
) -> Promise:
    """Record the customer's promise to pay ``amount`` by ``promised_for`` on an open invoice."""
    document = _open_invoice(session, document_id)
    value = _check_promise(document, amount, promised_for, today)
    account = session.get(Account, document.account_id)
    country = (
        account.country
        if account and supported(account.country)
        else get_organisation(session=session).country
    )
    previous = open_promise(session=session, document_id=document_id)
    if previous is not None:
        previous.status, previous.outcome_on = "replaced", today
        previous.outcome = REPLACED.format(date=promised_for.isoformat())
    promise = Promise(
        document_id=document_id,
        account_id=document.account_id,
        amount=value,
        currency=document.currency,
        promised_for=promised_for,
        resume_on=promise_resume_day(promised_for, country or "FR"),
        remaining_at_promise=document.remaining_amount,
        note=(note or "").strip()[:500] or None,
        recorded_by=actor,
    )
    session.add(promise)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="promise.recorded",
        entity="promise",
        entity_id=promise.id,
        account_id=document.account_id,
        document_id=document_id,
        number=document.number,
        amount=value,
        promised_for=promised_for,
        resume_on=promise.resume_on,
        replaces=previous.id if previous else None,
    )
    return promise


def cancel_promise(
    *, session: Session, promise_id: int, actor: str, today: date, reason: str = ""
) -> Promise:
    promise = session.get(Promise, promise_id)
    if promise is None:
        raise NotFoundError("promise", promise_id)
    if promise.status != PROMISE_OPEN:
        raise ValidationError(
            f"this promise is {promise.status} already",
            field="promise",
            code="promise.closed",
            params={"status": promise.status},
        )
    promise.status, promise.outcome_on = "cancelled", today
    promise.outcome = (
        CANCELLED_BECAUSE.format(actor=actor, reason=reason.strip())
        if reason.strip()
        else CANCELLED.format(actor=actor)
    )
    audit.record(
        session=session,
        actor=actor,
        action="promise.cancelled",
        entity="promise",
        entity_id=promise.id,
        account_id=promise.account_id,
        document_id=promise.document_id,
        reason=reason.strip() or None,
    )
    return promise


def settle_promises(*, session: Session, today: date) -> int:
    """Decide the outcome of the open promises whose invoice is paid or whose resume day came."""
    settled = 0
    for promise in session.exec(select(Promise).where(Promise.status == PROMISE_OPEN)).all():
        document = session.get(Document, promise.document_id)
        if document is None:
            continue
        paid = document.remaining_amount <= 0
        if not paid and today < promise.resume_on:
            continue
        received = promise.remaining_at_promise - max(document.remaining_amount, Decimal(0))
        kept = paid or received >= promise.amount
        promise.status, promise.outcome_on = ("kept" if kept else "broken"), today
        promise.outcome = (RECEIVED if paid else RECEIVED_RESUMED).format(
            received=format_money(received, promise.currency),
            amount=format_money(promise.amount, promise.currency),
            date=promise.promised_for.isoformat(),
        )
        audit.record(
            session=session,
            actor=audit.AGENT,
            action=f"promise.{promise.status}",
            entity="promise",
            entity_id=promise.id,
            account_id=promise.account_id,
            document_id=promise.document_id,
            received=received,
            promised=promise.amount,
        )
        settled += 1
    return settled
