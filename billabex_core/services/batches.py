"""Several documents at once (issue #15 point 4): a batch import, its queue, "Validate all".

``import_batch`` reads the files and ZIP archives of one upload (``services.archives``: limits,
ZIP entries streamed) and leads each file through the same per-file import as a single upload
(``imports.upload_pdf``: PDFs and XML e-invoices alike). Each file is its own transaction and
becomes one ``ImportBatchItem`` with its outcome:

- ``read``: a new pending draft;
- ``duplicate``: the same bytes are already a document (named) or a draft waiting for review
  (named; earlier in the same batch included) — nothing new is stored;
- ``refused``: the reason in one line (the file's own error, or a limit of the batch).

``batch_queue`` is the order Review walks: the drafts of the batch still pending.
``validate_batch`` validates, each in its own transaction, the e-invoices of the queue (source
``xml``, or XML embedded in a PDF) whose checks all pass, and says for every draft what it did.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from billabex_core.errors import BillabexError
from billabex_core.messages import Template
from billabex_core.models import (
    Document,
    DocumentKind,
    DraftStatus,
    ImportBatch,
    ImportBatchItem,
    ImportDraft,
)
from billabex_core.services import audit, imports
from billabex_core.services.archives import BatchLimits, Entry, Incoming, batch_entries
from billabex_core.services.batch_validation import DraftValidation, validate_queue
from billabex_core.services.isolated_worker import IsolatedWorker

log = logging.getLogger("billabex")
READ, DUPLICATE, REFUSED = "read", "duplicate", "refused"
MAX_SHOWN_NAME = 300
# Why a file is a duplicate, or was refused by a bug: stored in English (the CLI prints it), read
# back in the user's language by the Upload screen.
IN_REVIEW = Template(
    "upload.duplicate.draft", "duplicate: this file is already waiting for review (draft #{id})"
)
IMPORTED = {  # one per kind: the kind's words are not a parameter ("credit note" is two words)
    kind: Template(
        f"upload.duplicate.{kind.value}",
        f"duplicate: this file was already imported as {kind.value.replace('_', ' ')} {{number}} (document #{{id}})",
    )
    for kind in DocumentKind
}
UNEXPECTED = Template("upload.unexpected", "unexpected error ({kind})")


@dataclass(frozen=True)
class ItemOutcome:
    """What one file of a batch became (plain values: safe to keep once the session is gone)."""

    file: str
    outcome: str  # read | duplicate | refused
    reason: str | None = None
    draft_id: int | None = None
    document_id: int | None = None
    kind: str | None = None
    number: str | None = None

    @property
    def failed(self) -> bool:
        return self.outcome != READ


@dataclass(frozen=True)
class BatchResult:
    batch_id: int
    items: list[ItemOutcome]

    @property
    def first_draft_id(self) -> int | None:
        return next((i.draft_id for i in self.items if i.outcome == READ), None)


def import_batch(
    *,
    session: Session,
    files: Iterable[Incoming],
    actor: str,
    limits: BatchLimits | None = None,
    progress: Callable[[ItemOutcome], None] | None = None,
) -> BatchResult:
    """Import every file of ``files`` (ZIP archives opened), one transaction each."""
    batch = ImportBatch(created_by=actor)
    session.add(batch)
    session.commit()
    batch_id = batch.id
    assert batch_id is not None  # committed
    items: list[ItemOutcome] = []
    with IsolatedWorker() as worker:  # one child for the batch's PDFs, not two per file
        for position, entry in enumerate(batch_entries(files, limits)):
            items.append(_import_one(session, batch_id, position, entry, actor, worker))
            if progress is not None:
                progress(items[-1])
    stored = session.get(ImportBatch, batch_id)
    assert stored is not None
    stored.file_count = len(items)
    session.commit()
    return BatchResult(batch_id, items)


def _import_one(
    session: Session, batch_id: int, position: int, entry: Entry, actor: str, worker: IsolatedWorker
) -> ItemOutcome:
    """One file of the batch, its own transaction: the draft (or nothing) and its queue item."""
    item = _import_entry(session, entry, actor, worker)
    session.add(
        ImportBatchItem(
            batch_id=batch_id,
            position=position,
            file_name=item.file[-MAX_SHOWN_NAME:],
            outcome=item.outcome,
            reason=item.reason,
            draft_id=item.draft_id,
            document_id=item.document_id,
        )
    )
    session.commit()
    session.expunge_all()  # memory stays flat: nothing of a file is kept once it is done
    return item


def _import_entry(session: Session, entry: Entry, actor: str, worker: IsolatedWorker) -> ItemOutcome:
    if entry.refused is not None or entry.data is None:
        _audit_refusal(session, entry, actor)
        return ItemOutcome(entry.name, REFUSED, reason=entry.refused)
    try:
        out = imports.upload_pdf(
            session=session, data=entry.data, file_name=entry.base_name, actor=actor, worker=worker
        )
    except BillabexError as exc:  # the file's own error; its audit line is committed
        session.rollback()
        return ItemOutcome(entry.name, REFUSED, reason=str(exc))
    except Exception as exc:  # one broken file must not end the batch
        session.rollback()
        log.exception("unexpected error importing %s", entry.name)
        return ItemOutcome(entry.name, REFUSED, reason=UNEXPECTED.format(kind=type(exc).__name__))
    if out.document is not None:
        return _duplicate_document(entry.name, out.document)
    draft = out.draft
    assert draft is not None  # an upload leads to a document or a draft
    outcome = ItemOutcome(
        entry.name,
        DUPLICATE if out.existing else READ,
        reason=IN_REVIEW.format(id=draft.id) if out.existing else None,
        draft_id=draft.id,
        kind=draft.kind.value,
        number=draft.values.get("number"),
    )
    return outcome


def _duplicate_document(name: str, document: Document) -> ItemOutcome:
    return ItemOutcome(
        name,
        DUPLICATE,
        reason=IMPORTED[document.kind].format(number=document.number, id=document.id),
        document_id=document.id,
        kind=document.kind.value,
        number=document.number,
    )


def _audit_refusal(session: Session, entry: Entry, actor: str) -> None:
    audit.record(
        session=session,
        actor=actor,
        action="upload.rejected",
        entity="draft",
        file=imports.safe_file_name(entry.name),
        reason=entry.refused,
    )


def batch_items(*, session: Session, batch_id: int) -> list[ImportBatchItem]:
    """Every file of the batch, in the order it was read."""
    query = select(ImportBatchItem).where(ImportBatchItem.batch_id == batch_id)
    return list(session.exec(query.order_by(col(ImportBatchItem.position))))


def batch_queue(*, session: Session, batch_id: int) -> list[int]:
    """The drafts of the batch still waiting for review, in the batch's order, each once."""
    query = (
        select(ImportBatchItem.draft_id, ImportBatchItem.position)
        .join(ImportDraft, col(ImportDraft.id) == col(ImportBatchItem.draft_id))
        .where(ImportBatchItem.batch_id == batch_id, ImportDraft.status == DraftStatus.PENDING)
        .order_by(col(ImportBatchItem.position))
    )
    seen: dict[int, None] = {}
    for draft_id, _ in session.exec(query):
        if draft_id is not None:
            seen.setdefault(draft_id, None)
    return list(seen)


def neighbours(queue: list[int], draft_id: int) -> tuple[int | None, int | None]:
    """The previous and next drafts of ``draft_id`` in the queue (None at either end)."""
    if draft_id not in queue:
        return None, (queue[0] if queue else None)
    at = queue.index(draft_id)
    return (queue[at - 1] if at > 0 else None), (queue[at + 1] if at + 1 < len(queue) else None)


def latest_batch_id(*, session: Session, actor: str) -> int | None:
    """The last batch this person imported (Review's queue when the page opens on its own)."""
    query = select(ImportBatch.id).where(ImportBatch.created_by == actor)
    return session.exec(query.order_by(col(ImportBatch.id).desc())).first()


def validate_batch(*, session: Session, batch_id: int, actor: str, today: date) -> list[DraftValidation]:
    """ "Validate all" on the queue of the batch (``services.batch_validation``)."""
    return validate_queue(
        session=session, drafts=batch_queue(session=session, batch_id=batch_id), actor=actor, today=today
    )
