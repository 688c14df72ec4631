"""Disputes and promises to pay on screen (domain.md §6b): the invoice's panel (mark disputed with
a reason / resolve; record a promise / cancel it) and the account's list of both with their
outcomes. Each action is one core call that also re-plans the account's reminders
(``billabex_core.jobs.reminders``)."""

from __future__ import annotations

import streamlit as st

from billabex_core.jobs import reminders
from billabex_core.models import Document, DocumentKind
from billabex_core.queries.collection import Collection, account_collection, invoice_collection
from billabex_ui.feedback import flash, stored_text
from billabex_ui.format import date_input_format, day, md, money
from billabex_ui.i18n import t
from billabex_ui.session import call, current_user, today
from billabex_ui.tables import show_table

STATUS_ICONS = {"open": "… ", "kept": "✓ ", "broken": "✗ "}  # a table cell: no Material icon


def _status(status: str) -> str:
    return STATUS_ICONS.get(status, "") + t(f"promise.status.{status}")


def invoice_panel(document: Document) -> None:
    """On an invoice: its dispute and its promise to pay, and the forms to change them."""
    if document.kind != DocumentKind.INVOICE or document.id is None:
        return
    found = call(invoice_collection, document_id=document.id)
    if found is None:
        return
    st.subheader(t("collection.title"))
    _dispute(document, found)
    _promise(document, found)


def _dispute(document: Document, found: Collection) -> None:
    current = found.open_dispute
    if current is not None:
        st.warning(
            t(
                "dispute.open",
                who=md(current.opened_by),
                date=day(current.opened_at),
                reason=md(current.reason),
            ),
            icon=":material/gavel:",
        )
        with st.form("dispute_resolve", clear_on_submit=True):
            note = st.text_input(t("dispute.how_resolved"), key="dispute_note")
            if st.form_submit_button(t("dispute.resolve")) and call(
                reminders.resolve, dispute_id=current.id, actor=current_user(), today=today(), note=note
            ):
                flash(t("dispute.resolved", number=md(document.number)))
        return
    if document.remaining_amount <= 0:
        return
    with st.form("dispute_open", clear_on_submit=True):
        reason = st.text_input(t("dispute.why"), key="dispute_reason")
        if st.form_submit_button(t("dispute.mark")) and call(
            reminders.dispute, document_id=document.id, reason=reason, actor=current_user(), today=today()
        ):
            flash(t("dispute.marked", number=md(document.number)))


def _promise(document: Document, found: Collection) -> None:
    current = found.open_promise
    if current is not None:
        st.info(
            t(
                "promise.current",
                amount=money(current.amount, current.currency),
                date=day(current.promised_for),
                who=md(current.recorded_by),
                resume=day(current.resume_on),
            ),
            icon=":material/handshake:",
        )
        if st.button(t("promise.cancel"), key="promise_cancel") and call(
            reminders.cancel_promise, promise_id=current.id, actor=current_user(), today=today()
        ):
            flash(t("promise.cancelled"))
    if document.remaining_amount <= 0:
        return
    with st.form("promise_form", clear_on_submit=True):
        st.markdown(t("promise.form_replaces") if current else t("promise.form"))
        c = st.columns(3)
        amount = c[0].text_input(
            t("pay.amount", currency=document.currency),
            value=str(document.remaining_amount),
            help=t("pay.amount_help"),
            key="promise_amount",
        )
        promised_for = c[1].date_input(
            t("promise.date"),
            value=today(),
            min_value=today(),
            format=date_input_format(),
            key="promise_date",
        )
        note = c[2].text_input(t("pay.note"), key="promise_note", placeholder=t("promise.note_placeholder"))
        if st.form_submit_button(t("promise.submit")):
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
                flash(t("promise.recorded", number=md(document.number), resume=day(made.resume_on)))


def account_panel(account_id: int) -> None:
    """On an account: every promise to pay and dispute of its invoices, with their outcomes."""
    found = call(account_collection, account_id=account_id)
    if found is None:
        return
    st.markdown(t("promise.list"))
    if found.promises:
        show_table(
            {
                t("col.invoice"): [p.number for p in found.promises],
                t("col.amount"): [money(p.amount, p.currency) for p in found.promises],
                t("promise.date"): [day(p.promised_for) for p in found.promises],
                t("promise.col.resume"): [day(p.resume_on) for p in found.promises],
                t("col.status"): [_status(p.status) for p in found.promises],
                t("promise.col.outcome"): [
                    stored_text(p.outcome, currency=p.currency, markdown=False) if p.outcome else ""
                    for p in found.promises
                ],
                t("col.by"): [p.recorded_by for p in found.promises],
            }
        )
    else:
        st.caption(t("promise.none"))
    st.markdown(t("dispute.list"))
    if found.disputes:
        show_table(
            {
                t("col.invoice"): [d.number for d in found.disputes],
                t("dispute.col.reason"): [d.reason for d in found.disputes],
                t("dispute.col.opened"): [
                    t("dispute.opened_by", date=day(d.opened_at), who=d.opened_by) for d in found.disputes
                ],
                t("col.status"): [
                    t("dispute.status.open") if d.is_open else t("dispute.status.resolved")
                    for d in found.disputes
                ],
                t("dispute.col.resolution"): [
                    stored_text(d.resolution, markdown=False) if d.resolution else "" for d in found.disputes
                ],
            }
        )
    else:
        st.caption(t("dispute.none"))
