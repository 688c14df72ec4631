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
from billabex_ui import current_user, label, md, require_login
from billabex_ui.feedback import error_text
from billabex_ui.i18n import t, tn
from billabex_ui.queue import BATCH, DRAFT, item_line, open_batch, show_batch
from billabex_ui.review import attempt, warning_text

SOURCES = ("facturx", "xml", "text", "ocr")  # → upload.source.*
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
    with st.status(t("upload.reading", name=md(file.name)), expanded=True) as status:
        st.write(t("upload.checking"))
        out = attempt(upload_pdf, data=file.getvalue(), file_name=file.name, actor=current_user())
        if isinstance(out, UploadOutcome):
            status.update(label=t("upload.read", name=md(file.name)), state="complete", expanded=False)
            st.session_state[BATCH] = None  # Review opens the draft just uploaded, no batch
            if out.draft is not None:
                st.session_state[DRAFT] = out.draft.id
        else:
            status.update(label=t("upload.not_imported", name=md(file.name)), state="error")
    return out


def upload_batch(files: list[UploadedFile]) -> Outcome:
    with st.status(tn("upload.reading_many", len(files)), expanded=True) as status:
        out = attempt(
            import_batch,
            files=[Incoming(f.name, data=f.getvalue()) for f in files],
            actor=current_user(),
            progress=lambda item: st.markdown(item_line(item)),
        )
        if isinstance(out, BatchResult):
            status.update(label=tn("upload.files_read", len(out.items)), state="complete", expanded=False)
            open_batch(out)
        else:
            status.update(label=t("upload.batch_not_imported"), state="error")
    return out


def show_document(doc: Document) -> None:
    st.info(
        t(
            "upload.already_imported",
            kind=label(doc.kind, capitalize=False),
            number=md(doc.number),
            id=doc.id,
        ),
        icon=":material/info:",
    )
    if st.button(t("upload.open_document")):
        st.session_state["document_id"] = doc.id
        st.switch_page("pages/invoices.py")


def show_draft(draft: ImportDraft, *, existing: bool) -> None:
    if existing:
        st.info(t("upload.already_waiting", id=draft.id), icon=":material/info:")
    else:
        code = draft.extraction_source or ""
        source = t(f"upload.source.{code}") if code in SOURCES else md(code)
        number = md(draft.values.get("number")) if draft.values.get("number") else t("upload.no_number")
        st.success(
            t(
                "upload.draft_created",
                id=draft.id,
                source=source,
                kind=label(draft.kind, capitalize=False),
                number=number,
            ),
            icon=":material/check_circle:",
        )
    for warning in draft.warnings:
        st.warning(warning_text(warning))
    if st.button(t("upload.review_now"), type="primary"):
        st.session_state[BATCH] = None
        st.session_state[DRAFT] = draft.id
        st.switch_page("pages/review.py")


def show_result(name: str, out: Outcome) -> None:
    if isinstance(out, BillabexError):
        st.error(t("upload.refused", name=md(name), error=error_text(out)), icon=":material/block:")
    elif isinstance(out, BatchResult):
        show_batch(out)
        if out.first_draft_id is not None and st.button(
            t("upload.review_batch"), type="primary", key=f"batch_{out.batch_id}"
        ):
            open_batch(out)
            st.switch_page("pages/review.py")
    elif out is not None and out.document is not None:
        show_document(out.document)
    elif out is not None and out.draft is not None:
        show_draft(out.draft, existing=out.existing)


require_login()
st.title(t("upload.title"))
limits = BatchLimits()
st.caption(t("upload.caption", mb=get_settings().max_upload_mb, files=limits.max_files))

files = st.file_uploader(
    t("upload.files"), type=["pdf", "xml", "zip"], accept_multiple_files=True, key="upload_file"
)
for name, out in uploaded(files or []):
    show_result(name, out)
