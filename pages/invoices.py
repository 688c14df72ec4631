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
from billabex_core.services.files import download_name, kind_of
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
    source_badge,
    today,
)
from billabex_ui.collection import invoice_panel
from billabex_ui.format import date_input_format, day, number
from billabex_ui.i18n import t
from billabex_ui.tables import row_table
from billabex_ui.url_state import UrlFilters

require_login()

KINDS = {"invoices": DocumentKind.INVOICE, "credit_notes": DocumentKind.CREDIT_NOTE}  # → docs.kind.*
PAGER = Pager("doc_page")
URL = UrlFilters(on_change=PAGER.reset)
TOTALS_PER_ROW = 2  # currencies side by side in the totals of the filtered set


# List ------------------------------------------------------------------------------------------


def list_filters(kind: DocumentKind) -> dict[str, object]:
    """The filter widgets of one kind, as the keyword arguments of ``list_documents``; each is
    kept in the URL (``?status=overdue&age=31-60``), so a link reproduces the list."""
    is_invoice = kind == DocumentKind.INVOICE
    c = st.columns(5)
    statuses = c[0].multiselect(
        t("docs.status"),
        options := list(InvoiceStatus) if is_invoice else list(CreditNoteStatus),
        format_func=label,
        **URL.choices(f"doc_status_{kind.value}", "status" if is_invoice else "credit_status", options),
        placeholder=t("common.choose"),
    )
    source = c[1].selectbox(
        t("docs.source"),
        [None, *Source],
        format_func=lambda s: label(s) or t("common.all"),
        **URL.choice("doc_source", "source", list(Source)),
    )
    age = None
    if is_invoice:
        age = c[2].selectbox(
            t("docs.age"),
            [None, *OVERDUE_AGES],
            format_func=lambda a: (t("value.not_due") if a == "not due" else a) if a else t("common.all"),
            help=t("docs.age_help"),
            **URL.choice("doc_age", "age", OVERDUE_AGES),
        )
    typed_number = c[3].text_input(t("docs.number"), **URL.text("doc_number", "number"))
    sort = c[4].selectbox(
        t("common.sort_by"),
        list(DOCUMENT_SORTS),
        format_func=lambda s: t(f"sort.{s}"),
        **URL.choice("doc_sort", "sort", list(DOCUMENT_SORTS), next(iter(DOCUMENT_SORTS))),
    )
    account_id = account_picker("doc_account", linked="account", on_change=PAGER.reset)
    return {
        "kind": kind,
        "statuses": statuses,
        "source": source,
        "age": age,
        "number": typed_number,
        "sort": sort,
        "account_id": account_id,
    }


def show_totals(result: DocumentList, kind_name: str) -> None:
    st.subheader(t("docs.totals"))
    for i, (currency, totals) in enumerate(result.totals.items()):
        if i % TOTALS_PER_ROW == 0:  # a new row: a figure never squeezed until it reads "€87,73…"
            cols = st.columns(TOTALS_PER_ROW * 2)
        at = 2 * (i % TOTALS_PER_ROW)
        cols[at].metric(t(f"docs.kind_in.{kind_name}", currency=currency), number(totals.count))
        cols[at + 1].metric(
            t("docs.remaining_in", currency=currency),
            money(totals.remaining, currency),
            help=t("docs.out_of", total=money(totals.total_incl_tax, currency)),
        )


def list_table(rows: list[DocumentRow], is_invoice: bool) -> None:
    """Amounts as numbers and dates as dates (sorted as such); a click on a row opens it."""
    columns: dict[str, list[object]] = {
        t("col.number"): [r.number for r in rows],
        t("col.account"): [r.account_name for r in rows],
        t("col.issued"): [r.issue_date for r in rows],
        t("col.due"): [r.due_date for r in rows],
        t("col.total"): [r.total_incl_tax for r in rows],
        t("col.remaining"): [r.remaining_amount for r in rows],
    }
    if is_invoice:
        columns[t("col.status")] = [label(r.invoice_status) for r in rows]
        columns[t("col.payment")] = [label(r.payment_status) for r in rows]
    else:
        columns[t("col.applied")] = [r.credited_amount for r in rows]
        columns[t("col.status")] = [label(r.credit_status) for r in rows]
    columns[t("col.source")] = [label(r.source) for r in rows]
    row_table(
        columns, [r.id for r in rows], key="doc_table", param="document", currency=[r.currency for r in rows]
    )


def show_list() -> None:
    st.title(t("docs.title"))
    kind_name = st.radio(
        t("docs.show"),
        list(KINDS),
        format_func=lambda k: t(f"docs.kind.{k}"),
        horizontal=True,
        **URL.choice("doc_kind", "kind", list(KINDS), "invoices"),
    )
    kind = KINDS[kind_name]
    entity = "invoices" if kind == DocumentKind.INVOICE else "credit-notes"
    csv_download(
        t(f"docs.download.{kind_name}"),
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
        st.info(t(f"docs.none.{kind_name}"))
        return
    show_totals(result, kind_name)
    rows = result.page.rows
    list_table(rows, kind == DocumentKind.INVOICE)
    PAGER.footer(result.page, t(f"docs.kind.{kind_name}"))


# Detail ----------------------------------------------------------------------------------------


def show_pdf(detail: DocumentDetail) -> None:
    doc = detail.document
    if detail.pdf is not None:
        kind = kind_of(detail.pdf)  # an XML e-invoice is offered as the XML it is (issue #15)
        st.download_button(
            t(f"docs.download_{kind.suffix}"),
            detail.pdf.read_bytes(),
            file_name=download_name(doc.file_name, doc.number, doc.file_sha256 or ""),
            mime=kind.media_type,
            key="pdf",
        )
    elif doc.file_sha256:
        st.caption(t("docs.pdf_missing", sha=doc.file_sha256))
    else:
        st.caption(t("docs.no_pdf"))


PAYMENT_FIELDS = {"pay_amount": "", "pay_note": "", "pay_confirm_overpayment": False}


def show_payment_form(document: Document) -> None:
    # Not cleared on submit: a typed value survives an error, to be corrected rather than retyped;
    # the fields are emptied on the run after a payment was recorded (before they are drawn).
    if st.session_state.pop("pay_recorded", False):
        st.session_state.update(PAYMENT_FIELDS)
    with st.form("payment_form"):
        st.markdown(t("pay.title"))
        c = st.columns(3)
        amount = c[0].text_input(
            t("pay.amount", currency=document.currency),
            placeholder=t("pay.amount_placeholder"),
            help=t("pay.amount_help"),
            key="pay_amount",
        )
        paid_on = c[1].date_input(t("pay.date"), value=today(), format=date_input_format(), key="pay_date")
        note = c[2].text_input(t("pay.note"), placeholder=t("pay.note_placeholder"), key="pay_note")
        confirm = st.checkbox(
            t("pay.confirm_overpayment"),
            key="pay_confirm_overpayment",
            help=t("pay.confirm_overpayment_help"),
        )
        if st.form_submit_button(t("pay.submit")):
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
                flash(t("pay.recorded", amount=money(done.amount, done.currency)))
                st.session_state["pay_recorded"] = True
                st.rerun()


def show_reverse_form(detail: DocumentDetail) -> None:
    payments = {p.id: p for p in detail.reversible_payments if p.id is not None}
    if not payments:
        return
    with st.expander(t("reverse.title")), st.form("reverse_form"):
        payment_id = st.selectbox(
            t("reverse.payment"),
            list(payments),
            format_func=lambda i: (
                f"{day(payments[i].paid_on)} — {money(payments[i].amount, payments[i].currency)}"
            ),
            key="reverse_pick",
        )
        reason = st.text_input(
            t("reverse.why"), placeholder=t("reverse.why_placeholder"), key="reverse_reason"
        )
        if st.form_submit_button(t("reverse.submit")):
            done = call(
                reverse_payment, payment_id=payment_id, actor=current_user(), reason=reason, today=today()
            )
            if done is not None:
                flash(t("reverse.done"))
                st.rerun()


def show_header(detail: DocumentDetail) -> None:
    doc, account = detail.document, detail.account
    is_invoice = doc.kind == DocumentKind.INVOICE
    st.title(t("doc.title_invoice" if is_invoice else "doc.title_credit_note", number=md(doc.number)))
    st.page_link(
        "pages/accounts.py",
        label=md(account.name),
        icon=":material/domain:",
        query_params={"account": str(account.id)},
    )
    source_badge(doc.source.value, note=t("doc.read_only"))
    c = st.columns(4)
    if is_invoice:
        c[0].metric(t("doc.invoice_status"), label(doc.invoice_status))
        c[1].metric(t("doc.payment_status"), label(doc.payment_status))
    else:
        c[0].metric(t("doc.credit_status"), label(doc.credit_status))
        c[1].metric(t("doc.applied"), money(doc.credited_amount, doc.currency))
    c[2].metric(t("doc.total_incl_tax"), money(doc.total_incl_tax, doc.currency))
    c[3].metric(
        t("doc.remaining") if is_invoice else t("doc.available_credit"),
        money(doc.remaining_amount, doc.currency),
    )
    st.caption(
        t(
            "doc.summary",
            issued=day(doc.issue_date) or "—",
            due=day(doc.due_date) or "—",
            excl=money(doc.total_excl_tax, doc.currency) or "—",
            tax=money(doc.tax_amount, doc.currency) or "—",
        )
    )
    if detail.credited_invoice:
        st.caption(t("doc.credits_invoice", number=md(detail.credited_invoice[1])))


def show_explanation(detail: DocumentDetail) -> None:
    """The total, each payment and credit applied, and the remaining amount the core stored."""
    doc = detail.document
    is_invoice = doc.kind == DocumentKind.INVOICE
    st.subheader(t("doc.why_remaining") if is_invoice else t("doc.where_credit"))
    lines = [(t("doc.total_incl_tax"), doc.total_incl_tax)]
    if is_invoice:
        lines += [(_payment_line(p), -p.amount) for p in detail.reported_payments]
        if detail.settled_in_provider:
            lines.append((t("doc.settled_in", provider=label(doc.source)), -detail.settled_in_provider))
        lines += [
            (t("doc.credit_line", number=c.other_number, date=day(c.applied_on)), -c.amount)
            for c in detail.credits
        ]
        lines.append((t("doc.remaining"), doc.remaining_amount))
    else:
        lines += [
            (t("doc.applied_line", number=c.other_number, date=day(c.applied_on)), -c.amount)
            for c in detail.credits
        ]
        lines.append((t("doc.available_credit"), doc.remaining_amount))
    st.table(
        pd.DataFrame(
            {"": [md(n) for n, _ in lines], t("doc.amount"): [money(a, doc.currency) for _, a in lines]}
        )
    )
    if doc.provider_remaining is not None:
        st.caption(t("doc.provider_truth", provider=label(doc.source)))


def _payment_line(payment: Payment) -> str:
    key = "doc.reversal_line" if payment.reverses_id is not None else "doc.payment_line"
    line = t(key, date=day(payment.paid_on))
    return t("doc.line_note", line=line, note=payment.note) if payment.note else line


def show_detail(document_id: int) -> None:
    back_button(t("doc.back"), "document")
    detail = call(document_detail, document_id=document_id)
    if detail is None:
        return
    show_header(detail)
    show_pdf(detail)
    show_explanation(detail)
    if detail.credits:
        others = {c.other_id: c.other_number for c in detail.credits}
        row_opener(
            t("doc.open_related"),
            others,
            key="related",
            param="document",
            button=t("doc.open_related_button"),
        )
    if detail.can_record_payment:
        show_payment_form(detail.document)
        show_reverse_form(detail)
    elif detail.document.kind == DocumentKind.INVOICE:
        st.caption(t("doc.payments_from", provider=label(detail.document.source)))
    invoice_panel(detail.document)  # dispute and promise to pay


show_flash()
if (selected := selected_id("document")) is not None:
    show_detail(selected)
else:
    show_list()
