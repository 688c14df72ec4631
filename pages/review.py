"""Review: check and correct what was read from a PDF, then validate it (or discard it)."""

from typing import Any

import streamlit as st

from billabex_core.domain.names import suggested_language
from billabex_core.models import LANGUAGES, ImportDraft
from billabex_core.services.batches import batch_queue, latest_batch_id, neighbours, validate_batch
from billabex_core.services.contacts import add_contact
from billabex_core.services.draft_review import DraftReview, FieldView, review_draft
from billabex_core.services.drafts import NEW_ACCOUNT, discard_draft, list_drafts, save_draft, validate_draft
from billabex_core.services.preview import field_boxes
from billabex_ui import call, current_user, label, md, money, require_login, today
from billabex_ui.i18n import t, tn
from billabex_ui.queue import BATCH, DRAFT, REPORT, queue_nav, show_report
from billabex_ui.review import check_text, field_groups, field_label, show_document, show_xml, warning_text


def show_validated(summary: dict[str, Any]) -> None:
    """What validation did, and the essential next step: a contact for the account."""
    key = "review.validated_created" if summary["account_created"] else "review.validated_matched"
    text = t(
        key,
        kind=label(summary["kind"]),
        number=md(summary["number"]),
        account=md(summary["account"]),
        balance=summary["balance"],
    )
    st.success(
        text + (" " + t("review.task_asks_contact") if summary["task"] else ""),
        icon=":material/check_circle:",
    )
    if summary.get("contact_added"):
        st.success(t("review.contact_added", contact=md(summary["contact_added"])), icon=":material/person:")
        return
    st.subheader(t("review.add_contact_for", account=md(summary["account"])))
    st.caption(t("review.contact_tip"))
    with st.form("validated_contact"):
        email = st.text_input(t("contact.email"), key="vc_email")
        name = st.text_input(t("contact.name"), key="vc_name", placeholder=t("review.name_placeholder"))
        language = st.selectbox(
            t("contact.language"),
            LANGUAGES,
            key="vc_language",
            index=LANGUAGES.index(summary.get("language") or "fr"),
            help=t("contact.language_help"),
        )
        if st.form_submit_button(t("review.add_contact"), type="primary"):
            contact = call(
                add_contact,
                account_id=summary["account_id"],
                email=email,
                name=name or None,
                language=language,
                actor=current_user(),
                today=today(),
            )
            if contact is not None:
                summary["contact_added"] = f"{contact.name} ({contact.email})"
                st.rerun()


def pick_draft(drafts: list[ImportDraft]) -> int:
    """The draft to review: the one the Upload page opened, else the oldest."""
    by_id = {d.id: d for d in drafts if d.id is not None}
    ids = list(by_id)
    wanted = st.session_state.get("review_draft_id")
    draft_id = st.selectbox(
        tn("review.waiting", len(drafts)),
        ids,
        index=ids.index(wanted) if wanted in ids else 0,
        format_func=lambda i: (
            f"#{i} · {by_id[i].file_name} · {label(by_id[i].kind, capitalize=False)} "
            f"{by_id[i].values.get('number') or '?'}"
        ),
    )
    st.session_state["review_draft_id"] = draft_id
    return draft_id


def field_key(draft: ImportDraft, name: str) -> str:
    return f"f_{draft.id}_{draft.version}_{name}"


def typed_values(saved: DraftReview) -> dict[str, str]:
    """What the person has typed in the form and not saved yet (the widgets' current values)."""
    draft = saved.draft
    typed = {}
    kind = st.session_state.get(field_key(draft, "kind"))
    if kind and kind != draft.kind.value:
        typed["kind"] = kind
    for f in saved.fields:
        value = st.session_state.get(field_key(draft, f.name))
        if value is not None and value != (f.value or ""):
            typed[f.name] = value
    return typed


def field_input(f: FieldView, spec_label: str, key: str) -> str:
    """One field: its value, a warning sign when it was read with low confidence, and what was read."""
    marker = ":material/warning: " if f.low_confidence else ""
    if f.extracted is None:
        detail = t("review.not_found")
    else:
        confidence = f"{f.confidence:.0%}"
        detail = (
            t("review.read_page", value=repr(f.extracted), confidence=confidence, page=f.page)
            if f.page
            else t("review.read", value=repr(f.extracted), confidence=confidence)
        )
    # the help tooltip reads markdown: what was read on the document is escaped
    return st.text_input(f"{marker}{spec_label}", value=f.value or "", help=md(detail), key=key)


def field_inputs(review: DraftReview) -> dict[str, str]:
    """The kind and every field, grouped; returns the form's values. Each edit reruns the page,
    so the checks below follow what is typed."""
    draft = review.draft
    kinds = ["invoice", "credit_note"]
    kind = st.radio(
        t("task.kind"),
        kinds,
        index=kinds.index(draft.kind.value),
        horizontal=True,
        format_func=label,
        key=field_key(draft, "kind"),
    )
    values = {"kind": kind}
    by_name = {f.name: f for f in review.fields}
    for title, specs in field_groups().items():
        st.markdown(f"**{title}**")
        for spec in specs:
            values[spec.name] = field_input(
                by_name[spec.name], field_label(spec), field_key(draft, spec.name)
            )
    return values


def pick_account(review: DraftReview) -> str:
    """The exact match, the similar names to confirm, or a new account from the customer fields."""
    st.markdown(t("review.account"))
    options: dict[str, str] = {}
    if review.account_match is not None:
        m = review.account_match
        options[str(m.account.id)] = t(
            "review.same", name=md(m.account.name), method=label(m.method, capitalize=False)
        )
    for s in review.suggestions:
        options.setdefault(
            str(s.account.id), t("review.similar", name=md(s.account.name), score=f"{s.score:.0f}")
        )
    options[NEW_ACCOUNT] = t("review.new_account")
    choice = st.radio(
        t("review.post_to"), list(options), format_func=options.__getitem__, key=f"acct_{review.draft.id}"
    )
    if review.credited_invoice is not None:
        st.info(
            t("review.credits", number=md(review.credited_invoice.number), id=review.credited_invoice.id),
            icon=":material/link:",
        )
    return choice


def show_checks(review: DraftReview) -> None:
    st.markdown(t("review.checks"))
    for check in review.checks:
        mark = (
            ":material/remove: "
            if check.skipped
            else ":material/warning: "
            if check.warning
            else ":material/check_circle: "
            if check.ok
            else ":material/cancel: "
        )
        st.markdown(mark + md(check_text(check)))


def paid_option(review: DraftReview) -> bool:
    """When the document says it is paid: record that payment at validation (ticked by default)."""
    if not review.paid:
        return False
    said = md(review.paid["text"])
    text = (
        t("review.record_paid_on", text=said, date=md(review.paid["paid_on"]))
        if review.paid.get("paid_on")
        else t("review.record_paid", text=said)
    )
    return st.checkbox(
        text,
        value=True,
        key=f"paid_{review.draft.id}",
    )


def show_banners(review: DraftReview) -> None:
    """What to know before validating: not our invoice, already paid, inferred values."""
    if review.seller_warning:
        st.warning(warning_text(review.seller_warning), icon=":material/domain:")
    for warning in review.warnings:
        st.warning(warning_text(warning), icon=":material/info:")


def validate(
    draft: ImportDraft,
    values: dict[str, str],
    account_choice: str,
    record_payment: bool,
    following: int | None,
) -> None:
    """Validate the draft as corrected; the next run shows what it did (``show_validated``), then
    ``following`` (the next draft of the batch, if any)."""
    outcome = call(
        validate_draft,
        draft_id=draft.id,
        values=values,
        account_id=account_choice,
        actor=current_user(),
        today=today(),
        version=draft.version,
        record_payment=record_payment,
    )
    if outcome is None:
        return
    account = outcome.account
    st.session_state["validated"] = {
        "kind": outcome.document.kind.value,
        "number": outcome.document.number,
        "account": account.name,
        "account_id": account.id,
        "account_created": outcome.account_created,
        "balance": money(account.outstanding_balance, account.currency),
        "task": outcome.task is not None,
        "language": account.language or suggested_language(account.country),
        "document_id": outcome.document.id,
    }
    st.session_state[DRAFT] = following
    st.rerun()


def discard(draft: ImportDraft, following: int | None) -> None:
    with st.expander(t("review.discard_title")):
        reason = st.text_input(t("review.discard_why"), key=f"discard_reason_{draft.id}")
        if not st.button(t("review.discard"), key=f"discard_{draft.id}"):
            return
        done = call(
            discard_draft,
            draft_id=draft.id,
            actor=current_user(),
            reason=reason or None,
            version=draft.version,
        )
        if done is not None:
            st.session_state[DRAFT] = following
            st.rerun()


def batch_in_review() -> int | None:
    """The batch Review walks: the one the Upload page opened, else this person's last batch."""
    if BATCH not in st.session_state:
        st.session_state[BATCH] = call(latest_batch_id, actor=current_user())
    batch_id: int | None = st.session_state[BATCH]
    return batch_id


def walk_queue(batch_id: int, queue: list[int], draft_id: int) -> None:
    """Previous / next in the batch, and "Validate all" with what it did."""
    target = queue_nav(queue, draft_id)
    if target is not None:
        st.session_state[DRAFT] = target
        st.rerun()
    if st.button(
        t("review.validate_all"),
        key="validate_all",
        help=t("review.validate_all_help"),
    ):
        report = call(validate_batch, batch_id=batch_id, actor=current_user(), today=today())
        if report is not None:
            st.session_state[REPORT] = (batch_id, report)
            st.session_state[DRAFT] = None
            st.rerun()


require_login()
st.title(t("nav.review"))
batch_id = batch_in_review()
if st.session_state.get(REPORT) and st.session_state[REPORT][0] == batch_id:
    show_report(st.session_state[REPORT][1])
if "validated" in st.session_state:
    show_validated(st.session_state["validated"])
    if st.button(t("review.next")):
        del st.session_state["validated"]
        st.rerun()
    st.stop()

drafts = call(list_drafts) or []
if not drafts:
    st.info(t("review.none"), icon=":material/inbox:")
    st.page_link("pages/upload.py", label=t("review.upload"), icon=":material/upload:")
    st.stop()

queue = (call(batch_queue, batch_id=batch_id) or []) if batch_id else []
if queue and st.session_state.get(DRAFT) not in {d.id for d in drafts}:
    st.session_state[DRAFT] = queue[0]  # the batch first
draft_id = pick_draft(drafts)
if queue:
    walk_queue(batch_id, queue, draft_id)
before, after = neighbours(queue, draft_id) if draft_id in queue else (None, None)
following = after or before
saved = call(review_draft, draft_id=draft_id)
if saved is None:
    st.stop()
typed = typed_values(saved)
review = (call(review_draft, draft_id=draft_id, values=typed) if typed else None) or saved
draft = review.draft
show_banners(review)

left, right = st.columns([1.4, 1], gap="large")
with left:
    if draft.extraction_source == "xml":
        show_xml(draft.sha256)
    else:
        show_document(draft.sha256, field_boxes(review.fields))
with right:
    values = field_inputs(review)
    account_choice = pick_account(review)
    record_payment = paid_option(review)
    show_checks(review)
    save, confirm = st.columns(2)
    saved_clicked = save.button(t("review.save"), key=f"save_{draft.id}")
    validated = confirm.button(t("review.validate"), type="primary", key=f"validate_{draft.id}")

if saved_clicked:
    kept = call(save_draft, draft_id=draft.id, values=values, actor=current_user(), version=draft.version)
    if kept is not None:
        st.toast(t("review.saved"))
        st.rerun()
if validated:
    validate(draft, values, account_choice, record_payment, following)

if review.duplicate is not None and st.button(t("review.open_existing", id=review.duplicate.id)):
    st.session_state["document_id"] = review.duplicate.id
    st.switch_page("pages/invoices.py")

discard(draft, following)
