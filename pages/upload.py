"""Upload: one PDF → checked, extracted, kept as a draft for review."""

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from billabex_core.config import get_settings
from billabex_core.errors import BillabexError
from billabex_core.models import Document, ImportDraft
from billabex_core.services.imports import UploadOutcome, upload_pdf
from billabex_ui import current_user, label, require_login
from billabex_ui.review import attempt

SOURCES = {"facturx": "embedded e-invoice XML", "text": "text layer", "ocr": "OCR"}


def uploaded(file: UploadedFile) -> UploadOutcome | BillabexError | None:
    """Upload each file once: a rerun shows what its upload gave (or why it was refused)."""
    done = st.session_state.setdefault("uploads", {})
    if file.file_id not in done:
        with st.status(f"Reading {file.name}…", expanded=True) as status:
            st.write("Checking the file, then extracting the fields (a scanned PDF takes a few seconds).")
            out = attempt(upload_pdf, data=file.getvalue(), file_name=file.name, actor=current_user())
            if isinstance(out, UploadOutcome):
                status.update(label=f"{file.name} read", state="complete", expanded=False)
                if out.draft is not None:  # Review opens the draft just uploaded
                    st.session_state["review_draft_id"] = out.draft.id
            else:
                status.update(label=f"{file.name} was not imported", state="error")
        done[file.file_id] = out
    return done[file.file_id]


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
        st.session_state["review_draft_id"] = draft.id
        st.switch_page("pages/review.py")


require_login()
st.title("Upload an invoice or credit note")
st.caption(
    f"One PDF at a time, up to {get_settings().max_upload_mb} MB. Factur-X / ZUGFeRD e-invoices are read "
    "exactly; other PDFs from their text, scans by OCR. You review every field before anything is validated."
)

file = st.file_uploader("PDF file", type=["pdf"], accept_multiple_files=False, key="upload_file")
if file is not None:
    out = uploaded(file)
    if isinstance(out, BillabexError):
        st.error(f"{file.name}: {out}. Nothing was stored.", icon="🚫")
    elif out is not None and out.document is not None:
        show_document(out.document)
    elif out is not None and out.draft is not None:
        show_draft(out.draft, existing=out.existing)
