"""Credit note allocation (domain.md §4) for documents the tool owns (manual imports).

The order is the domain's (``domain.allocation``): the named invoice first, then the account's
open invoices oldest due date first; what is left stays on the credit note and goes to the next
invoice of the account. Each application is a stored ``CreditApplication`` row. Synced documents
are never re-allocated: the billing tool's own applications are stored as they are by the sync.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, func, select

from billabex_core.domain.allocation import OpenInvoice, allocate
from billabex_core.domain.statuses import ZERO, available_credit
from billabex_core.models import CreditApplication, Document, DocumentKind, Source
from billabex_core.services import audit
from billabex_core.services.status import recompute_account


def _applied(session: Session, note_id: int) -> Decimal:
    total = session.exec(
        select(func.sum(CreditApplication.amount)).where(CreditApplication.credit_note_id == note_id)
    ).one()
    return total or ZERO


def _open_invoices(session: Session, note: Document) -> dict[int, Document]:
    """Open manual invoices of the note's account and currency, by id."""
    query = select(Document).where(
        Document.account_id == note.account_id,
        Document.kind == DocumentKind.INVOICE,
        Document.currency == note.currency,
        Document.source == Source.MANUAL,
        col(Document.remaining_amount) > 0,
    )
    return {inv.id: inv for inv in session.exec(query) if inv.id is not None}


def allocate_credit_note(
    *, session: Session, note: Document, today: date, actor: str
) -> list[CreditApplication]:
    """Apply what is left of one manual credit note to the open invoices of its account."""
    if note.kind != DocumentKind.CREDIT_NOTE or note.source != Source.MANUAL or note.id is None:
        return []
    recompute_account(session=session, account_id=note.account_id, today=today)
    left = available_credit(
        total=note.total_incl_tax,
        applied=_applied(session, note.id),
        provider_remaining=note.provider_remaining,
    )
    invoices = _open_invoices(session, note)
    candidates = [
        OpenInvoice(i, inv.currency, inv.remaining_amount, inv.due_date, inv.issue_date)
        for i, inv in invoices.items()
    ]
    applications = []
    for share in allocate(left, note.currency, candidates, named_invoice_id=note.credited_invoice_id):
        invoice = invoices[share.invoice_id]
        application = CreditApplication(
            credit_note_id=note.id,
            invoice_id=share.invoice_id,
            amount=share.amount,
            applied_on=today,
            source=Source.MANUAL,
        )
        session.add(application)  # the figures follow from the recompute below, never by hand
        applications.append(application)
        audit.record(
            session=session,
            actor=actor,
            action="credit_note.applied",
            entity="document",
            entity_id=note.id,
            account_id=note.account_id,
            invoice_id=share.invoice_id,
            invoice_number=invoice.number,
            amount=share.amount,
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
