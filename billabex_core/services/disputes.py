"""Disputes (domain.md §6b): a person marks an invoice disputed, with a reason. The invoice
leaves the reminders (the plan no longer lists it nor reminds it before its due date) and a
dispute task opens for the team. Resolving the dispute — here, or by closing its task on the
Tasks screen — puts the invoice back in the reminders. Every step is in the audit log.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from billabex_core import task_subjects as subjects
from billabex_core.db.types import utcnow
from billabex_core.errors import NotFoundError, ValidationError
from billabex_core.models import (
    OPEN_TASK_STATUSES,
    Account,
    Dispute,
    Document,
    DocumentKind,
    Task,
    TaskKind,
    TaskStatus,
)
from billabex_core.services import audit, tasks


def open_dispute_of(*, session: Session, document_id: int) -> Dispute | None:
    """The invoice's open dispute: not resolved and its task still open."""
    query = (
        select(Dispute)
        .join(Task, col(Task.id) == col(Dispute.task_id))
        .where(
            Dispute.document_id == document_id,
            col(Dispute.resolved_at).is_(None),
            col(Task.status).in_(OPEN_TASK_STATUSES),
        )
    )
    return session.exec(query).first()


def dispute_invoice(*, session: Session, document_id: int, reason: str, actor: str) -> Dispute:
    """Mark an invoice disputed: out of the reminders, and a dispute task for the team."""
    document = session.get(Document, document_id)
    if document is None or document.kind != DocumentKind.INVOICE:
        raise NotFoundError("invoice", document_id)
    text = (reason or "").strip()
    if not text:
        raise ValidationError("say why the invoice is disputed", field="reason", code="dispute.reason")
    if open_dispute_of(session=session, document_id=document_id) is not None:
        raise ValidationError(
            f"invoice {document.number} is already disputed",
            field="document",
            code="dispute.open",
            params={"number": document.number},
        )
    account = session.get(Account, document.account_id)
    name = account.name if account else f"account {document.account_id}"
    task = tasks.open_task(
        session=session,
        kind=TaskKind.DISPUTE,
        account_id=document.account_id,
        actor=actor,
        subject=subjects.DISPUTE.format(number=document.number, name=name),
        message=(
            f"{actor} marked invoice {document.number} disputed: {text}\n"
            "It is left out of the reminders until the dispute is resolved (Invoices → the invoice → "
            "Resolve the dispute, or close this task)."
        ),
    )
    dispute = Dispute(
        document_id=document_id, account_id=document.account_id, reason=text, task_id=task.id, opened_by=actor
    )
    session.add(dispute)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="dispute.opened",
        entity="dispute",
        entity_id=dispute.id,
        account_id=document.account_id,
        document_id=document_id,
        number=document.number,
        reason=text,
        task_id=task.id,
    )
    return dispute


def resolve_dispute(*, session: Session, dispute_id: int, actor: str, note: str = "") -> Dispute:
    """Resolve a dispute: the invoice is back in the reminders, its task closed."""
    dispute = session.get(Dispute, dispute_id)
    if dispute is None:
        raise NotFoundError("dispute", dispute_id)
    if dispute.resolved_at is not None:
        raise ValidationError("this dispute is resolved already", field="dispute", code="dispute.resolved")
    text = (note or "").strip()
    dispute.resolved_by, dispute.resolved_at, dispute.resolution = actor, utcnow(), text or None
    if dispute.task_id is not None:
        task = session.get(Task, dispute.task_id)
        if task is not None and task.status.is_open:
            tasks.set_status(
                session=session,
                task_id=dispute.task_id,
                status=TaskStatus.CLOSED,
                actor=actor,
                note="Dispute resolved" + (f": {text}" if text else "."),
            )
    audit.record(
        session=session,
        actor=actor,
        action="dispute.resolved",
        entity="dispute",
        entity_id=dispute.id,
        account_id=dispute.account_id,
        document_id=dispute.document_id,
        note=text or None,
    )
    return dispute
