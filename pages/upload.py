"""Upload: PDFs, XML e-invoices or ZIP archives of them → checked, extracted, kept as drafts.

One file that is not a ZIP is one draft, shown as before. Several files, or a ZIP, are one batch
(``services.batches``): each file's outcome is listed, and Review walks the batch's drafts.
"""

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from billabex_core.config import get_settings
from billabex_core.errors import BillabexError
from billabex_core.models import Document, ImportDraft
from billabex_core.services.archives import ZIP_MAGIC, BatchLimits, Incoming
from billabex_core.services.batches import BatchResult, import_batch
from billabex_core.services.imports import UploadOutcome, upload_pdf
from billabex_ui import current_user, label, require_login
from billabex_ui.queue import BATCH, DRAFT, item_line, open_batch, show_batch
from billabex_ui.review import attempt

SOURCES = {"facturx": "embedded e-invoice XML", "xml": "XML e-invoice", "text": "text layer", "ocr": "OCR"}
Outcome = UploadOutcome | BatchResult | BillabexError | None


def uploaded(files: list[UploadedFile]) -> list[tuple[str, Outcome]]:
    """Upload each file once: a rerun shows what its upload gave (or why it was refused). The
    files new in this run are one upload: one draft, or one batch."""
    done: dict[str, tuple[str, Outcome]] = st.session_state.setdefault("uploads", {})
    new = [f for f in files if f.file_id not in done]
    if len(new) == 1 and new[0].getvalue()[:4] not in ZIP_MAGIC:
        done[new[0].file_id] = (new[0].name, upload_one(new[0]))
    elif new:
        result = upload_batch(new)
        for f in new:
            done[f.file_id] = ("batch", None)
        done[new[0].file_id] = ("batch", result)
    return [done[f.file_id] for f in files if done[f.file_id][1] is not None]


def upload_one(file: UploadedFile) -> Outcome:
    with st.status(f"Reading {file.name}…", expanded=True) as status:
        st.write("Checking the file, then extracting the fields (a scanned PDF takes a few seconds).")
        out = attempt(upload_pdf, data=file.getvalue(), file_name=file.name, actor=current_user())
        if isinstance(out, UploadOutcome):
            status.update(label=f"{file.name} read", state="complete", expanded=False)
            st.session_state[BATCH] = None  # Review opens the draft just uploaded, no batch
            if out.draft is not None:
                st.session_state[DRAFT] = out.draft.id
        else:
            status.update(label=f"{file.name} was not imported", state="error")
    return out


def upload_batch(files: list[UploadedFile]) -> Outcome:
    with st.status(f"Reading {len(files)} upload(s)…", expanded=True) as status:
        out = attempt(
            import_batch,
            files=[Incoming(f.name, data=f.getvalue()) for f in files],
            actor=current_user(),
            progress=lambda item: st.markdown(item_line(item)),
        )
        if isinstance(out, BatchResult):
            status.update(label=f"{len(out.items)} file(s) read", state="complete", expanded=False)
            open_batch(out)
        else:
            status.update(label="The batch was not imported", state="error")
    return out


def show_document(doc: Document) -> None:
    st.info(
        f"This PDF was already imported: {label(doc.kind, capitalize=False)} **{doc.number}** "
        f"(document #{doc.id}). Nothing new was created.",
        icon="ℹ️",
    )
    if st.button("Open the document"):
        st.session_state["document_id"] = doc.id
        st.switch_page("pages/invoices.py")


def show_draft(draft: ImportDraft, *, existing: bool) -> None:
    if existing:
        st.info(f"This PDF is already waiting for review (draft #{draft.id}).", icon="ℹ️")
    else:
        source = SOURCES.get(draft.extraction_source or "", draft.extraction_source)
        st.success(
            f"Draft #{draft.id} created from the {source}: {label(draft.kind, capitalize=False)} "
            f"**{draft.values.get('number') or '(no number found)'}**.",
            icon="✅",
        )
    for warning in draft.warnings:
        st.warning(warning)
    if st.button("Review it now", type="primary"):
        st.session_state[BATCH] = None
        st.session_state[DRAFT] = draft.id
        st.switch_page("pages/review.py")


def show_result(name: str, out: Outcome) -> None:
    if isinstance(out, BillabexError):
        st.error(f"{name}: {out}. Nothing was stored.", icon="🚫")
    elif isinstance(out, BatchResult):
        show_batch(out)
        if out.first_draft_id is not None and st.button(
            "Review this batch", type="primary", key=f"batch_{out.batch_id}"
        ):
            open_batch(out)
            st.switch_page("pages/review.py")
    elif out is not None and out.document is not None:
        show_document(out.document)
    elif out is not None and out.draft is not None:
        show_draft(out.draft, existing=out.existing)


require_login()
st.title("Upload invoices and credit notes")
limits = BatchLimits()
st.caption(
    f"PDFs, XML e-invoices (UBL, CII) or ZIP archives of them, several at once, up to "
    f"{get_settings().max_upload_mb} MB each and {limits.max_files} files per batch. Factur-X / ZUGFeRD "
    "e-invoices and XML are read exactly; other PDFs from their text, scans by OCR. You review every field "
    "before anything is validated; e-invoices whose checks all pass can be validated together."
)

files = st.file_uploader(
    "Files (PDF, XML or ZIP)", type=["pdf", "xml", "zip"], accept_multiple_files=True, key="upload_file"
)
for name, out in uploaded(files or []):
    show_result(name, out)
