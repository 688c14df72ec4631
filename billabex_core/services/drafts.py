"""Manual import, after the upload: list, correct, validate or discard pending drafts.

``save_draft`` / ``validate_draft`` / ``discard_draft`` take the draft's ``version`` as the
person saw it (optimistic locking), so two people reviewing the same draft cannot overwrite
each other. What the Review screen shows is ``services.draft_review``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from billabex_core.db.types import utcnow
from billabex_core.errors import ConflictError, NotFoundError
from billabex_core.models import Account, DocumentKind, DraftStatus, ImportDraft, Source
from billabex_core.services import audit
from billabex_core.services.accounts import create_account
from billabex_core.services.documents import ValidationOutcome, check_document, create_manual_document
from billabex_core.services.draft_values import (
    account_fields,
    bad_identifiers,
    clean_values,
    document_input,
    exact_account,
)
from billabex_core.services.org import get_organisation
from billabex_core.services.payments import record_payment

NEW_ACCOUNT = "new"


def list_drafts(*, session: Session, status: DraftStatus = DraftStatus.PENDING) -> list[ImportDraft]:
    query = select(ImportDraft).where(ImportDraft.status == status).order_by(col(ImportDraft.created_at))
    return list(session.exec(query))


def get_draft(*, session: Session, draft_id: int) -> ImportDraft:
    draft = session.get(ImportDraft, draft_id)
    if draft is None:
        raise NotFoundError("draft", draft_id)
    return draft


def save_draft(
    *, session: Session, draft_id: int, values: dict[str, Any], actor: str, version: int | None = None
) -> ImportDraft:
    """Keep a person's corrections; the audit line holds each changed field before and after."""
    draft = _locked_draft(session, draft_id, version)
    changes = clean_values(values)
    before = {k: draft.values.get(k) for k in changes if draft.values.get(k) != changes[k]}
    draft.values = {**draft.values, **changes}
    kind = changes.get("kind")
    if kind:
        draft.kind = DocumentKind(kind)
    draft.updated_at = utcnow()
    _flush(session, draft_id)
    if before:
        audit.record(
            session=session,
            actor=actor,
            action="draft.edited",
            entity="draft",
            entity_id=draft.id,
            before=before,
            after={k: changes[k] for k in before},
        )
    return draft


def validate_draft(
    *,
    session: Session,
    draft_id: int,
    actor: str,
    today: date,
    values: dict[str, Any] | None = None,
    account_id: int | str | None = None,
    version: int | None = None,
    record_payment: bool = False,
) -> ValidationOutcome:
    """One transaction: account created or matched, document created (immutable), credits applied,
    statuses recomputed, audit written, missing-contact task opened when needed.

    ``account_id``: an existing account the user confirmed, ``"new"`` to create one from the
    buyer fields, or None to take the exact match (SIREN → VAT → name) or else create one. A
    buyer SIREN or VAT number whose checksum fails never blocks: it matches nothing and a new
    account is created without it (the draft keeps it as printed; the audit line names it).
    ``record_payment``: the document says it is paid: what remains on the invoice is recorded
    as paid (on the stamp's date, else the issue date).
    """
    draft = _locked_draft(session, draft_id, version)
    if values:
        draft.values = {**draft.values, **clean_values(values)}
    terms = get_organisation(session=session).payment_terms_days
    data = check_document(document_input(draft.values, default_terms_days=terms))
    account, created = _resolve_account(session, draft.values, account_id, actor)
    outcome = create_manual_document(
        session=session,
        account=account,
        data=data,
        actor=actor,
        today=today,
        account_created=created,
        file_sha256=draft.sha256,
        file_name=draft.file_name,
    )
    if record_payment:
        _record_stated_payment(session, draft, outcome, actor=actor, today=today)
    draft.status, draft.document_id, draft.account_id = DraftStatus.VALIDATED, outcome.document.id, account.id
    draft.updated_at = utcnow()
    _flush(session, draft_id)
    audit.record(
        session=session,
        actor=actor,
        action="draft.validated",
        entity="draft",
        entity_id=draft.id,
        account_id=account.id,
        document_id=outcome.document.id,
        account_created=created,
        identifiers_not_used=bad_identifiers(draft.values) or None,
    )
    return outcome


def _record_stated_payment(
    session: Session, draft: ImportDraft, outcome: ValidationOutcome, *, actor: str, today: date
) -> None:
    """What remains on an invoice that says it is paid, recorded as a payment."""
    document = outcome.document
    if document.kind != DocumentKind.INVOICE or document.id is None or document.remaining_amount <= 0:
        return
    stamp = draft.extraction.get("paid") or {}
    paid_on = date.fromisoformat(stamp["paid_on"]) if stamp.get("paid_on") else document.issue_date or today
    record_payment(
        session=session,
        document_id=document.id,
        amount=document.remaining_amount,
        paid_on=min(paid_on, today),
        actor=actor,
        note=f"Paid as stated on the document ({stamp.get('text') or 'paid'})",
        today=today,
    )


def discard_draft(
    *, session: Session, draft_id: int, actor: str, reason: str | None = None, version: int | None = None
) -> ImportDraft:
    draft = _locked_draft(session, draft_id, version)
    draft.status = DraftStatus.DISCARDED
    draft.updated_at = utcnow()
    _flush(session, draft_id)
    audit.record(
        session=session,
        actor=actor,
        action="draft.discarded",
        entity="draft",
        entity_id=draft.id,
        file=draft.file_name,
        reason=reason,
    )
    return draft


def _locked_draft(session: Session, draft_id: int, version: int | None) -> ImportDraft:
    draft = get_draft(session=session, draft_id=draft_id)
    if draft.status != DraftStatus.PENDING:
        raise ConflictError(
            f"draft {draft_id} is already {draft.status.value}",
            code="draft.closed",
            params={"draft": draft_id, "status": draft.status.value},
        )
    if version is not None and draft.version != version:
        raise ConflictError(
            f"draft {draft_id} was changed by someone else since you opened it: reload it to see their changes",
            code="draft.changed",
            params={"draft": draft_id},
        )
    return draft


def _flush(session: Session, draft_id: int) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise ConflictError(
            f"draft {draft_id} was changed by someone else at the same time: reload it",
            code="draft.changed_now",
            params={"draft": draft_id},
        ) from None


def _resolve_account(
    session: Session, values: dict[str, Any], choice: int | str | None, actor: str
) -> tuple[Account, bool]:
    """The account the person chose, else the exact match, else a new one: (account, created)."""
    if choice is not None and choice not in (NEW_ACCOUNT, ""):
        account = session.get(Account, int(choice))
        if account is None:
            raise NotFoundError("account", choice)
        return account, False
    if choice is None:
        match = exact_account(session=session, values=values)
        if match is not None:
            return match.account, False
    return create_account(session=session, actor=actor, source=Source.MANUAL, **account_fields(values)), True
