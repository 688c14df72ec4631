"""Review: check and correct what was read from a PDF, then validate it (or discard it)."""

import streamlit as st

from billabex_core.domain.names import suggested_language
from billabex_core.errors import BillabexError
from billabex_core.models import LANGUAGES
from billabex_core.services.contacts import add_contact
from billabex_core.services.imports import (
    NEW_ACCOUNT,
    discard_draft,
    list_drafts,
    review_draft,
    save_draft,
    validate_draft,
)
from billabex_core.services.preview import MAX_PREVIEW_PAGES, Box, page_count, render_page
from billabex_ui import call, current_user, money, require_login, show_error, today

require_login()

LABELS = {
    "number": "Number",
    "issue_date": "Issue date (YYYY-MM-DD)",
    "due_date": "Due date (YYYY-MM-DD)",
    "currency": "Currency (ISO, e.g. EUR)",
    "total_excl_tax": "Total excl. tax",
    "tax_amount": "Tax",
    "total_incl_tax": "Total incl. tax",
    "amount_due": "Amount due (after prepayment)",
    "credited_invoice_number": "Credited invoice number",
    "buyer_name": "Customer name",
    "buyer_address": "Customer address",
    "buyer_country": "Customer country (ISO, e.g. FR)",
    "buyer_vat": "Customer VAT number",
    "buyer_siren": "Customer SIREN",
    "seller_name": "Seller name",
    "seller_vat": "Seller VAT number",
    "seller_siren": "Seller SIREN",
}
GROUPS = {
    "Document": [
        "number",
        "issue_date",
        "due_date",
        "currency",
        "total_excl_tax",
        "tax_amount",
        "total_incl_tax",
        "amount_due",
        "credited_invoice_number",
    ],
    "Customer (the account)": ["buyer_name", "buyer_address", "buyer_country", "buyer_vat", "buyer_siren"],
    "Seller (you)": ["seller_name", "seller_vat", "seller_siren"],
}


@st.cache_data(max_entries=32, show_spinner=False)
def page_image(sha256: str, page: int, boxes: tuple[Box, ...]) -> bytes:
    return render_page(sha256, page, list(boxes))


def show_validated(summary: dict) -> None:
    """What validation did, and the essential next step: a contact for the account."""
    verb = "created" if summary["account_created"] else "matched"
    st.success(
        f"{summary['kind']} **{summary['number']}** validated. Account **{summary['account']}** {verb}; "
        f"outstanding balance {summary['balance']}."
        + (" A task asks for a contact." if summary["task"] else ""),
        icon="✅",
    )
    if summary.get("contact_added"):
        st.success(
            f"Contact {summary['contact_added']} added; the missing-contact task is closed.", icon="👤"
        )
        return
    st.subheader(f"Add a contact for {summary['account']}")
    st.caption(
        "Reminders go to this person. Tip: if you don't know the name, leave it empty — the part of the "
        "e-mail before the @ is used (comptabilite@acme.com → “comptabilite”)."
    )
    with st.form("validated_contact"):
        email = st.text_input("E-mail", key="vc_email")
        name = st.text_input("Name", key="vc_name", placeholder="defaults to the e-mail's local part")
        language = st.selectbox(
            "Language", LANGUAGES, key="vc_language", index=LANGUAGES.index(summary.get("language") or "fr")
        )
        if st.form_submit_button("Add the contact", type="primary"):
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


st.title("Review")
if "validated" in st.session_state:
    show_validated(st.session_state["validated"])
    if st.button("Review the next draft"):
        del st.session_state["validated"]
        st.rerun()
    st.stop()

drafts = call(list_drafts) or []
if not drafts:
    st.info("No draft is waiting for review.", icon="📭")
    st.page_link("pages/upload.py", label="Upload a PDF", icon="📤")
    st.stop()

ids = [d.id for d in drafts]
wanted = st.session_state.get("review_draft_id")
draft_id = st.selectbox(
    f"{len(drafts)} draft(s) waiting",
    ids,
    index=ids.index(wanted) if wanted in ids else 0,
    format_func=lambda i: next(
        f"#{d.id} · {d.file_name} · {d.kind.value.replace('_', ' ')} {d.values.get('number') or '?'}"
        for d in drafts
        if d.id == i
    ),
)
st.session_state["review_draft_id"] = draft_id
review = call(review_draft, draft_id=draft_id)
if review is None:
    st.stop()
draft = review.draft

for warning in review.warnings:
    st.warning(warning, icon="ℹ️")

left, right = st.columns([1.1, 1], gap="large")
with left:
    boxes = tuple(
        Box(LABELS[f.name].split(" (")[0], f.page, tuple(f.bbox), not f.low_confidence)  # type: ignore[arg-type]
        for f in review.fields
        if f.page and f.bbox and f.value
    )
    try:
        pages = page_count(draft.sha256)
        for number in range(1, min(pages, MAX_PREVIEW_PAGES) + 1):
            st.image(
                page_image(draft.sha256, number, boxes), caption=f"Page {number} of {pages}", width="stretch"
            )
    except BillabexError as exc:
        show_error(exc)
    st.caption("Green boxes: fields read with confidence. Orange: please check.")

with right, st.form(f"review_{draft.id}_{draft.version}"):
    kinds = ["invoice", "credit_note"]
    kind = st.radio(
        "Kind",
        kinds,
        index=kinds.index(draft.kind.value),
        horizontal=True,
        format_func=lambda k: k.replace("_", " ").capitalize(),
    )
    values = {"kind": kind}
    by_name = {f.name: f for f in review.fields}
    for group, names in GROUPS.items():
        st.markdown(f"**{group}**")
        for name in names:
            f = by_name[name]
            marker = "⚠️ " if f.low_confidence else ""
            detail = (
                f"read: {f.extracted!r}, confidence {f.confidence:.0%}"
                + (f", page {f.page}" if f.page else "")
                if f.extracted is not None
                else "not found on the document"
            )
            values[name] = st.text_input(
                f"{marker}{LABELS[name]}",
                value=f.value or "",
                help=detail,
                key=f"f_{draft.id}_{draft.version}_{name}",
            )

    st.markdown("**Account**")
    options: dict[str, str] = {}
    if review.account_match is not None:
        m = review.account_match
        options[str(m.account.id)] = f"{m.account.name} (same {m.method.replace('_', ' ')})"
    for s in review.suggestions:
        options.setdefault(
            str(s.account.id), f"{s.account.name} (similar name, score {s.score:.0f} — please confirm)"
        )
    options[NEW_ACCOUNT] = "Create a new account from the customer fields"
    account_choice = st.radio("Post to", list(options), format_func=options.get, key=f"acct_{draft.id}")
    if review.credited_invoice is not None:
        st.info(
            f"Credits invoice **{review.credited_invoice.number}** (document #{review.credited_invoice.id}), "
            "which it will be applied to first.",
            icon="🔗",
        )

    st.markdown("**Checks**")
    for check in review.checks:
        st.markdown(("✅ " if check.ok else "❌ ") + check.message)
    save, validate = st.columns(2)
    saved = save.form_submit_button("Save corrections")
    validated = validate.form_submit_button("Validate", type="primary")

if saved and call(save_draft, draft_id=draft.id, values=values, actor=current_user(), version=draft.version):
    st.toast("Corrections saved")
    st.rerun()
if validated:
    outcome = call(
        validate_draft,
        draft_id=draft.id,
        values=values,
        account_id=account_choice,
        actor=current_user(),
        today=today(),
        version=draft.version,
    )
    if outcome is not None:
        account = outcome.account
        st.session_state["validated"] = {
            "kind": outcome.document.kind.value.replace("_", " ").capitalize(),
            "number": outcome.document.number,
            "account": account.name,
            "account_id": account.id,
            "account_created": outcome.account_created,
            "balance": money(account.outstanding_balance, account.currency),
            "task": outcome.task is not None,
            "language": account.language or suggested_language(account.country),
            "document_id": outcome.document.id,
        }
        st.session_state.pop("review_draft_id", None)
        st.rerun()

if review.duplicate is not None and st.button(f"Open the existing document #{review.duplicate.id}"):
    st.session_state["document_id"] = review.duplicate.id
    st.switch_page("pages/invoices.py")

with st.expander("Discard this draft"):
    reason = st.text_input("Why (kept in the audit log)", key=f"discard_reason_{draft.id}")
    if st.button("Discard", key=f"discard_{draft.id}") and call(
        discard_draft, draft_id=draft.id, actor=current_user(), reason=reason or None, version=draft.version
    ):
        st.session_state.pop("review_draft_id", None)
        st.rerun()
