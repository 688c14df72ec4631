"""Disputes and promises to pay on screen (domain.md §6b): the invoice's panel (mark disputed with
a reason / resolve; record a promise / cancel it) and the account's list of both with their
outcomes. Each action is one core call that also re-plans the account's reminders
(``billabex_core.jobs.reminders``)."""

from __future__ import annotations

import streamlit as st

from billabex_core.jobs import reminders
from billabex_core.models import Document, DocumentKind
from billabex_core.queries.collection import Collection, account_collection, invoice_collection
from billabex_ui.feedback import flash
from billabex_ui.format import md, money
from billabex_ui.session import call, current_user, today
from billabex_ui.tables import show_table

STATUS = {
    "open": "⏳ open",
    "kept": "✅ kept",
    "broken": "❌ broken",
    "cancelled": "cancelled",
    "replaced": "replaced",
}


def invoice_panel(document: Document) -> None:
    """On an invoice: its dispute and its promise to pay, and the forms to change them."""
    if document.kind != DocumentKind.INVOICE or document.id is None:
        return
    found = call(invoice_collection, document_id=document.id)
    if found is None:
        return
    st.subheader("Dispute and promise to pay")
    _dispute(document, found)
    _promise(document, found)


def _dispute(document: Document, found: Collection) -> None:
    current = found.open_dispute
    if current is not None:
        st.warning(
            f"Disputed by {md(current.opened_by)} on {current.opened_at:%Y-%m-%d}: {md(current.reason)} — "
            "left out of the reminders.",
            icon="⚖️",
        )
        with st.form("dispute_resolve", clear_on_submit=True):
            note = st.text_input("How was it resolved? (optional)", key="dispute_note")
            if st.form_submit_button("Resolve the dispute") and call(
                reminders.resolve, dispute_id=current.id, actor=current_user(), today=today(), note=note
            ):
                flash(f"Dispute on {md(document.number)} resolved: the invoice is back in the reminders.")
        return
    if document.remaining_amount <= 0:
        return
    with st.form("dispute_open", clear_on_submit=True):
        reason = st.text_input("Why does the customer dispute it?", key="dispute_reason")
        if st.form_submit_button("⚖️ Mark as disputed") and call(
            reminders.dispute, document_id=document.id, reason=reason, actor=current_user(), today=today()
        ):
            flash(f"{md(document.number)} is disputed: out of the reminders, a dispute task is open.")


def _promise(document: Document, found: Collection) -> None:
    current = found.open_promise
    if current is not None:
        st.info(
            f"Promise to pay {money(current.amount, current.currency)} by {current.promised_for} "
            f"(recorded by {md(current.recorded_by)}): reminders wait until {current.resume_on}.",
            icon="🤝",
        )
        if st.button("Cancel the promise", key="promise_cancel") and call(
            reminders.cancel_promise, promise_id=current.id, actor=current_user(), today=today()
        ):
            flash("Promise cancelled: the reminders follow the plan again.")
    if document.remaining_amount <= 0:
        return
    with st.form("promise_form", clear_on_submit=True):
        st.markdown("**Record a promise to pay**" + (" (replaces the open one)" if current else ""))
        c = st.columns(3)
        amount = c[0].text_input(
            f"Amount ({document.currency})", value=str(document.remaining_amount), key="promise_amount"
        )
        promised_for = c[1].date_input("Promised for", value=today(), min_value=today(), key="promise_date")
        note = c[2].text_input("Note", key="promise_note", placeholder="e.g. phone call with the CFO")
        if st.form_submit_button("🤝 Record the promise"):
            made = call(
                reminders.promise,
                document_id=document.id,
                amount=amount,
                promised_for=promised_for,
                actor=current_user(),
                today=today(),
                note=note,
            )
            if made is not None:
                flash(f"Promise recorded: reminders of {md(document.number)} wait until {made.resume_on}.")


def account_panel(account_id: int) -> None:
    """On an account: every promise to pay and dispute of its invoices, with their outcomes."""
    found = call(account_collection, account_id=account_id)
    if found is None:
        return
    st.markdown("**Promises to pay**")
    if found.promises:
        show_table(
            {
                "Invoice": [p.number for p in found.promises],
                "Amount": [money(p.amount, p.currency) for p in found.promises],
                "Promised for": [p.promised_for for p in found.promises],
                "Reminders resume": [p.resume_on for p in found.promises],
                "Status": [STATUS.get(p.status, p.status) for p in found.promises],
                "Outcome": [p.outcome or "" for p in found.promises],
                "By": [p.recorded_by for p in found.promises],
            }
        )
    else:
        st.caption("No promise to pay.")
    st.markdown("**Disputes**")
    if found.disputes:
        show_table(
            {
                "Invoice": [d.number for d in found.disputes],
                "Reason": [d.reason for d in found.disputes],
                "Opened": [f"{d.opened_at:%Y-%m-%d} by {d.opened_by}" for d in found.disputes],
                "Status": ["open" if d.is_open else "resolved" for d in found.disputes],
                "Resolution": [d.resolution or "" for d in found.disputes],
            }
        )
    else:
        st.caption("No dispute.")
