"""Credit note allocation (domain.md §4) for documents the tool owns (manual imports).

1. the invoice the credit note names, if it is open;
2. then the account's open invoices, oldest due date first;
3. what is left stays on the credit note and goes to the next invoice of the account.
Each application is a stored ``CreditApplication`` row. Synced documents are never
re-allocated: the billing tool's own applications are stored as they are by the sync engine.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, func, select

from billabex_core.models import ZERO, CreditApplication, Document, DocumentKind, Source
from billabex_core.services import audit
from billabex_core.services.status import available_credit, recompute_account


def _applied(session: Session, note_id: int) -> Decimal:
    total = session.exec(
        select(func.sum(CreditApplication.amount)).where(CreditApplication.credit_note_id == note_id)
    ).one()
    return total or ZERO


def _open_invoices(session: Session, note: Document) -> list[Document]:
    """Open manual invoices of the note's account and currency, oldest due date first."""
    query = (
        select(Document)
        .where(
            Document.account_id == note.account_id,
            Document.kind == DocumentKind.INVOICE,
            Document.currency == note.currency,
            Document.source == Source.MANUAL,
            col(Document.remaining_amount) > 0,
        )
        .order_by(col(Document.due_date).asc().nulls_last(), col(Document.issue_date), col(Document.id))
    )
    invoices = list(session.exec(query))
    named = [inv for inv in invoices if inv.id == note.credited_invoice_id]
    return named + [inv for inv in invoices if inv.id != note.credited_invoice_id]


def allocate_credit_note(
    *, session: Session, note: Document, today: date, actor: str
) -> list[CreditApplication]:
    """Apply what is left of one manual credit note to the open invoices of its account."""
    if note.kind != DocumentKind.CREDIT_NOTE or note.source != Source.MANUAL or note.id is None:
        return []
    recompute_account(session=session, account_id=note.account_id, today=today)
    left = available_credit(note, _applied(session, note.id))
    applications = []
    for invoice in _open_invoices(session, note):
        if left <= 0:
            break
        amount = min(left, invoice.remaining_amount)
        application = CreditApplication(
            credit_note_id=note.id,
            invoice_id=invoice.id,
            amount=amount,
            applied_on=today,
            source=Source.MANUAL,  # type: ignore[arg-type]
        )
        session.add(application)
        invoice.remaining_amount -= amount  # keep the in-memory figure right for the next note
        left -= amount
        applications.append(application)
        audit.record(
            session=session,
            actor=actor,
            action="credit_note.applied",
            entity="document",
            entity_id=note.id,
            account_id=note.account_id,
            invoice_id=invoice.id,
            invoice_number=invoice.number,
            amount=amount,
        )
    session.flush()
    recompute_account(session=session, account_id=note.account_id, today=today)
    return applications


def apply_available_credit(
    *, session: Session, account_id: int, today: date, actor: str
) -> list[CreditApplication]:
    """Apply every manual credit note of the account that still has credit, oldest first."""
    notes = session.exec(
        select(Document)
        .where(
            Document.account_id == account_id,
            Document.kind == DocumentKind.CREDIT_NOTE,
            Document.source == Source.MANUAL,
        )
        .order_by(col(Document.issue_date).asc().nulls_last(), col(Document.id))
    ).all()
    applications: list[CreditApplication] = []
    for note in notes:
        applications += allocate_credit_note(session=session, note=note, today=today, actor=actor)
    return applications
