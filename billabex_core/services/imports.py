"""Manual import (domain.md §2): upload → draft → review → validate (or discard).

- ``upload_pdf``: size and PDF checks before anything is stored; the same bytes lead back to the
  existing draft or document; otherwise the file is stored by SHA-256, extracted, and kept as a
  pending draft. A rejected file leaves nothing behind but an audit line.
- ``review_draft``: what the Review screen shows: fields with confidence and position, the
  checks, the account suggestions, the credited invoice, the duplicate if any.
- ``save_draft`` / ``validate_draft`` / ``discard_draft``: optimistic locking on the draft's
  version, so two people reviewing the same draft cannot overwrite each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from billabex_core.config import get_settings
from billabex_core.db.types import utcnow
from billabex_core.errors import (
    ConflictError,
    ExtractionError,
    NotFoundError,
    ValidationError,
)
from billabex_core.extraction import FIELD_NAMES, OrgIdentity, extract, sniff_pdf
from billabex_core.models import Account, Document, DocumentKind, DraftStatus, ImportDraft, Source
from billabex_core.services import audit
from billabex_core.services.accounts import AccountMatch, create_account, match_account, suggest_accounts
from billabex_core.services.documents import (
    DocumentInput,
    ValidationOutcome,
    check_document,
    create_manual_document,
    duplicate_error,
    find_by_sha256,
    find_duplicate,
)
from billabex_core.services.files import sha256_of, store_pdf
from billabex_core.services.org import get_organisation

EDITABLE = ("kind", *FIELD_NAMES)
LOW_CONFIDENCE = 0.6
NEW_ACCOUNT = "new"


@dataclass
class UploadOutcome:
    draft: ImportDraft | None = None
    document: Document | None = None
    existing: bool = False  # the same bytes were uploaded before
    error: str | None = None  # the file was refused (only an audit line was written)


def upload_pdf(
    *, session: Session, data: bytes, file_name: str, actor: str, mode: str = "auto"
) -> UploadOutcome:
    name = (file_name or "upload.pdf").replace("/", "_")[-300:]
    limit = get_settings().max_upload_bytes
    try:
        if len(data) > limit:
            raise ValidationError(
                f"{name} is {len(data) / 1e6:.1f} MB: the limit is {limit // (1024 * 1024)} MB"
            )
        digest = sha256_of(data)
        known = find_by_sha256(session=session, sha256=digest)
        if known is not None:
            return UploadOutcome(document=known, existing=True)
        draft = session.exec(select(ImportDraft).where(ImportDraft.sha256 == digest)).first()
        if draft is not None and draft.status != DraftStatus.DISCARDED:
            return UploadOutcome(draft=draft, existing=True)
        sniff_pdf(data)
        org = get_organisation(session=session)
        result = extract(
            data, org=OrgIdentity(name=org.name or None, vat=org.vat, siren=org.siren), mode=mode
        )  # type: ignore[arg-type]
    except (ExtractionError, ValidationError) as exc:
        audit.record(
            session=session, actor=actor, action="upload.rejected", entity="draft", file=name, reason=str(exc)
        )
        return UploadOutcome(error=str(exc))
    store_pdf(data)
    contract = result.to_contract()
    values = {name_: info["value"] for name_, info in contract["fields"].items()}
    values["kind"] = contract["kind"]
    if draft is None:
        draft = ImportDraft(sha256=digest, file_name=name, created_by=actor)
        session.add(draft)
    draft.file_name, draft.file_size, draft.status = name, len(data), DraftStatus.PENDING
    draft.kind = DocumentKind(contract["kind"])
    draft.extraction_source, draft.extraction = contract["source"], contract
    draft.values, draft.warnings = values, list(contract["warnings"])
    draft.updated_at = utcnow()
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="draft.created",
        entity="draft",
        entity_id=draft.id,
        file=name,
        sha256=digest,
        source=contract["source"],
    )
    return UploadOutcome(draft=draft)


def list_drafts(*, session: Session, status: DraftStatus = DraftStatus.PENDING) -> list[ImportDraft]:
    query = select(ImportDraft).where(ImportDraft.status == status).order_by(col(ImportDraft.created_at))
    return list(session.exec(query))


def get_draft(*, session: Session, draft_id: int) -> ImportDraft:
    draft = session.get(ImportDraft, draft_id)
    if draft is None:
        raise NotFoundError("draft", draft_id)
    return draft


# Review ------------------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    ok: bool
    message: str
    field: str | None = None


@dataclass
class FieldView:
    name: str
    value: str | None
    confidence: float
    page: int | None
    bbox: list[float] | None
    extracted: str | None

    @property
    def low_confidence(self) -> bool:
        return self.value is not None and self.confidence < LOW_CONFIDENCE


@dataclass
class DraftReview:
    draft: ImportDraft
    fields: list[FieldView]
    checks: list[Check]
    account_match: AccountMatch | None
    suggestions: list[AccountMatch]
    credited_invoice: Document | None
    duplicate: Document | None
    due_date_default: date | None
    warnings: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return all(c.ok for c in self.checks)


def _parse_date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(f"{name}: not a date (YYYY-MM-DD): {value!r}", field=name) from None


def _amount(value: str | None) -> Decimal | None:
    return Decimal(str(value).strip()) if value not in (None, "") else None


def document_input(values: dict[str, Any], *, default_terms_days: int) -> DocumentInput:
    """Turn the review form's strings into a ``DocumentInput`` (raises ``ValidationError``)."""
    kind = values.get("kind") or "invoice"
    if kind not in (DocumentKind.INVOICE.value, DocumentKind.CREDIT_NOTE.value):
        raise ValidationError(f"unknown kind {kind!r}", field="kind")
    issue = _parse_date(values.get("issue_date"), "issue_date")
    if issue is None:
        raise ValidationError("the issue date is required", field="issue_date")
    due = _parse_date(values.get("due_date"), "due_date") or issue + timedelta(days=default_terms_days)
    amounts = {}
    for name in ("total_excl_tax", "tax_amount", "total_incl_tax", "amount_due"):
        try:
            amounts[name] = _amount(values.get(name))
        except ArithmeticError:
            raise ValidationError(f"{name}: not an amount: {values.get(name)!r}", field=name) from None
    if amounts["total_incl_tax"] is None:
        raise ValidationError("the total incl. tax is required", field="total_incl_tax")
    return DocumentInput(
        kind=DocumentKind(kind),
        number=values.get("number") or "",
        issue_date=issue,
        due_date=due,
        currency=values.get("currency") or "",
        total_excl_tax=amounts["total_excl_tax"],
        tax_amount=amounts["tax_amount"],
        total_incl_tax=amounts["total_incl_tax"],  # type: ignore[arg-type]
        amount_due=amounts["amount_due"],
        credited_invoice_number=values.get("credited_invoice_number"),
        prepayment_label="Prepayment deducted on the document (amount due < total)",
    )


def _account_fields(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": values.get("buyer_name") or "",
        "address": values.get("buyer_address"),
        "country": values.get("buyer_country"),
        "currency": values.get("currency") or "EUR",
        "vat": values.get("buyer_vat"),
        "siren": values.get("buyer_siren"),
    }


def _checks(values: dict[str, Any], terms: int) -> tuple[list[Check], DocumentInput | None]:
    checks: list[Check] = []
    clean = None
    try:
        clean = check_document(document_input(values, default_terms_days=terms))
        checks.append(Check("document", True, "Number, dates, currency and totals are consistent"))
    except ValidationError as exc:
        checks.append(Check("document", False, str(exc), exc.field))
    try:
        from billabex_core.services.accounts import clean_account_fields

        clean_account_fields(**_account_fields(values))
        checks.append(Check("account", True, "Customer name, VAT, SIREN and country are valid"))
    except ValidationError as exc:
        checks.append(
            Check(
                "account", False, str(exc), {"name": "buyer_name"}.get(exc.field or "", f"buyer_{exc.field}")
            )
        )
    return checks, clean


def review_draft(*, session: Session, draft_id: int) -> DraftReview:
    draft = get_draft(session=session, draft_id=draft_id)
    org = get_organisation(session=session)
    values = draft.values
    extracted = draft.extraction.get("fields", {})
    fields = []
    for name in FIELD_NAMES:
        info = extracted.get(name) or {}
        fields.append(
            FieldView(
                name=name,
                value=values.get(name),
                confidence=float(info.get("confidence") or 0.0),
                page=info.get("page"),
                bbox=info.get("bbox"),
                extracted=info.get("value"),
            )
        )
    checks, clean = _checks(values, org.payment_terms_days)
    buyer = _account_fields(values)
    match = (
        match_account(
            session=session, name=buyer["name"], siren=buyer["siren"], vat=buyer["vat"], fuzzy=False
        )
        if buyer["name"] or buyer["siren"] or buyer["vat"]
        else None
    )
    suggestions = suggest_accounts(session=session, name=buyer["name"]) if buyer["name"] else []
    duplicate = credited = None
    if match is not None and clean is not None:
        duplicate = find_duplicate(
            session=session, account_id=match.account.id, kind=clean.kind, number=clean.number
        )  # type: ignore[arg-type]
        if duplicate is not None:
            checks.append(Check("duplicate", False, str(duplicate_error(duplicate)), "number"))
    if values.get("credited_invoice_number") and values.get("kind") == DocumentKind.CREDIT_NOTE.value:
        query = select(Document).where(
            Document.kind == DocumentKind.INVOICE, Document.number == values["credited_invoice_number"]
        )
        if match is not None:
            query = query.where(Document.account_id == match.account.id)
        credited = session.exec(query).first()
    warnings = list(draft.warnings)
    due_default = None
    if not values.get("due_date") and clean is not None:
        due_default = clean.due_date
        warnings.append(
            f"No due date found: it will be the issue date + {org.payment_terms_days} days ({due_default})."
        )
    return DraftReview(draft, fields, checks, match, suggestions, credited, duplicate, due_default, warnings)


def _clean_values(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"unknown fields: {', '.join(sorted(unknown))}")
    return {k: (str(v).strip() or None) if v is not None else None for k, v in values.items()}


def _locked_draft(session: Session, draft_id: int, version: int | None) -> ImportDraft:
    draft = get_draft(session=session, draft_id=draft_id)
    if draft.status != DraftStatus.PENDING:
        raise ConflictError(f"draft {draft_id} is already {draft.status.value}")
    if version is not None and draft.version != version:
        raise ConflictError(
            f"draft {draft_id} was changed by someone else since you opened it: reload it to see their changes"
        )
    return draft


def _flush(session: Session, draft_id: int) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise ConflictError(
            f"draft {draft_id} was changed by someone else at the same time: reload it"
        ) from None


def save_draft(
    *, session: Session, draft_id: int, values: dict[str, Any], actor: str, version: int | None = None
) -> ImportDraft:
    draft = _locked_draft(session, draft_id, version)
    changes = _clean_values(values)
    before = {k: draft.values.get(k) for k in changes if draft.values.get(k) != changes[k]}
    draft.values = {**draft.values, **changes}
    if changes.get("kind"):
        draft.kind = DocumentKind(changes["kind"])
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
) -> ValidationOutcome:
    """One transaction: account created or matched, document created (immutable), credits applied,
    statuses recomputed, audit written, missing-contact task opened when needed.

    ``account_id``: an existing account the user confirmed, ``"new"`` to create one from the
    buyer fields, or None to take the exact match (SIREN → VAT → name) or else create one.
    """
    draft = _locked_draft(session, draft_id, version)
    if values:
        draft.values = {**draft.values, **_clean_values(values)}
    org = get_organisation(session=session)
    data = document_input(draft.values, default_terms_days=org.payment_terms_days)
    check_document(data)
    buyer = _account_fields(draft.values)
    account, created = _resolve_account(session, buyer, account_id, actor)
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
    )
    return outcome


def _resolve_account(
    session: Session, buyer: dict[str, Any], choice: int | str | None, actor: str
) -> tuple[Account, bool]:
    if choice not in (None, NEW_ACCOUNT, ""):
        account = session.get(Account, int(choice))  # type: ignore[arg-type]
        if account is None:
            raise NotFoundError("account", choice)
        return account, False
    if choice is None:
        from billabex_core.money import normalise_siren, normalise_vat

        match = match_account(
            session=session,
            name=buyer["name"],
            siren=normalise_siren(buyer["siren"]),
            vat=normalise_vat(buyer["vat"]),
            fuzzy=False,
        )
        if match is not None:
            return match.account, False
    return create_account(session=session, actor=actor, source=Source.MANUAL, **buyer), True


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
