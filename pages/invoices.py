"""Invoices and credit notes: filtered lists with the totals of the filtered set, and one
document's detail (?document=<id>) explaining its remaining amount; payments typed in by hand."""

import pandas as pd
import streamlit as st

from billabex_core.models import CreditNoteStatus, Document, DocumentKind, InvoiceStatus, Source
from billabex_core.queries import (
    DOCUMENT_SORTS,
    OVERDUE_AGES,
    DocumentDetail,
    document_detail,
    list_accounts,
    list_documents,
)
from billabex_core.services.payments import record_payment
from billabex_ui import call, current_user, money, require_login, today

require_login()

PAGE_SIZE = 50
KINDS = {"Invoices": DocumentKind.INVOICE, "Credit notes": DocumentKind.CREDIT_NOTE}


def label(value: object) -> str:
    return str(value or "").replace("_", " ").capitalize()


def flash(message: str) -> None:
    st.session_state["invoices_flash"] = message
    st.rerun()


def open_document(document_id: int | None) -> None:
    if document_id is None:
        st.query_params.pop("document", None)
    else:
        st.query_params["document"] = str(document_id)
    st.rerun()


def first_page() -> None:
    st.session_state["doc_page"] = 1


def account_filter() -> int | None:
    """An account from ?account=<id>, or searched by name/VAT/SIREN among the first 20 matches."""
    linked = st.query_params.get("account")
    search = st.text_input(
        "Account", key="doc_account_search", placeholder="name, VAT or SIREN", on_change=first_page
    )
    if not search.strip():
        return int(linked) if linked and linked.isdigit() else None
    found = call(list_accounts, search=search, page_size=20)
    if not found or not found.rows:
        st.caption("No account matches.")
        return -1  # no account: an empty list rather than every document
    names = {r.id: r.name for r in found.rows}
    return st.selectbox("Matching accounts", list(names), format_func=names.get, key="doc_account_pick")


# List ------------------------------------------------------------------------------------------


def show_list() -> None:
    st.title("Invoices and credit notes")
    kind_name = st.radio("Show", list(KINDS), horizontal=True, key="doc_kind", on_change=first_page)
    kind = KINDS[kind_name]
    is_invoice = kind == DocumentKind.INVOICE
    c = st.columns(5)
    status_values = list(InvoiceStatus) if is_invoice else list(CreditNoteStatus)
    statuses = c[0].multiselect(
        "Status", status_values, format_func=label, key=f"doc_status_{kind.value}", on_change=first_page
    )
    source = c[1].selectbox(
        "Source", [None, *Source], format_func=lambda s: label(s) or "All", key="doc_source"
    )
    age = (
        c[2].selectbox(
            "Overdue age (days)",
            [None, *OVERDUE_AGES],
            format_func=lambda a: a or "All",
            key="doc_age",
            on_change=first_page,
            help="Open invoices by days past their due date",
        )
        if is_invoice
        else None
    )
    number = c[3].text_input("Number", key="doc_number", on_change=first_page)
    sort = c[4].selectbox("Sort by", list(DOCUMENT_SORTS), key="doc_sort", on_change=first_page)
    account_id = account_filter()
    page_no = int(st.session_state.get("doc_page", 1))
    result = call(
        list_documents,
        today=today(),
        kind=kind,
        statuses=statuses,
        account_id=account_id,
        source=source,
        age=age,
        number=number,
        sort=sort,
        page=page_no,
        page_size=PAGE_SIZE,
    )
    if result is None:
        return
    if not result.page.total:
        st.info(f"No {kind_name.lower()} match these filters.")
        return
    st.subheader("Totals of the filtered set")
    cols = st.columns(max(len(result.totals), 1) * 2)
    for i, (currency, totals) in enumerate(result.totals.items()):
        cols[2 * i].metric(f"{kind_name} in {currency}", f"{totals.count:,}")
        cols[2 * i + 1].metric(
            f"Remaining in {currency}",
            money(totals.remaining, currency),
            help=f"out of {money(totals.total_incl_tax, currency)} incl. tax",
        )
    rows = result.page.rows
    frame = {
        "Number": [r.number for r in rows],
        "Account": [r.account_name for r in rows],
        "Issued": [r.issue_date for r in rows],
        "Due": [r.due_date for r in rows],
        "Total": [money(r.total_incl_tax, r.currency) for r in rows],
        "Remaining": [money(r.remaining_amount, r.currency) for r in rows],
    }
    if is_invoice:
        frame["Status"] = [label(r.invoice_status) for r in rows]
        frame["Payment"] = [label(r.payment_status) for r in rows]
    else:
        frame["Applied"] = [money(r.credited_amount, r.currency) for r in rows]
        frame["Status"] = [label(r.credit_status) for r in rows]
    frame["Source"] = [r.source.value for r in rows]
    st.dataframe(pd.DataFrame(frame), hide_index=True, width="stretch")
    nav = st.columns([2, 1, 3])
    nav[0].caption(f"{kind_name} {result.page.first:,}–{result.page.last:,} of {result.page.total:,}")
    nav[1].number_input(f"Page (of {result.page.page_count:,})", min_value=1, step=1, key="doc_page")
    with nav[2]:
        numbers = {r.id: f"{r.number} — {r.account_name}" for r in rows}
        chosen = st.selectbox(
            "Open a document of this page", list(numbers), format_func=numbers.get, key="doc_pick"
        )
        if st.button("Open", key="doc_open"):
            open_document(chosen)


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


def show_payment_form(document: Document) -> None:
    with st.form("payment_form", clear_on_submit=True):
        st.markdown("**Record a payment**")
        c = st.columns(3)
        amount = c[0].text_input(f"Amount ({document.currency})", placeholder="1234.50", key="pay_amount")
        paid_on = c[1].date_input("Date", value=today(), key="pay_date")
        note = c[2].text_input("Note", placeholder="e.g. bank transfer ref.", key="pay_note")
        if st.form_submit_button("Record payment"):
            done = call(
                record_payment,
                document_id=document.id,
                amount=amount,
                paid_on=paid_on,
                note=note,
                actor=current_user(),
                today=today(),
            )
            if done is not None:
                flash(f"Payment of {money(done.amount, done.currency)} recorded.")


def show_detail(document_id: int) -> None:
    if st.button("← All documents", key="back"):
        open_document(None)
    detail = call(document_detail, document_id=document_id)
    if detail is None:
        return
    doc, account = detail.document, detail.account
    is_invoice = doc.kind == DocumentKind.INVOICE
    st.title(f"{'Invoice' if is_invoice else 'Credit note'} {doc.number}")
    st.page_link(
        "pages/accounts.py", label=account.name, icon="🏢", query_params={"account": str(account.id)}
    )
    if doc.source == Source.MANUAL:
        st.badge("Manual", color="gray")
    else:
        st.badge(f"Synced · {doc.source.value}: read-only here", icon="🔄", color="blue")
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
        st.caption(f"Credits invoice {detail.credited_invoice[1]}")
    show_pdf(detail)

    st.subheader("Why this remaining amount" if is_invoice else "Where this credit went")
    lines = [("Total incl. tax", doc.total_incl_tax)]
    if is_invoice:
        lines += [
            (f"Payment {p.paid_on}" + (f" — {p.note}" if p.note else ""), -p.amount) for p in detail.payments
        ]
        lines += [(f"Credit note {c.other_number} ({c.applied_on})", -c.amount) for c in detail.credits]
        lines.append(("Remaining", doc.remaining_amount))
    else:
        lines += [
            (f"Applied to invoice {c.other_number} ({c.applied_on})", -c.amount) for c in detail.credits
        ]
        lines.append(("Available credit", doc.remaining_amount))
    st.table(pd.DataFrame({"": [n for n, _ in lines], "Amount": [money(a, doc.currency) for _, a in lines]}))
    if doc.provider_remaining is not None:
        st.caption(
            f"Remaining as reported by {doc.source.value}: the billing tool is the truth for synced documents."
        )
    if detail.credits:
        others = {c.other_id: c.other_number for c in detail.credits}
        pick = st.selectbox("Open a related document", list(others), format_func=others.get, key="related")
        if st.button("Open related", key="related_open"):
            open_document(pick)
    if detail.can_record_payment:
        show_payment_form(doc)
    elif is_invoice:
        st.caption(f"Payments of this invoice come from {doc.source.value}.")


if message := st.session_state.pop("invoices_flash", None):
    st.success(message)
selected = st.query_params.get("document")
if selected and selected.isdigit():
    show_detail(int(selected))
else:
    show_list()
