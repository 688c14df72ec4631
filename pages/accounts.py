"""Accounts: the searchable list, and one account's detail (?account=<id>) with its contacts,
referents, documents, payments, tasks, communications and history."""

import pandas as pd
import streamlit as st

from billabex_core.domain.contacts import has_reachable_contact
from billabex_core.models import LANGUAGES, Contact, Referent
from billabex_core.queries import ACCOUNT_SORTS, AccountDetail, account_detail, list_accounts
from billabex_core.services.accounts import set_paused, update_account
from billabex_core.services.contacts import (
    add_contact,
    delete_contact,
    delete_referent,
    save_referent,
    update_contact,
)
from billabex_core.services.downloads import entity_csv
from billabex_ui import (
    Pager,
    back_button,
    call,
    communications_table,
    contact_fields,
    contact_title,
    csv_download,
    current_user,
    documents_table,
    flash,
    history_table,
    lang_index,
    md,
    money,
    new_contact_inputs,
    payments_table,
    require_login,
    row_opener,
    selected_id,
    show_flash,
    show_table,
    source_badge,
    task_links,
    today,
)
from billabex_ui.collection import account_panel

require_login()

SORT_LABELS = {
    "name": "Name",
    "outstanding": "Outstanding balance",
    "overdue": "Overdue invoices",
    "contacts": "Contacts",
    "country": "Country",
    "created": "Creation",
}
PAGER = Pager("acc_page")


# List ------------------------------------------------------------------------------------------


def list_filters() -> dict[str, object]:
    """The search, sort and "Show" widgets, as the keyword arguments of ``list_accounts``."""
    cols = st.columns([3, 2, 1, 1])
    search = cols[0].text_input(
        "Search", placeholder="name, VAT or SIREN", key="acc_search", on_change=PAGER.reset
    )
    sort = cols[1].selectbox(
        "Sort by",
        list(ACCOUNT_SORTS),
        format_func=SORT_LABELS.__getitem__,
        key="acc_sort",
        on_change=PAGER.reset,
    )
    descending = cols[2].toggle(
        "Descending", value=sort in ("outstanding", "overdue"), key=f"acc_desc_{sort}", on_change=PAGER.reset
    )
    only = cols[3].selectbox(
        "Show", ["all", "paused", "without contact"], key="acc_only", on_change=PAGER.reset
    )
    return {
        "search": search,
        "sort": sort,
        "descending": descending,
        "paused": True if only == "paused" else None,
        "without_contact": only == "without contact",
    }


def show_list() -> None:
    st.title("Accounts")
    csv_download(
        "Download all accounts (CSV)", entity_csv, file_name="accounts.csv", key="acc_csv", entity="accounts"
    )
    filters = list_filters()
    result = call(list_accounts, **filters, page=PAGER.number, page_size=PAGER.size)
    if result is None:
        return
    if not result.total:
        narrowed = filters["search"] or filters["paused"] or filters["without_contact"]
        st.info("No account matches." if narrowed else "No account yet: upload an invoice.")
        return
    rows = result.rows
    show_table(
        {
            "Name": [r.name for r in rows],
            "Source": ["manual" if r.source == "manual" else f"🔄 {r.source.value}" for r in rows],
            "Country": [r.country or "" for r in rows],
            "Currency": [r.currency for r in rows],
            "Outstanding": [money(r.outstanding_balance, r.currency) for r in rows],
            "Overdue invoices": [r.overdue_count for r in rows],
            "Contacts": [r.contact_count for r in rows],
            "Paused": ["⏸ paused" if r.paused else "" for r in rows],
        }
    )
    with PAGER.footer(result, "Accounts"):
        row_opener("Open an account of this page", {r.id: r.name for r in rows}, key="acc", param="account")


# Information and pause -------------------------------------------------------------------------


def show_synced_information(detail: AccountDetail) -> None:
    account = detail.account
    st.caption(
        f"Synced from {md(detail.integration_name or account.source.value)}: edit it in the billing tool."
    )
    values = {
        "Name": account.name,
        "Postal address": account.address,
        "Country": account.country,
        "Currency": account.currency,
        "VAT": account.vat,
        "SIREN": account.siren,
        "Language": account.language,
    }
    st.table(
        pd.DataFrame({"Field": list(values), "Value": [md(v) or "—" for v in values.values()]}).set_index(
            "Field"
        )
    )


def show_information(detail: AccountDetail) -> None:
    account = detail.account
    if not detail.editable:
        show_synced_information(detail)
        return
    with st.form(f"account_form_{account.id}"):
        name = st.text_input("Name", account.name)
        address = st.text_area("Postal address", account.address or "")
        c = st.columns(5)
        country = c[0].text_input("Country (ISO, e.g. FR)", account.country or "")
        currency = c[1].text_input("Currency", account.currency)
        vat = c[2].text_input("VAT number", account.vat or "")
        siren = c[3].text_input("SIREN", account.siren or "")
        languages = ["", *LANGUAGES]
        language = c[4].selectbox(
            "Language",
            languages,
            index=languages.index(account.language or ""),
            help="empty: from the country",
        )
        if (
            st.form_submit_button("Save information")
            and call(
                update_account,
                account_id=account.id,
                actor=current_user(),
                name=name,
                address=address,
                country=country,
                currency=currency,
                vat=vat,
                siren=siren,
                language=language or None,
            )
            is not None
        ):
            flash("Account information saved.")


def show_pause(detail: AccountDetail) -> None:
    account = detail.account
    if account.paused:
        resumed = st.button("▶ Resume follow-ups", key="resume")
        if (
            resumed
            and call(set_paused, account_id=account.id, paused=False, actor=current_user()) is not None
        ):
            flash("Follow-ups resumed.")
        return
    with st.form("pause_form"):
        reason = st.text_input("Reason", placeholder="e.g. payment plan agreed on the phone")
        if st.form_submit_button("⏸ Pause follow-ups"):
            done = call(set_paused, account_id=account.id, paused=True, actor=current_user(), reason=reason)
            if done is not None:
                flash("Follow-ups paused.")


# Contacts and referents ------------------------------------------------------------------------


def edit_contact(contact: Contact) -> None:
    """One contact's expander: its form, "Mark as valid" when it bounced, and delete."""
    with st.expander(contact_title(contact)):
        if not contact.is_valid:
            st.error(
                f"Mail to this contact bounced: {md(contact.invalid_reason or 'no reason given')}. "
                "Correct the e-mail (it becomes valid again) or mark it valid if the address was right."
            )
        with st.form(f"contact_{contact.id}"):
            c = st.columns(3)
            name = c[0].text_input("Name", contact.name, key=f"c{contact.id}_name")
            email = c[1].text_input("E-mail", contact.email, key=f"c{contact.id}_email")
            language = c[2].selectbox(
                "Language", LANGUAGES, index=lang_index(contact.language), key=f"c{contact.id}_lang"
            )
            changes = {"name": name, "language": language, **contact_fields(f"c{contact.id}", contact)}
            b = st.columns(3)
            save = b[0].form_submit_button("Save contact")
            revalidate = not contact.is_valid and b[1].form_submit_button("Mark as valid")
            delete = b[2].form_submit_button("Delete contact")
        if email.strip() != contact.email:  # only a new e-mail revalidates a bounced contact
            changes["email"] = email
        if save or revalidate:
            done = call(
                update_contact,
                contact_id=contact.id,
                actor=current_user(),
                today=today(),
                mark_valid=bool(revalidate),
                **changes,
            )
            if done is not None:
                flash(f"Contact {md(done.name)} saved." + (" It is valid again." if done.is_valid else ""))
        if (
            delete
            and call(delete_contact, contact_id=contact.id, actor=current_user(), today=today()) is not None
        ):
            flash(f"Contact {md(contact.name)} deleted.")


def new_contact_form(detail: AccountDetail) -> None:
    st.markdown("**Add a contact**")
    gen = st.session_state.setdefault("nc_gen", 0)  # a new generation of keys empties the form
    email, name, language = new_contact_inputs("nc", f"_{gen}")
    optional = contact_fields(f"nc_{gen}")
    if st.button("Add contact", key=f"nc_add_{gen}", type="primary"):
        done = call(
            add_contact,
            account_id=detail.account.id,
            email=email,
            name=name,
            language=language,
            actor=current_user(),
            today=today(),
            **optional,
        )
        if done is not None:
            st.session_state["nc_gen"] = gen + 1
            flash(f"Contact {md(done.name)} added.")


def show_contacts(detail: AccountDetail) -> None:
    if not has_reachable_contact(detail.contacts):
        st.warning("No valid contact: no reminder can be sent. Add one below.", icon="📭")
    for contact in detail.contacts:
        edit_contact(contact)
    new_contact_form(detail)


def edit_referent(detail: AccountDetail, ref: Referent | None) -> None:
    """One referent's expander, or (``ref`` None) the form that adds one."""
    key = f"r{ref.id}" if ref else "r_new"
    title = (
        md(f"{ref.name} <{ref.email}>") + (" · primary" if ref.is_primary else "")
        if ref
        else "Add a referent"
    )
    with st.expander(title, expanded=ref is None and not detail.referents):
        with st.form(key):
            c = st.columns(3)
            name = c[0].text_input("Name", ref.name if ref else "", key=f"{key}_name")
            email = c[1].text_input("E-mail", ref.email if ref else "", key=f"{key}_email")
            language = c[2].selectbox(
                "Language", LANGUAGES, index=lang_index(ref.language) if ref else 0, key=f"{key}_lang"
            )
            primary = st.checkbox("Primary referent", ref.is_primary if ref else False, key=f"{key}_primary")
            b = st.columns(2)
            save = b[0].form_submit_button("Save referent" if ref else "Add referent")
            delete = ref is not None and b[1].form_submit_button("Delete referent")
        if save:
            done = call(
                save_referent,
                account_id=detail.account.id,
                referent_id=ref.id if ref else None,
                name=name,
                email=email,
                language=language,
                is_primary=primary,
                actor=current_user(),
            )
            if done is not None:
                flash(f"Referent {md(done.name)} saved.")
        if (
            ref is not None
            and delete
            and call(delete_referent, referent_id=ref.id, actor=current_user()) is not None
        ):
            flash(f"Referent {md(ref.name)} deleted.")


def show_referents(detail: AccountDetail) -> None:
    st.caption(
        "Team members responsible for this account: they get the agent's notifications (none: everybody)."
    )
    for ref in [*detail.referents, None]:
        edit_referent(detail, ref)


# Detail ----------------------------------------------------------------------------------------


def show_header(detail: AccountDetail) -> None:
    account = detail.account
    st.title(md(account.name))
    source_badge(account.source.value, detail.integration_name)
    if account.paused:
        st.warning(f"Follow-ups are paused: {md(account.paused_reason or 'no reason given')}", icon="⏸")
    m = st.columns(4)
    m[0].metric("Outstanding balance", money(account.outstanding_balance, account.currency))
    m[1].metric("Overdue invoices", account.overdue_count)
    m[2].metric("Valid contacts", account.contact_count)
    m[3].metric("Open tasks", sum(t.status.is_open for t in detail.tasks))


def show_detail(account_id: int) -> None:
    back_button("← All accounts", "account")
    detail = call(account_detail, account_id=account_id)
    if detail is None:
        return
    show_header(detail)
    tabs = st.tabs(
        [
            "Information",
            f"Contacts ({len(detail.contacts)})",
            f"Referents ({len(detail.referents)})",
            f"Invoices ({detail.invoice_count})",
            f"Credit notes ({detail.credit_note_count})",
            f"Payments ({len(detail.payments)})",
            f"Tasks ({len(detail.tasks)})",
            f"Communications ({len(detail.communications)})",
            "Promises and disputes",
            "History",
        ]
    )
    with tabs[0]:
        show_information(detail)
        st.divider()
        show_pause(detail)
    with tabs[1]:
        show_contacts(detail)
    with tabs[2]:
        show_referents(detail)
    with tabs[3]:
        documents_table(detail.invoices, detail.invoice_count, "invoices")
    with tabs[4]:
        documents_table(detail.credit_notes, detail.credit_note_count, "credit notes")
    with tabs[5]:
        payments_table(detail.payments, detail.document_numbers)
    with tabs[6]:
        task_links(detail.tasks)
    with tabs[7]:
        communications_table(detail.communications)
    with tabs[8]:
        account_panel(account_id)
    with tabs[9]:
        history_table(detail.history)


show_flash()
if (selected := selected_id("account")) is not None:
    show_detail(selected)
else:
    show_list()
