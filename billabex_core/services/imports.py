"""Manual import, first step (domain.md §2): an uploaded PDF becomes a pending draft.

``upload_pdf`` checks the bytes once (``sniff_pdf``: size, PDF structure, pages), hashes them
once, and leads the same bytes back to their existing draft or document; otherwise it extracts
the fields, stores the file by SHA-256 and keeps the extraction as a pending draft.

A refused file raises its ``ExtractionError`` and leaves nothing behind but an audit line.
The review, correction and validation of drafts are in ``services.drafts`` and
``services.draft_review``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

from sqlmodel import Session, select

from billabex_core.db.types import utcnow
from billabex_core.errors import ExtractionError
from billabex_core.extraction import ExtractionResult, Mode, OrgIdentity, SniffedPdf
from billabex_core.models import Document, DocumentKind, DraftStatus, ImportDraft
from billabex_core.services import audit
from billabex_core.services.documents import find_by_sha256
from billabex_core.services.files import sha256_of, store_pdf
from billabex_core.services.isolated_worker import IsolatedWorker
from billabex_core.services.org import get_organisation

MAX_FILE_NAME = 300


@dataclass(frozen=True)
class UploadOutcome:
    """Where an accepted upload led: a new or existing draft, or the document it became."""

    draft: ImportDraft | None = None
    document: Document | None = None
    existing: bool = False  # the same bytes were uploaded before


def upload_pdf(
    *,
    session: Session,
    data: bytes,
    file_name: str,
    actor: str,
    mode: Mode = "auto",
    worker: IsolatedWorker | None = None,
) -> UploadOutcome:
    """Check, then recognise, then extract and keep one uploaded PDF (raises for a refused file).
    ``worker``: the isolated child a batch reuses for its PDFs (``services.isolated_worker``); a
    single upload has its own, so that its check and its extraction share one child."""
    if worker is None:
        with IsolatedWorker() as own:
            return upload_pdf(
                session=session, data=data, file_name=file_name, actor=actor, mode=mode, worker=own
            )
    name = safe_file_name(file_name)
    sniff, extract = worker.sniff, worker.extract
    try:
        pdf = sniff(data)  # hostile files are read in a child process (services.isolation)
    except ExtractionError as exc:
        _refuse(session, exc, file_name=name, actor=actor)
    digest = sha256_of(data)
    document = find_by_sha256(session=session, sha256=digest)
    if document is not None:
        return UploadOutcome(document=document, existing=True)
    draft = session.exec(select(ImportDraft).where(ImportDraft.sha256 == digest)).first()
    if draft is not None and draft.status != DraftStatus.DISCARDED:
        return UploadOutcome(draft=draft, existing=True)
    try:
        result = extract(pdf, org=_org_identity(session), mode=mode)
    except ExtractionError as exc:
        _refuse(session, exc, file_name=name, actor=actor)
    store_pdf(data, sha256=digest)
    draft = _keep_draft(session, draft, pdf, result, sha256=digest, file_name=name, actor=actor)
    return UploadOutcome(draft=draft)


def safe_file_name(file_name: str) -> str:
    """The name as stored and shown: slashes made harmless, at most the last ``MAX_FILE_NAME``
    characters."""
    return (file_name or "upload.pdf").replace("/", "_")[-MAX_FILE_NAME:]


def _refuse(session: Session, error: ExtractionError, *, file_name: str, actor: str) -> NoReturn:
    """Record the refusal, then raise it.

    The audit line is committed before the error is raised: the refusal is the whole outcome
    of the upload (nothing else was written), and the caller rolls back on the error.
    """
    audit.record(
        session=session,
        actor=actor,
        action="upload.rejected",
        entity="draft",
        file=file_name,
        reason=str(error),
    )
    session.commit()
    raise error


def _org_identity(session: Session) -> OrgIdentity:
    """Who the organisation is, so that extraction tells the seller (us) from the buyer."""
    org = get_organisation(session=session)
    return OrgIdentity(name=org.name or None, vat=org.vat, siren=org.siren)


def _keep_draft(
    session: Session,
    draft: ImportDraft | None,
    pdf: SniffedPdf,
    result: ExtractionResult,
    *,
    sha256: str,
    file_name: str,
    actor: str,
) -> ImportDraft:
    """A new pending draft, or the discarded draft of the same bytes made pending again."""
    contract = result.to_contract()
    values: dict[str, Any] = {name: info["value"] for name, info in contract["fields"].items()}
    values["kind"] = contract["kind"]
    if draft is None:
        draft = ImportDraft(sha256=sha256, file_name=file_name, created_by=actor)
        session.add(draft)
    draft.file_name, draft.file_size, draft.status = file_name, len(pdf.data), DraftStatus.PENDING
    draft.kind = DocumentKind(contract["kind"])
    stored = {**contract, "paid": result.paid.to_dict()} if result.paid else contract  # "it says it is paid"
    if result.checks:  # an e-invoice's XSD and EN 16931 checks, shown on Review
        stored = {**stored, "checks": [c.to_dict() for c in result.checks]}
    draft.extraction_source, draft.extraction = contract["source"], stored
    draft.values, draft.warnings = values, list(contract["warnings"])
    draft.updated_at = utcnow()
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="draft.created",
        entity="draft",
        entity_id=draft.id,
        file=file_name,
        sha256=sha256,
        source=contract["source"],
    )
    return draft
