""" "Validate all" (issue #15 point 4): the e-invoices of an import queue whose checks all pass,
validated in one action, each in its own transaction.

An e-invoice is a draft read from XML: a standalone UBL/CII file (source ``xml``) or the XML
embedded in a Factur-X/ZUGFeRD PDF (source ``facturx``). The other drafts were read from a
text layer or by OCR: a person checks them field by field. A draft is validated only when
nothing needs a person's eye: every check of Review passes without a warning (a warning — a
seller that is not the organisation, an identifier whose checksum fails — is something to look
at), and the account is the exact match or a new one with no similar name to confirm. The
account is decided as in a single validation (``drafts.validate_draft``: SIREN, then VAT, then
name); documents of one buyer land on one account because each validation is committed before
the next is matched. A draft that fails to validate is rolled back alone; the others go on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from billabex_core.errors import BillabexError
from billabex_core.messages import Template
from billabex_core.services.draft_review import Check, DraftReview, review_draft
from billabex_core.services.drafts import validate_draft

E_INVOICE_SOURCES = frozenset({"xml", "facturx"})
VALIDATED, SKIPPED, FAILED = "validated", "skipped", "failed"
# Why a draft is left to a person (English, the CLI's; a screen words it: ``messages.read``).
NOT_EINVOICE = Template(
    "queue.why.not_einvoice",
    "not an e-invoice (read from the PDF's text): review it and validate it yourself",
)
SIMILAR = Template(
    "queue.why.similar", "a similar account exists ({names}): choose it or a new one in Review"
)


@dataclass(frozen=True)
class DraftValidation:
    """What "Validate all" did with one draft of the queue."""

    draft_id: int
    file: str
    outcome: str  # validated | skipped | failed
    reason: str | None = None
    document_id: int | None = None
    checks: tuple[Check, ...] = ()  # skipped: the checks that failed, or else those that warn
    error: BillabexError | None = None  # failed: the refusal, which a screen translates
    number: str | None = None
    account_name: str | None = None
    account_created: bool = False


def validate_queue(*, session: Session, drafts: list[int], actor: str, today: date) -> list[DraftValidation]:
    """Validate the ready e-invoices among ``drafts``; one result per draft, in their order."""
    results = []
    for draft_id in drafts:
        results.append(_validate_one(session, draft_id, actor=actor, today=today))
        session.expunge_all()
    return results


def _validate_one(session: Session, draft_id: int, *, actor: str, today: date) -> DraftValidation:
    review = review_draft(session=session, draft_id=draft_id)
    draft = review.draft
    number = draft.values.get("number")
    reason = not_ready(review)
    if reason is not None:
        session.rollback()
        checks = tuple(c for c in review.checks if not c.ok) or tuple(c for c in review.checks if c.warning)
        return DraftValidation(draft_id, draft.file_name, SKIPPED, reason, number=number, checks=checks)
    try:
        outcome = validate_draft(
            session=session, draft_id=draft_id, actor=actor, today=today, version=draft.version
        )
        result = DraftValidation(
            draft_id,
            draft.file_name,
            VALIDATED,
            document_id=outcome.document.id,
            number=outcome.document.number,
            account_name=outcome.account.name,
            account_created=outcome.account_created,
        )
        session.commit()
    except BillabexError as exc:
        session.rollback()
        return DraftValidation(draft_id, draft.file_name, FAILED, str(exc), number=number, error=exc)
    return result


def not_ready(review: DraftReview) -> str | None:
    """Why this draft is not validated with the others, or None when it is ready."""
    if review.draft.extraction_source not in E_INVOICE_SOURCES:
        return NOT_EINVOICE.format()
    failed = [c.message for c in review.checks if not c.ok]
    if failed:
        return "checks failed: " + "; ".join(failed)
    warned = [c.message for c in review.checks if c.warning]
    if warned:
        return "to look at: " + "; ".join(warned)
    if review.account_match is None and review.suggestions:
        names = ", ".join(s.account.name for s in review.suggestions[:3])
        return SIMILAR.format(names=names)
    return None
