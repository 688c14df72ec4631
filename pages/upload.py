"""Upload: one PDF → stored, extracted, kept as a draft for review."""

import streamlit as st

from billabex_core.config import get_settings
from billabex_core.services.imports import upload_pdf
from billabex_ui import call, current_user, require_login

require_login()
st.title("Upload an invoice or credit note")
limit = get_settings().max_upload_mb
st.caption(
    f"One PDF at a time, up to {limit} MB. Factur-X / ZUGFeRD e-invoices are read exactly; other PDFs from "
    "their text, scans by OCR. You review every field before anything is validated."
)

file = st.file_uploader("PDF file", type=["pdf"], accept_multiple_files=False, key="upload_file")
if file is not None:
    done = st.session_state.setdefault("uploads", {})
    if file.file_id not in done:
        with st.status(f"Reading {file.name}…", expanded=True) as status:
            st.write("Checking the file, then extracting the fields (a scanned PDF takes a few seconds).")
            out = call(upload_pdf, data=file.getvalue(), file_name=file.name, actor=current_user())
            if out is None or out.error:
                status.update(label=f"{file.name} was not imported", state="error")
            else:
                status.update(label=f"{file.name} read", state="complete", expanded=False)
        done[file.file_id] = out
    out = done[file.file_id]
    if out is not None and out.error:
        st.error(f"{file.name}: {out.error}. Nothing was stored.", icon="🚫")
    elif out is not None and out.document is not None:
        doc = out.document
        st.info(
            f"This PDF was already imported: {doc.kind.value.replace('_', ' ')} **{doc.number}** "
            f"(document #{doc.id}). Nothing new was created.",
            icon="ℹ️",
        )
        if st.button("Open the document"):
            st.session_state["document_id"] = doc.id
            st.switch_page("pages/invoices.py")
    elif out is not None and out.draft is not None:
        draft = out.draft
        if out.existing:
            st.info(f"This PDF is already waiting for review (draft #{draft.id}).", icon="ℹ️")
        else:
            source = {"facturx": "embedded e-invoice XML", "text": "text layer", "ocr": "OCR"}.get(
                draft.extraction_source or "", draft.extraction_source
            )
            st.success(
                f"Draft #{draft.id} created from the {source}: {draft.kind.value.replace('_', ' ')} "
                f"**{draft.values.get('number') or '(no number found)'}**.",
                icon="✅",
            )
        for warning in draft.warnings:
            st.warning(warning)
        if st.button("Review it now", type="primary"):
            st.session_state["review_draft_id"] = draft.id
            st.switch_page("pages/review.py")
