"""Validated manual documents: the checks, the one transaction that stores them, and the hooks.

``create_manual_document`` is what validating a reviewed draft ends in (and what the CLI
``import --validate`` does): checks, duplicate refusal, the document (immutable from then on),
the prepayment printed on it, credit allocation, statuses and the agent's missing-contact task.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, select

from billabex_core import task_subjects as subjects
from billabex_core.db.types import utcnow
from billabex_core.errors import DuplicateDocumentError, ValidationError
from billabex_core.models import Account, Document, DocumentKind, Payment, Source, Task, TaskKind
from billabex_core.money import check_currency, parse_money
from billabex_core.services import audit, credits, tasks
from billabex_core.services.status import recompute_account


@dataclass(frozen=True)
class DocumentInput:
    kind: DocumentKind
    number: str
    issue_date: date
    due_date: date
    currency: str
    total_excl_tax: Decimal | None
    tax_amount: Decimal | None
    total_incl_tax: Decimal
    amount_due: Decimal | None = None
    credited_invoice_number: str | None = None
    prepayment_label: str = "Prepayment printed on the document"


def check_document(data: DocumentInput) -> DocumentInput:
    """The checks of domain.md §2 / Review screen; raise the first failure with its field."""
    number = " ".join((data.number or "").split())
    if not number:
        raise ValidationError("the document number is required", field="number", code="required")
    currency = check_currency(data.currency)
    incl = parse_money(data.total_incl_tax, field="total_incl_tax", currency=currency)
    excl = (
        parse_money(data.total_excl_tax, field="total_excl_tax", currency=currency)
        if data.total_excl_tax is not None
        else None
    )
    tax = (
        parse_money(data.tax_amount, field="tax_amount", currency=currency)
        if data.tax_amount is not None
        else None
    )
    if excl is not None and tax is not None and excl + tax != incl:
        raise ValidationError(
            f"total excl. tax {excl} + tax {tax} = {excl + tax}, not the total incl. tax {incl}",
            field="total_incl_tax",
            code="document.totals",
            params={"excl": excl, "tax": tax, "sum": excl + tax, "incl": incl, "currency": currency},
        )
    if data.due_date < data.issue_date:
        raise ValidationError(
            f"due date {data.due_date} is before the issue date {data.issue_date}",
            field="due_date",
            code="document.due_before_issue",
            params={"due": data.due_date, "issue": data.issue_date},
        )
    due = (
        parse_money(data.amount_due, field="amount_due", currency=currency)
        if data.amount_due is not None
        else None
    )
    if due is not None and due > incl:
        raise ValidationError(
            f"amount due {due} is more than the total {incl}",
            field="amount_due",
            code="document.due_over_total",
            params={"due": due, "incl": incl, "currency": currency},
        )
    return DocumentInput(
        kind=DocumentKind(data.kind),
        number=number[:100],
        issue_date=data.issue_date,
        due_date=data.due_date,
        currency=currency,
        total_excl_tax=excl,
        tax_amount=tax,
        total_incl_tax=incl,
        amount_due=due,
        credited_invoice_number=(data.credited_invoice_number or "").strip() or None,
        prepayment_label=data.prepayment_label,
    )


def find_duplicate(*, session: Session, account_id: int, kind: DocumentKind, number: str) -> Document | None:
    return session.exec(
        select(Document).where(
            Document.account_id == account_id, Document.kind == kind, Document.number == number
        )
    ).first()


def duplicate_error(existing: Document) -> DuplicateDocumentError:
    label = "credit note" if existing.kind == DocumentKind.CREDIT_NOTE else "invoice"
    return DuplicateDocumentError(
        f"duplicate: {label} {existing.number} already exists for this account (document #{existing.id})",
        existing_id=existing.id,
        existing_kind=existing.kind.value,
        number=existing.number,
    )


@dataclass
class ValidationOutcome:
    document: Document
    account: Account
    account_created: bool
    task: Task | None
    credit_applied: Decimal


def create_manual_document(
    *,
    session: Session,
    account: Account,
    data: DocumentInput,
    actor: str,
    today: date,
    account_created: bool = False,
    file_sha256: str | None = None,
    file_name: str | None = None,
) -> ValidationOutcome:
    """Store one checked manual document on a stored account, then what follows from it:
    the prepayment printed on it, a currency-mismatch task, the account resumed if paused,
    credits applied, statuses recomputed and the missing-contact task when needed."""
    account_id = _stored_id(account)
    clean = check_document(data)
    existing = find_duplicate(session=session, account_id=account_id, kind=clean.kind, number=clean.number)
    if existing is not None:
        raise duplicate_error(existing)
    document = _insert_document(
        session, account_id, clean, actor=actor, file_sha256=file_sha256, file_name=file_name
    )
    _record_prepayment(session, document, clean, actor=actor)
    if clean.currency != account.currency:
        _open_currency_mismatch(session, account, clean, actor=actor)
    if account.paused:
        _resume(session, account, actor=actor)
    session.flush()
    applications = credits.apply_available_credit(
        session=session, account_id=account_id, today=today, actor=actor
    )
    refreshed = recompute_account(session=session, account_id=account_id, today=today)
    task = tasks.ensure_missing_contact_task(session=session, account=refreshed)
    return ValidationOutcome(
        document=document,
        account=refreshed,
        account_created=account_created,
        task=task,
        credit_applied=sum((a.amount for a in applications), Decimal("0.00")),
    )


def _stored_id(account: Account) -> int:
    if account.id is None:  # a caller bug, not a user's mistake
        raise ValueError("the account must be stored (flushed) before its documents")
    return account.id


def _insert_document(
    session: Session,
    account_id: int,
    clean: DocumentInput,
    *,
    actor: str,
    file_sha256: str | None,
    file_name: str | None,
) -> Document:
    """The document row, validated (immutable from now on), and its audit line."""
    credited = None
    if clean.kind == DocumentKind.CREDIT_NOTE and clean.credited_invoice_number:
        credited = find_duplicate(
            session=session,
            account_id=account_id,
            kind=DocumentKind.INVOICE,
            number=clean.credited_invoice_number,
        )
    document = Document(
        account_id=account_id,
        kind=clean.kind,
        number=clean.number,
        source=Source.MANUAL,
        file_sha256=file_sha256,
        file_name=file_name,
        issue_date=clean.issue_date,
        due_date=clean.due_date,
        currency=clean.currency,
        total_excl_tax=clean.total_excl_tax,
        tax_amount=clean.tax_amount,
        total_incl_tax=clean.total_incl_tax,
        remaining_amount=clean.total_incl_tax,
        credited_invoice_number=clean.credited_invoice_number,
        credited_invoice_id=credited.id if credited else None,
        validated_at=utcnow(),
        validated_by=actor,
    )
    session.add(document)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="document.validated",
        entity="document",
        entity_id=document.id,
        account_id=account_id,
        kind=clean.kind.value,
        number=clean.number,
        total=clean.total_incl_tax,
        currency=clean.currency,
    )
    return document


def _record_prepayment(session: Session, document: Document, clean: DocumentInput, *, actor: str) -> None:
    """An invoice whose amount due is below its total was partly paid before it was sent."""
    if clean.kind != DocumentKind.INVOICE or clean.amount_due is None:
        return
    prepaid = clean.total_incl_tax - clean.amount_due
    if prepaid <= 0:
        return
    session.add(
        Payment(
            account_id=document.account_id,
            document_id=document.id,
            amount=prepaid,
            currency=clean.currency,
            paid_on=clean.issue_date,
            note=clean.prepayment_label,
            created_by=actor,
        )
    )
    audit.record(
        session=session,
        actor=actor,
        action="payment.recorded",
        entity="document",
        entity_id=document.id,
        account_id=document.account_id,
        amount=prepaid,
        note=clean.prepayment_label,
    )


def _open_currency_mismatch(session: Session, account: Account, clean: DocumentInput, *, actor: str) -> None:
    """domain.md §5: a document in another currency than its account's is an anomaly a person
    must look at (it is left out of the balance and the reminders)."""
    label = clean.kind.value.replace("_", " ").capitalize()
    tasks.open_task(
        session=session,
        kind=TaskKind.ANOMALY,
        account_id=account.id,
        actor=actor,
        subject=subjects.CURRENCY_MISMATCH.format(name=account.name),
        message=(
            f"{label} {clean.number} is in {clean.currency}, the account in {account.currency}: it is not "
            "counted in the account's balance nor in its reminders. Check the document or the account's "
            "currency."
        ),
    )


def _resume(session: Session, account: Account, *, actor: str) -> None:
    """domain.md §6: a new document on a paused account resumes its follow-ups."""
    account.paused, account.paused_reason = False, None
    audit.record(
        session=session,
        actor=actor,
        action="account.resumed",
        entity="account",
        entity_id=account.id,
        account_id=account.id,
        reason="new document imported",
    )


def find_by_sha256(*, session: Session, sha256: str) -> Document | None:
    return session.exec(
        select(Document).where(Document.file_sha256 == sha256).order_by(col(Document.id))
    ).first()
