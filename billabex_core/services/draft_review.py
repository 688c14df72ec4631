"""What the Review screen shows for a draft: the fields as read and corrected, with confidence
and position; the checks validation will apply; the account it goes to, or suggestions; the
invoice a credit note credits; the duplicate, if any; whether the seller is not the
organisation; whether the document says it is paid.

``review_draft(values=...)`` computes all of it on the values being typed, before they are
saved, so the checks follow the form as it is edited. Warnings never block validation (a bad
identifier checksum, a seller that is not the organisation); failed checks do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, select

from billabex_core.domain.fields import FIELD_NAMES
from billabex_core.errors import BillabexError, ValidationError
from billabex_core.models import Document, DocumentKind, ImportDraft
from billabex_core.services.accounts import AccountMatch, clean_account_fields, suggest_accounts
from billabex_core.services.documents import DocumentInput, check_document, duplicate_error, find_duplicate
from billabex_core.services.draft_values import (
    account_fields,
    bad_identifiers,
    buyer_fields,
    clean_values,
    document_input,
    exact_account,
    identifier_warnings,
    seller_warning,
)
from billabex_core.services.drafts import get_draft
from billabex_core.services.org import get_organisation

LOW_CONFIDENCE = 0.6


@dataclass
class Check:
    name: str
    ok: bool
    message: str
    field: str | None = None
    warning: bool = False  # passes, but says something to look at
    skipped: bool = False  # an e-invoice rule that does not apply to this document
    title: str = ""  # an e-invoice rule's title and detail, as read (the screen words them)
    detail: str = ""
    wording: str | None = None  # a passed check the screens word (``review.check.<wording>``)
    error: BillabexError | None = None  # a failed check: the refusal, which the screens translate


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
    seller_warning: str | None = None
    paid: dict[str, Any] | None = None  # {"text": stamp as printed, "paid_on": YYYY-MM-DD or None}

    @property
    def ready(self) -> bool:
        return all(c.ok for c in self.checks)


def review_draft(*, session: Session, draft_id: int, values: dict[str, Any] | None = None) -> DraftReview:
    """The Review of a draft, on its saved values or on ``values`` being typed (not saved)."""
    draft = get_draft(session=session, draft_id=draft_id)
    org = get_organisation(session=session)
    terms = org.payment_terms_days
    values = {**draft.values, **clean_values(values)} if values else draft.values
    checks, clean = _checks(values, terms)
    checks += einvoice_checks(draft)
    mismatch = seller_warning(values, name=org.name or None, vat=org.vat, siren=org.siren)
    if mismatch:
        checks.append(Check("seller", True, mismatch, "seller_name", warning=True))
    match = exact_account(session=session, values=values)
    name = buyer_fields(values)["name"]
    suggestions = suggest_accounts(session=session, name=name) if name else []
    duplicate = _duplicate(session, match, clean)
    if duplicate is not None:
        refusal = duplicate_error(duplicate)
        checks.append(Check("duplicate", False, str(refusal), "number", error=refusal))
    warnings = list(draft.warnings)
    due_default = None
    if not values.get("due_date") and clean is not None:
        due_default = clean.due_date
        if clean.kind != DocumentKind.CREDIT_NOTE:  # a credit note is owed to nobody by a date
            warnings.append(f"No due date found: it will be the issue date + {terms} days ({due_default}).")
    return DraftReview(
        draft=draft,
        fields=_field_views(draft, values),
        checks=checks,
        account_match=match,
        suggestions=suggestions,
        credited_invoice=_credited_invoice(session, values, match),
        duplicate=duplicate,
        due_date_default=due_default,
        warnings=warnings,
        seller_warning=mismatch,
        paid=draft.extraction.get("paid"),
    )


def _field_views(draft: ImportDraft, values: dict[str, Any]) -> list[FieldView]:
    """Every field in the contract's order: the current value beside what extraction read."""
    extracted = draft.extraction.get("fields", {})
    views = []
    for name in FIELD_NAMES:
        info = extracted.get(name) or {}
        views.append(
            FieldView(
                name=name,
                value=values.get(name),
                confidence=float(info.get("confidence") or 0.0),
                page=info.get("page"),
                bbox=info.get("bbox"),
                extracted=info.get("value"),
            )
        )
    return views


def _checks(values: dict[str, Any], terms: int) -> tuple[list[Check], DocumentInput | None]:
    """The document and account checks of validation, each with the field it blames."""
    checks: list[Check] = []
    clean = None
    try:
        clean = check_document(document_input(values, default_terms_days=terms))
        checks.append(
            Check(
                "document", True, "Number, dates, currency and totals are consistent", wording="document_ok"
            )
        )
    except ValidationError as exc:
        checks.append(Check("document", False, str(exc), exc.field, error=exc))
    try:
        clean_account_fields(**account_fields(values))
        checks.append(
            Check("account", True, "Customer name, VAT, SIREN and country are valid", wording="account_ok")
        )
    except ValidationError as exc:
        blamed = f"buyer_{exc.field}" if exc.field else None
        checks.append(Check("account", False, str(exc), blamed, error=exc))
    for (name, _), message in zip(bad_identifiers(values).items(), identifier_warnings(values), strict=True):
        checks.append(Check("identifier", True, message, name, warning=True))
    return checks, clean


def einvoice_checks(draft: ImportDraft) -> list[Check]:
    """The checks of an e-invoice as read (XSD, EN 16931 totals): a failed one is a warning —
    the document stays importable after review, its check says why."""
    out = []
    for c in draft.extraction.get("checks") or []:
        message = f"{c['rule']} — {c['title']}: {c['detail']}"
        out.append(
            Check(
                c["rule"],
                True,
                message,
                warning=c["ok"] is False,
                skipped=c["ok"] is None,
                title=c["title"],
                detail=c["detail"],
            )
        )
    return out


def _duplicate(session: Session, match: AccountMatch | None, clean: DocumentInput | None) -> Document | None:
    """The existing document with the same identity on the matched account."""
    if match is None or clean is None or match.account.id is None:
        return None
    return find_duplicate(session=session, account_id=match.account.id, kind=clean.kind, number=clean.number)


def _credited_invoice(
    session: Session, values: dict[str, Any], match: AccountMatch | None
) -> Document | None:
    """The invoice a credit note names, on the matched account when there is one."""
    number = values.get("credited_invoice_number")
    if not number or values.get("kind") != DocumentKind.CREDIT_NOTE.value:
        return None
    query = select(Document).where(Document.kind == DocumentKind.INVOICE, Document.number == number)
    if match is not None:
        query = query.where(Document.account_id == match.account.id)
    return session.exec(query).first()
