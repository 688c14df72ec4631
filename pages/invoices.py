"""Invoices and credit notes: filtered lists with the totals of the filtered set, and one
document's detail (?document=<id>) explaining its remaining amount; payments typed in by hand."""

import pandas as pd
import streamlit as st

from billabex_core.models import CreditNoteStatus, Document, DocumentKind, InvoiceStatus, Payment, Source
from billabex_core.queries import (
    DOCUMENT_SORTS,
    OVERDUE_AGES,
    DocumentDetail,
    DocumentList,
    DocumentRow,
    document_detail,
    list_documents,
)
from billabex_core.services.downloads import entity_csv
from billabex_core.services.payments import record_payment, reverse_payment
from billabex_ui import (
    Pager,
    account_picker,
    back_button,
    call,
    csv_download,
    current_user,
    flash,
    label,
    md,
    money,
    require_login,
    row_opener,
    selected_id,
    show_flash,
    show_table,
    source_badge,
    today,
)
from billabex_ui.collection import invoice_panel

require_login()

KINDS = {"Invoices": DocumentKind.INVOICE, "Credit notes": DocumentKind.CREDIT_NOTE}
PAGER = Pager("doc_page")


# List ------------------------------------------------------------------------------------------


def list_filters(kind: DocumentKind) -> dict[str, object]:
    """The filter widgets of one kind, as the keyword arguments of ``list_documents``."""
    is_invoice = kind == DocumentKind.INVOICE
    c = st.columns(5)
    statuses = c[0].multiselect(
        "Status",
        list(InvoiceStatus) if is_invoice else list(CreditNoteStatus),
        format_func=label,
        key=f"doc_status_{kind.value}",
        on_change=PAGER.reset,
    )
    source = c[1].selectbox(
        "Source",
        [None, *Source],
        format_func=lambda s: label(s) or "All",
        key="doc_source",
        on_change=PAGER.reset,
    )
    age = None
    if is_invoice:
        age = c[2].selectbox(
            "Overdue age (days)",
            [None, *OVERDUE_AGES],
            format_func=lambda a: a or "All",
            key="doc_age",
            on_change=PAGER.reset,
            help="Open invoices by days past their due date",
        )
    number = c[3].text_input("Number", key="doc_number", on_change=PAGER.reset)
    sort = c[4].selectbox("Sort by", list(DOCUMENT_SORTS), key="doc_sort", on_change=PAGER.reset)
    account_id = account_picker("doc_account", linked="account", on_change=PAGER.reset)
    return {
        "kind": kind,
        "statuses": statuses,
        "source": source,
        "age": age,
        "number": number,
        "sort": sort,
        "account_id": account_id,
    }


def show_totals(result: DocumentList, kind_name: str) -> None:
    st.subheader("Totals of the filtered set")
    cols = st.columns(max(len(result.totals), 1) * 2)
    for i, (currency, totals) in enumerate(result.totals.items()):
        cols[2 * i].metric(f"{kind_name} in {currency}", f"{totals.count:,}")
        cols[2 * i + 1].metric(
            f"Remaining in {currency}",
            money(totals.remaining, currency),
            help=f"out of {money(totals.total_incl_tax, currency)} incl. tax",
        )


def list_table(rows: list[DocumentRow], is_invoice: bool) -> None:
    columns: dict[str, list[object]] = {
        "Number": [r.number for r in rows],
        "Account": [r.account_name for r in rows],
        "Issued": [r.issue_date for r in rows],
        "Due": [r.due_date for r in rows],
        "Total": [money(r.total_incl_tax, r.currency) for r in rows],
        "Remaining": [money(r.remaining_amount, r.currency) for r in rows],
    }
    if is_invoice:
        columns["Status"] = [label(r.invoice_status) for r in rows]
        columns["Payment"] = [label(r.payment_status) for r in rows]
    else:
        columns["Applied"] = [money(r.credited_amount, r.currency) for r in rows]
        columns["Status"] = [label(r.credit_status) for r in rows]
    columns["Source"] = [r.source.value for r in rows]
    show_table(columns)


def show_list() -> None:
    st.title("Invoices and credit notes")
    kind_name = st.radio("Show", list(KINDS), horizontal=True, key="doc_kind", on_change=PAGER.reset)
    kind = KINDS[kind_name]
    entity = "invoices" if kind == DocumentKind.INVOICE else "credit-notes"
    csv_download(
        f"Download all {kind_name.lower()} (CSV)",
        entity_csv,
        file_name=f"{entity}.csv",
        key="doc_csv",
        entity=entity,
    )
    filters = list_filters(kind)
    result = call(list_documents, today=today(), **filters, page=PAGER.number, page_size=PAGER.size)
    if result is None:
        return
    if not result.page.total:
        st.info(f"No {kind_name.lower()} match these filters.")
        return
    show_totals(result, kind_name)
    rows = result.page.rows
    list_table(rows, kind == DocumentKind.INVOICE)
    with PAGER.footer(result.page, kind_name):
        numbers = {r.id: f"{r.number} — {r.account_name}" for r in rows}
        row_opener("Open a document of this page", numbers, key="doc", param="document")


# Detail ----------------------------------------------------------------------------------------


def show_pdf(detail: DocumentDetail) -> None:
    doc = detail.document
    if detail.pdf is not None:
        st.download_button(
            "📄 Download the PDF",
            detail.pdf.read_bytes(),
            file_name=doc.file_name or f"{doc.number}.pdf",
            key="pdf",
        )
    elif doc.file_sha256:
        st.caption(f"PDF: stored as {doc.file_sha256}, but the file is missing from the file store.")
    else:
        st.caption("No PDF stored for this document.")


PAYMENT_FIELDS = {"pay_amount": "", "pay_note": "", "pay_confirm_overpayment": False}


def show_payment_form(document: Document) -> None:
    # Not cleared on submit: a typed value survives an error, to be corrected rather than retyped;
    # the fields are emptied on the run after a payment was recorded (before they are drawn).
    if st.session_state.pop("pay_recorded", False):
        st.session_state.update(PAYMENT_FIELDS)
    with st.form("payment_form"):
        st.markdown("**Record a payment**")
        c = st.columns(3)
        amount = c[0].text_input(f"Amount ({document.currency})", placeholder="1 234,56", key="pay_amount")
        paid_on = c[1].date_input("Date", value=today(), key="pay_date")
        note = c[2].text_input("Note", placeholder="e.g. bank transfer ref.", key="pay_note")
        confirm = st.checkbox(
            "More than what remains: record it anyway (overpayment)",
            key="pay_confirm_overpayment",
            help="Without this, an amount above what remains is refused, so a typo is not recorded.",
        )
        if st.form_submit_button("Record payment"):
            done = call(
                record_payment,
                document_id=document.id,
                amount=amount,
                paid_on=paid_on,
                note=note,
                actor=current_user(),
                today=today(),
                confirm_overpayment=confirm,
            )
            if done is not None:
                flash(f"Payment of {money(done.amount, done.currency)} recorded.")
                st.session_state["pay_recorded"] = True
                st.rerun()


def show_reverse_form(detail: DocumentDetail) -> None:
    payments = {p.id: p for p in detail.reversible_payments if p.id is not None}
    if not payments:
        return
    with st.expander("Reverse a payment"), st.form("reverse_form"):
        payment_id = st.selectbox(
            "Payment",
            list(payments),
            format_func=lambda i: (
                f"{payments[i].paid_on} — {money(payments[i].amount, payments[i].currency)}"
            ),
            key="reverse_pick",
        )
        reason = st.text_input("Why", placeholder="e.g. the transfer was returned", key="reverse_reason")
        if st.form_submit_button("Reverse this payment"):
            done = call(
                reverse_payment, payment_id=payment_id, actor=current_user(), reason=reason, today=today()
            )
            if done is not None:
                flash("Payment reversed: a reversing entry was recorded, statuses and balance follow.")
                st.rerun()


def show_header(detail: DocumentDetail) -> None:
    doc, account = detail.document, detail.account
    is_invoice = doc.kind == DocumentKind.INVOICE
    st.title(f"{'Invoice' if is_invoice else 'Credit note'} {md(doc.number)}")
    st.page_link(
        "pages/accounts.py", label=md(account.name), icon="🏢", query_params={"account": str(account.id)}
    )
    source_badge(doc.source.value, note="read-only here")
    c = st.columns(4)
    if is_invoice:
        c[0].metric("Invoice status", label(doc.invoice_status))
        c[1].metric("Payment status", label(doc.payment_status))
    else:
        c[0].metric("Credit note status", label(doc.credit_status))
        c[1].metric("Applied", money(doc.credited_amount, doc.currency))
    c[2].metric("Total incl. tax", money(doc.total_incl_tax, doc.currency))
    c[3].metric("Remaining" if is_invoice else "Available credit", money(doc.remaining_amount, doc.currency))
    st.caption(
        f"Issued {doc.issue_date or '—'} · due {doc.due_date or '—'} · "
        f"excl. tax {money(doc.total_excl_tax, doc.currency) or '—'} · tax {money(doc.tax_amount, doc.currency) or '—'}"
    )
    if detail.credited_invoice:
        st.caption(f"Credits invoice {md(detail.credited_invoice[1])}")


def show_explanation(detail: DocumentDetail) -> None:
    """The total, each payment and credit applied, and the remaining amount the core stored."""
    doc = detail.document
    is_invoice = doc.kind == DocumentKind.INVOICE
    st.subheader("Why this remaining amount" if is_invoice else "Where this credit went")
    lines = [("Total incl. tax", doc.total_incl_tax)]
    if is_invoice:
        lines += [(_payment_line(p), -p.amount) for p in detail.reported_payments]
        if detail.settled_in_provider:
            lines.append((f"Settled in {label(doc.source)}", -detail.settled_in_provider))
        lines += [(f"Credit note {c.other_number} ({c.applied_on})", -c.amount) for c in detail.credits]
        lines.append(("Remaining", doc.remaining_amount))
    else:
        lines += [
            (f"Applied to invoice {c.other_number} ({c.applied_on})", -c.amount) for c in detail.credits
        ]
        lines.append(("Available credit", doc.remaining_amount))
    st.table(
        pd.DataFrame({"": [md(n) for n, _ in lines], "Amount": [money(a, doc.currency) for _, a in lines]})
    )
    if doc.provider_remaining is not None:
        st.caption(
            f"Remaining as reported by {doc.source.value}: the billing tool is the truth for synced documents."
        )


def _payment_line(payment: Payment) -> str:
    kind = "Reversal of a payment" if payment.reverses_id is not None else "Payment"
    return f"{kind} {payment.paid_on}" + (f" — {payment.note}" if payment.note else "")


def show_detail(document_id: int) -> None:
    back_button("← All documents", "document")
    detail = call(document_detail, document_id=document_id)
    if detail is None:
        return
    show_header(detail)
    show_pdf(detail)
    show_explanation(detail)
    if detail.credits:
        others = {c.other_id: c.other_number for c in detail.credits}
        row_opener("Open a related document", others, key="related", param="document", button="Open related")
    if detail.can_record_payment:
        show_payment_form(detail.document)
        show_reverse_form(detail)
    elif detail.document.kind == DocumentKind.INVOICE:
        st.caption(f"Payments of this invoice come from {detail.document.source.value}.")
    invoice_panel(detail.document)  # dispute and promise to pay


show_flash()
if (selected := selected_id("document")) is not None:
    show_detail(selected)
else:
    show_list()
