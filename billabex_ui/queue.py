"""The import queue on the Upload and Review screens (issue #15 point 4): what each file of a
batch became, the queue's previous/next buttons, and the report of "Validate all".

Session state: ``review_batch_id`` is the batch Review walks (None: no batch, only the draft
list); ``review_draft_id`` the draft it shows; ``batch_report`` what "Validate all" did.
"""

from __future__ import annotations

import streamlit as st

from billabex_core.services.batch_validation import FAILED, VALIDATED, DraftValidation
from billabex_core.services.batches import DUPLICATE, READ, BatchResult, ItemOutcome, neighbours
from billabex_ui.feedback import error_text, stored_text
from billabex_ui.format import label, md
from billabex_ui.i18n import t, tn
from billabex_ui.review import check_text

BATCH = "review_batch_id"
DRAFT = "review_draft_id"
REPORT = "batch_report"
ICONS = {READ: ":material/check_circle:", DUPLICATE: ":material/info:", "refused": ":material/block:"}


def item_line(item: ItemOutcome) -> str:
    """One file of a batch, one line: what it became, or why not."""
    if item.outcome == READ:
        number = md(item.number) if item.number else t("upload.no_number")
        what = t("queue.draft", id=item.draft_id, kind=label(item.kind, capitalize=False), number=number)
    else:
        what = stored_text(item.reason) if item.reason else md(item.outcome)
    return f"{ICONS.get(item.outcome, '•')} {md(item.file)} — {what}"


def show_batch(result: BatchResult) -> None:
    """The outcome of every file of a batch, with the counts first."""
    counts = {k: sum(i.outcome == k for i in result.items) for k in ICONS}
    st.markdown(
        t(
            "queue.batch",
            id=result.batch_id,
            files=tn("queue.files", len(result.items)),
            read=counts[READ],
            duplicates=counts[DUPLICATE],
            refused=counts["refused"],
        )
    )
    for item in result.items:
        st.markdown(item_line(item))


def open_batch(result: BatchResult) -> None:
    """Review walks this batch from its first draft."""
    st.session_state[BATCH] = result.batch_id
    if result.first_draft_id is not None:
        st.session_state[DRAFT] = result.first_draft_id


def queue_nav(queue: list[int], draft_id: int) -> int | None:
    """ "Draft k of n in this batch" with Previous / Next; the draft to open when one is clicked."""
    if draft_id not in queue:
        return None
    before, after = neighbours(queue, draft_id)
    where, back, forward = st.columns([3, 1, 1], vertical_alignment="center")
    where.markdown(
        t(
            "queue.position",
            id=st.session_state.get(BATCH),
            position=queue.index(draft_id) + 1,
            total=len(queue),
        )
    )
    if back.button(t("queue.previous"), key="queue_previous", disabled=before is None, width="stretch"):
        return before
    if forward.button(t("queue.next"), key="queue_next", disabled=after is None, width="stretch"):
        return after
    return None


REPORT_ICONS = {VALIDATED: ":material/check_circle:", FAILED: ":material/cancel:"}


def why_text(result: DraftValidation) -> str:
    """Why "Validate all" left a draft, in the user's language (markdown)."""
    if result.error is not None:
        return error_text(result.error)
    if result.checks:
        key = "queue.why.failed" if any(not c.ok for c in result.checks) else "queue.why.to_look_at"
        return t(key, checks="; ".join(md(check_text(c)) for c in result.checks))
    return stored_text(result.reason or "")


def show_report(report: list[DraftValidation]) -> None:
    """What "Validate all" did, document by document."""
    done = sum(r.outcome == VALIDATED for r in report)
    st.success(t("queue.validated_all", done=done, total=len(report)), icon=":material/check_circle:")
    for r in report:
        if r.outcome == VALIDATED:
            key = "queue.validated_new" if r.account_created else "queue.validated"
            line = t(key, file=md(r.file), number=md(r.number), id=r.document_id, account=md(r.account_name))
        else:
            line = f"{md(r.file)} — {label(r.outcome, capitalize=False)}: {why_text(r)}"
        st.markdown(f"{REPORT_ICONS.get(r.outcome, ':material/skip_next:')} {line}")
