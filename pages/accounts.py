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
    label,
    lang_index,
    md,
    money,
    new_contact_inputs,
    payments_table,
    require_login,
    selected_id,
    show_flash,
    source_badge,
    task_links,
    today,
)
from billabex_ui.collection import account_panel
from billabex_ui.contacts import saved_version, seen_version
from billabex_ui.i18n import t
from billabex_ui.tables import row_table
from billabex_ui.url_state import UrlFilters

require_login()

SORT_LABELS = {s: f"acc.sort.{s}" for s in ACCOUNT_SORTS}  # text keys in billabex_ui/locales
PAGER = Pager("acc_page")
URL = UrlFilters(on_change=PAGER.reset)
SHOW = ["all", "paused", "without contact"]


# List ------------------------------------------------------------------------------------------


def list_filters() -> dict[str, object]:
    """The search, sort and "Show" widgets, as the keyword arguments of ``list_accounts``; each
    is kept in the URL (``?sort=outstanding&show=paused``), so a link reproduces the list."""
    cols = st.columns([3, 2, 1, 1])
    search = cols[0].text_input(
        t("acc.search"), placeholder=t("picker.placeholder"), **URL.text("acc_search", "search")
    )
    sort = cols[1].selectbox(
        t("common.sort_by"),
        list(ACCOUNT_SORTS),
        format_func=lambda s: t(SORT_LABELS[s]),
        **URL.choice("acc_sort", "sort", list(ACCOUNT_SORTS), next(iter(ACCOUNT_SORTS))),
    )
    descending = cols[2].toggle(
        t("acc.descending"), **URL.flag(f"acc_desc_{sort}", "desc", sort in ("outstanding", "overdue"))
    )
    only = cols[3].selectbox(
        t("docs.show"),
        SHOW,
        format_func=lambda s: t(f"acc.show.{s}"),
        **URL.choice("acc_only", "show", SHOW, SHOW[0]),
    )
    return {
        "search": search,
        "sort": sort,
        "descending": descending,
        "paused": True if only == "paused" else None,
        "without_contact": only == "without contact",
    }


def show_list() -> None:
    st.title(t("nav.accounts"))
    csv_download(t("acc.download"), entity_csv, file_name="accounts.csv", key="acc_csv", entity="accounts")
    filters = list_filters()
    result = call(list_accounts, **filters, page=PAGER.number, page_size=PAGER.size)
    if result is None:
        return
    if not result.total:
        narrowed = filters["search"] or filters["paused"] or filters["without_contact"]
        st.info(t("picker.no_match") if narrowed else t("acc.none"))
        return
    rows = result.rows
    row_table(  # the balance is a number (sorted as one); a click on a row opens the account
        {
            t("acc.col.name"): [r.name for r in rows],
            t("col.source"): [
                label(r.source) if r.source == "manual" else f"↻ {label(r.source)}" for r in rows
            ],
            t("acc.col.country"): [r.country or "" for r in rows],
            t("table.currency"): [r.currency for r in rows],
            t("acc.col.outstanding"): [r.outstanding_balance for r in rows],
            t("acc.col.overdue"): [r.overdue_count for r in rows],
            t("acc.col.contacts"): [r.contact_count for r in rows],
            t("acc.col.paused"): [t("acc.paused_flag") if r.paused else "" for r in rows],
        },
        [r.id for r in rows],
        key="acc_table",
        param="account",
        currency=[r.currency for r in rows],
    )
    PAGER.footer(result, t("nav.accounts"))


# Information and pause -------------------------------------------------------------------------


def show_synced_information(detail: AccountDetail) -> None:
    account = detail.account
    origin = md(detail.integration_name) if detail.integration_name else label(account.source)
    st.caption(t("acc.synced_from", origin=origin))
    values = {
        t("acc.col.name"): account.name,
        t("acc.address"): account.address,
        t("acc.col.country"): account.country,
        t("field.currency"): account.currency,
        t("acc.vat"): account.vat,
        "SIREN": account.siren,
        t("contact.language"): account.language,
    }
    field, value = t("acc.field"), t("acc.value")
    st.table(
        pd.DataFrame({field: list(values), value: [md(v) or "—" for v in values.values()]}).set_index(field)
    )


def show_information(detail: AccountDetail) -> None:
    account = detail.account
    if not detail.editable:
        show_synced_information(detail)
        return
    with st.form(f"account_form_{account.id}"):
        name = st.text_input(t("acc.col.name"), account.name)
        address = st.text_area(t("acc.address"), account.address or "")
        c = st.columns(5)
        country = c[0].text_input(t("acc.country_iso"), account.country or "")
        currency = c[1].text_input(t("field.currency"), account.currency)
        vat = c[2].text_input(t("field.vat"), account.vat or "")
        siren = c[3].text_input("SIREN", account.siren or "")
        languages = ["", *LANGUAGES]
        language = c[4].selectbox(
            t("acc.reminder_language"),
            languages,
            index=languages.index(account.language or ""),
            help=t("acc.language_help"),
        )
        if (
            st.form_submit_button(t("acc.save"))
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
            flash(t("acc.saved"))


def show_pause(detail: AccountDetail) -> None:
    account = detail.account
    if account.paused:
        resumed = st.button(t("acc.resume"), key="resume")
        if (
            resumed
            and call(set_paused, account_id=account.id, paused=False, actor=current_user()) is not None
        ):
            flash(t("acc.resumed"))
        return
    with st.form("pause_form"):
        reason = st.text_input(t("field.reason"), placeholder=t("acc.pause_placeholder"))
        if st.form_submit_button(t("acc.pause")):
            done = call(set_paused, account_id=account.id, paused=True, actor=current_user(), reason=reason)
            if done is not None:
                flash(t("acc.paused"))


# Contacts and referents ------------------------------------------------------------------------


def edit_contact(contact: Contact) -> None:
    """One contact's expander: its form, "Mark as valid" when it bounced, and delete."""
    with st.expander(contact_title(contact)):
        seen = seen_version(contact)
        if not contact.is_valid:
            reason = md(contact.invalid_reason) if contact.invalid_reason else t("acc.no_reason")
            st.error(t("contact.bounced", reason=reason))
        with st.form(f"contact_{contact.id}"):
            c = st.columns(3)
            name = c[0].text_input(t("contact.name"), contact.name, key=f"c{contact.id}_name")
            email = c[1].text_input(t("contact.email"), contact.email, key=f"c{contact.id}_email")
            language = c[2].selectbox(
                t("contact.language"),
                LANGUAGES,
                index=lang_index(contact.language),
                key=f"c{contact.id}_lang",
            )
            changes = {"name": name, "language": language, **contact_fields(f"c{contact.id}", contact)}
            b = st.columns(3)
            save = b[0].form_submit_button(t("contact.save"))
            revalidate = not contact.is_valid and b[1].form_submit_button(t("contact.mark_valid"))
            delete = b[2].form_submit_button(t("contact.delete"))
        if email.strip() != contact.email:  # only a new e-mail revalidates a bounced contact
            changes["email"] = email
        if save or revalidate:
            done = call(
                update_contact,
                contact_id=contact.id,
                actor=current_user(),
                today=today(),
                mark_valid=bool(revalidate),
                version=seen,
                **changes,
            )
            if done is not None:
                saved_version(done)
                flash(t("contact.saved_valid" if done.is_valid else "contact.saved", name=md(done.name)))
        if (
            delete
            and call(delete_contact, contact_id=contact.id, actor=current_user(), today=today(), version=seen)
            is not None
        ):
            flash(t("contact.deleted", name=md(contact.name)))


def new_contact_form(detail: AccountDetail) -> None:
    st.markdown(t("contact.add_title"))
    gen = st.session_state.setdefault("nc_gen", 0)  # a new generation of keys empties the form
    email, name, language = new_contact_inputs("nc", f"_{gen}")
    optional = contact_fields(f"nc_{gen}")
    if st.button(t("contact.add"), key=f"nc_add_{gen}", type="primary"):
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
            flash(t("contact.added", name=md(done.name)))


def show_contacts(detail: AccountDetail) -> None:
    if not has_reachable_contact(detail.contacts):
        st.warning(t("contact.none_valid"), icon=":material/inbox:")
    for contact in detail.contacts:
        edit_contact(contact)
    new_contact_form(detail)


def edit_referent(detail: AccountDetail, ref: Referent | None) -> None:
    """One referent's expander, or (``ref`` None) the form that adds one."""
    key = f"r{ref.id}" if ref else "r_new"
    title = (
        md(f"{ref.name} <{ref.email}>") + (f" · {t('contact.primary_flag')}" if ref.is_primary else "")
        if ref
        else t("ref.add_title")
    )
    with st.expander(title, expanded=ref is None and not detail.referents):
        with st.form(key):
            c = st.columns(3)
            name = c[0].text_input(t("contact.name"), ref.name if ref else "", key=f"{key}_name")
            email = c[1].text_input(t("contact.email"), ref.email if ref else "", key=f"{key}_email")
            language = c[2].selectbox(
                t("ref.language"), LANGUAGES, index=lang_index(ref.language) if ref else 0, key=f"{key}_lang"
            )
            primary = st.checkbox(t("ref.primary"), ref.is_primary if ref else False, key=f"{key}_primary")
            b = st.columns(2)
            save = b[0].form_submit_button(t("ref.save") if ref else t("ref.add"))
            delete = ref is not None and b[1].form_submit_button(t("ref.delete"))
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
                flash(t("ref.saved", name=md(done.name)))
        if (
            ref is not None
            and delete
            and call(delete_referent, referent_id=ref.id, actor=current_user()) is not None
        ):
            flash(t("ref.deleted", name=md(ref.name)))


def show_referents(detail: AccountDetail) -> None:
    st.caption(t("ref.caption"))
    for ref in [*detail.referents, None]:
        edit_referent(detail, ref)


# Detail ----------------------------------------------------------------------------------------


def show_header(detail: AccountDetail) -> None:
    account = detail.account
    st.title(md(account.name))
    source_badge(account.source.value, detail.integration_name)
    if account.paused:
        reason = md(account.paused_reason) if account.paused_reason else t("acc.no_reason")
        st.warning(t("acc.paused_banner", reason=reason), icon=":material/pause_circle:")
    m = st.columns(4)
    m[0].metric(t("home.outstanding"), money(account.outstanding_balance, account.currency))
    m[1].metric(t("acc.col.overdue"), account.overdue_count)
    m[2].metric(t("acc.valid_contacts"), account.contact_count)
    m[3].metric(t("home.open_tasks"), sum(task.status.is_open for task in detail.tasks))


def show_detail(account_id: int) -> None:
    back_button(t("acc.back"), "account")
    detail = call(account_detail, account_id=account_id)
    if detail is None:
        return
    show_header(detail)
    tabs = st.tabs(
        [
            t("acc.tab.information"),
            t("acc.tab.contacts", count=len(detail.contacts)),
            t("acc.tab.referents", count=len(detail.referents)),
            t("acc.tab.invoices", count=detail.invoice_count),
            t("acc.tab.credit_notes", count=detail.credit_note_count),
            t("acc.tab.payments", count=len(detail.payments)),
            t("acc.tab.tasks", count=len(detail.tasks)),
            t("acc.tab.communications", count=len(detail.communications)),
            t("acc.tab.collection"),
            t("acc.tab.history"),
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
