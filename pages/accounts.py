"""Accounts: the searchable list, and one account's detail (?account=<id>) with its contacts,
referents, documents, payments, tasks, communications and history."""

import pandas as pd
import streamlit as st

from billabex_core.models import LANGUAGES, Contact, ContactUsage, Document
from billabex_core.queries import ACCOUNT_SORTS, AccountDetail, account_detail, list_accounts
from billabex_core.services.accounts import set_paused, update_account
from billabex_core.services.contacts import (
    add_contact,
    default_name,
    delete_contact,
    delete_referent,
    save_referent,
    update_contact,
)
from billabex_ui import call, current_user, money, require_login, today

require_login()

USAGE_LABELS = {
    ContactUsage.NORMAL: "receives reminders",
    ContactUsage.COPY_ONLY: "copy only (CC)",
    ContactUsage.DO_NOT_CONTACT: "do not contact",
}
SORT_LABELS = {
    "name": "Name",
    "outstanding": "Outstanding balance",
    "overdue": "Overdue invoices",
    "contacts": "Contacts",
    "country": "Country",
    "created": "Creation",
}
PAGE_SIZE = 50


def lang_index(code: str | None) -> int | None:
    """Position of a language in the selectbox; None (empty) for one a billing tool sent us."""
    return LANGUAGES.index(code) if code in LANGUAGES else None


def flash(message: str) -> None:
    """Show ``message`` after the rerun that follows a successful action."""
    st.session_state["accounts_flash"] = message
    st.rerun()


def open_account(account_id: int | None) -> None:
    if account_id is None:
        st.query_params.pop("account", None)
    else:
        st.query_params["account"] = str(account_id)
    st.rerun()


def source_badge(source: str, integration: str | None = None) -> None:
    if source == "manual":
        st.badge("Manual", color="gray")
    else:
        st.badge(f"Synced · {integration or source}", icon="🔄", color="blue")


# List ------------------------------------------------------------------------------------------


def first_page() -> None:
    st.session_state["acc_page"] = 1


def show_list() -> None:
    st.title("Accounts")
    cols = st.columns([3, 2, 1, 1])
    search = cols[0].text_input(
        "Search", placeholder="name, VAT or SIREN", key="acc_search", on_change=first_page
    )
    sort = cols[1].selectbox(
        "Sort by",
        list(ACCOUNT_SORTS),
        format_func=SORT_LABELS.__getitem__,
        key="acc_sort",
        on_change=first_page,
    )
    descending = cols[2].toggle(
        "Descending", value=sort in ("outstanding", "overdue"), key=f"acc_desc_{sort}"
    )
    only = cols[3].selectbox(
        "Show", ["all", "paused", "without contact"], key="acc_only", on_change=first_page
    )
    page_no = int(st.session_state.get("acc_page", 1))
    result = call(
        list_accounts,
        search=search,
        sort=sort,
        descending=descending,
        paused=True if only == "paused" else None,
        without_contact=only == "without contact",
        page=page_no,
        page_size=PAGE_SIZE,
    )
    if result is None:
        return
    if not result.total:
        st.info("No account matches." if search or only != "all" else "No account yet: upload an invoice.")
        return
    frame = pd.DataFrame(
        {
            "Name": [r.name for r in result.rows],
            "Source": ["manual" if r.source == "manual" else f"🔄 {r.source.value}" for r in result.rows],
            "Country": [r.country or "" for r in result.rows],
            "Currency": [r.currency for r in result.rows],
            "Outstanding": [money(r.outstanding_balance, r.currency) for r in result.rows],
            "Overdue invoices": [r.overdue_count for r in result.rows],
            "Contacts": [r.contact_count for r in result.rows],
            "Paused": ["⏸ paused" if r.paused else "" for r in result.rows],
        },
        index=[r.id for r in result.rows],
    )
    st.dataframe(frame, hide_index=True, width="stretch")
    nav = st.columns([2, 1, 3])
    nav[0].caption(f"Accounts {result.first:,}–{result.last:,} of {result.total:,}")
    nav[1].number_input(f"Page (of {result.page_count:,})", min_value=1, step=1, key="acc_page")
    with nav[2]:
        names = {r.id: r.name for r in result.rows}
        chosen = st.selectbox(
            "Open an account of this page", list(names), format_func=names.get, key="acc_pick"
        )
        if st.button("Open", key="acc_open"):
            open_account(chosen)


# Detail ----------------------------------------------------------------------------------------


def show_information(detail: AccountDetail) -> None:
    account = detail.account
    if not detail.editable:
        st.caption(
            f"Synced from {detail.integration_name or account.source.value}: edit it in the billing tool."
        )
        st.table(
            pd.DataFrame(
                {
                    "Field": ["Name", "Postal address", "Country", "Currency", "VAT", "SIREN", "Language"],
                    "Value": [
                        account.name,
                        account.address or "—",
                        account.country or "—",
                        account.currency,
                        account.vat or "—",
                        account.siren or "—",
                        account.language or "—",
                    ],
                }
            ).set_index("Field")
        )
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
        if st.form_submit_button("Save information"):
            saved = call(
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
            if saved is not None:
                flash("Account information saved.")


def show_pause(detail: AccountDetail) -> None:
    account = detail.account
    if account.paused:
        resumed = st.button("▶ Resume follow-ups", key="resume")
        if resumed and call(set_paused, account_id=account.id, paused=False, actor=current_user()):
            flash("Follow-ups resumed.")
        return
    with st.form("pause_form"):
        reason = st.text_input("Reason", placeholder="e.g. payment plan agreed on the phone")
        if st.form_submit_button("⏸ Pause follow-ups"):
            done = call(set_paused, account_id=account.id, paused=True, actor=current_user(), reason=reason)
            if done is not None:
                flash("Follow-ups paused.")


def contact_fields(prefix: str, contact: Contact | None = None) -> dict[str, object]:
    """The optional fields of a contact form (role, phone, usage, notes, primary)."""
    c = st.columns(3)
    usages = list(USAGE_LABELS)
    values = {
        "role": c[0].text_input("Role", contact.role or "" if contact else "", key=f"{prefix}_role"),
        "phone": c[1].text_input("Phone", contact.phone or "" if contact else "", key=f"{prefix}_phone"),
        "usage": c[2].selectbox(
            "Use for reminders",
            usages,
            index=usages.index(contact.usage) if contact else 0,
            format_func=USAGE_LABELS.__getitem__,
            key=f"{prefix}_usage",
        ),
    }
    values["notes"] = st.text_input("Notes", contact.notes or "" if contact else "", key=f"{prefix}_notes")
    values["is_primary"] = st.checkbox(
        "Primary contact", contact.is_primary if contact else False, key=f"{prefix}_primary"
    )
    return values


def prefill_name(gen: int) -> None:
    """The tip of the contact form: with no name yet, use the part of the e-mail before the @."""
    email = st.session_state.get(f"nc_email_{gen}", "")
    if email and "@" in email and not st.session_state.get(f"nc_name_{gen}"):
        st.session_state[f"nc_name_{gen}"] = default_name(email.strip())


def show_contacts(detail: AccountDetail) -> None:
    account = detail.account
    if not any(c.is_valid and c.usage != ContactUsage.DO_NOT_CONTACT for c in detail.contacts):
        st.warning("No valid contact: no reminder can be sent. Add one below.", icon="📭")
    for contact in detail.contacts:
        flags = [USAGE_LABELS[contact.usage]] + (["primary"] if contact.is_primary else [])
        label = f"{contact.name} <{contact.email}> · {contact.language} · {', '.join(flags)}"
        if not contact.is_valid:
            label = f"⚠️ INVALID — {label}"
        with st.expander(label):
            if not contact.is_valid:
                st.error(
                    f"Mail to this contact bounced: {contact.invalid_reason or 'no reason given'}. "
                    "Correct the e-mail (it becomes valid again) or mark it valid if the address was right."
                )
            with st.form(f"contact_{contact.id}"):
                c = st.columns(3)
                name = c[0].text_input("Name", contact.name, key=f"c{contact.id}_name")
                email = c[1].text_input("E-mail", contact.email, key=f"c{contact.id}_email")
                language = c[2].selectbox(
                    "Language", LANGUAGES, index=lang_index(contact.language), key=f"c{contact.id}_lang"
                )
                optional = contact_fields(f"c{contact.id}", contact)
                b = st.columns(3)
                save = b[0].form_submit_button("Save contact")
                revalidate = not contact.is_valid and b[1].form_submit_button("Mark as valid")
                delete = b[2].form_submit_button("Delete contact")
            if save or revalidate:
                changes = {"name": name, "language": language, **optional}
                if email.strip() != contact.email:
                    changes["email"] = email
                done = call(
                    update_contact,
                    contact_id=contact.id,
                    actor=current_user(),
                    today=today(),
                    mark_valid=bool(revalidate),
                    **changes,
                )
                if done is not None:
                    flash(f"Contact {done.name} saved." + (" It is valid again." if done.is_valid else ""))
            if delete and call(delete_contact, contact_id=contact.id, actor=current_user(), today=today()):
                flash(f"Contact {contact.name} deleted.")

    st.markdown("**Add a contact**")
    gen = st.session_state.setdefault("nc_gen", 0)
    c = st.columns(3)
    email = c[0].text_input("E-mail", key=f"nc_email_{gen}", on_change=prefill_name, args=(gen,))
    name = c[1].text_input("Name", key=f"nc_name_{gen}")
    language = c[2].selectbox("Language", LANGUAGES, index=None, key=f"nc_lang_{gen}")
    st.caption(
        "Tip: if the name is unknown, use the part of the e-mail before the @ "
        "(comptabilite@acme.com → “comptabilite”); it is filled in for you."
    )
    optional = contact_fields(f"nc_{gen}")
    if st.button("Add contact", key=f"nc_add_{gen}", type="primary"):
        done = call(
            add_contact,
            account_id=account.id,
            email=email,
            name=name,
            language=language or "",
            actor=current_user(),
            today=today(),
            **optional,
        )
        if done is not None:
            st.session_state["nc_gen"] = gen + 1
            flash(f"Contact {done.name} added.")


def show_referents(detail: AccountDetail) -> None:
    account = detail.account
    st.caption(
        "Team members responsible for this account: they get the agent's notifications (none: everybody)."
    )
    for ref in [*detail.referents, None]:
        key = f"r{ref.id}" if ref else "r_new"
        title = (
            f"{ref.name} <{ref.email}>" + (" · primary" if ref.is_primary else "")
            if ref
            else "Add a referent"
        )
        with st.expander(title, expanded=ref is None and not detail.referents):
            with st.form(key):
                c = st.columns(3)
                name = c[0].text_input("Name", ref.name if ref else "", key=f"{key}_name")
                email = c[1].text_input("E-mail", ref.email if ref else "", key=f"{key}_email")
                language = c[2].selectbox(
                    "Language",
                    LANGUAGES,
                    index=lang_index(ref.language) if ref else 0,
                    key=f"{key}_lang",
                )
                primary = st.checkbox(
                    "Primary referent", ref.is_primary if ref else False, key=f"{key}_primary"
                )
                b = st.columns(2)
                save = b[0].form_submit_button("Save referent" if ref else "Add referent")
                delete = ref is not None and b[1].form_submit_button("Delete referent")
            if save:
                done = call(
                    save_referent,
                    account_id=account.id,
                    referent_id=ref.id if ref else None,
                    name=name,
                    email=email,
                    language=language,
                    is_primary=primary,
                    actor=current_user(),
                )
                if done is not None:
                    flash(f"Referent {done.name} saved.")
            if delete and call(delete_referent, referent_id=ref.id, actor=current_user()):
                flash(f"Referent {ref.name} deleted.")


def documents_table(docs: list[Document], count: int, kind: str) -> None:
    if not docs:
        st.caption(f"No {kind}.")
        return
    status = (lambda d: d.invoice_status) if kind == "invoices" else (lambda d: d.credit_status)
    st.dataframe(
        pd.DataFrame(
            {
                "Number": [d.number for d in docs],
                "Issued": [d.issue_date for d in docs],
                "Due": [d.due_date for d in docs],
                "Total": [money(d.total_incl_tax, d.currency) for d in docs],
                "Remaining": [money(d.remaining_amount, d.currency) for d in docs],
                "Status": [(status(d).value if status(d) else "").replace("_", " ") for d in docs],
                "Source": [d.source.value for d in docs],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if count > len(docs):
        st.caption(f"The {len(docs)} latest of {count:,}.")
    names = {d.id: d.number for d in docs}
    c = st.columns([3, 1])
    chosen = c[0].selectbox("Open", list(names), format_func=names.get, key=f"open_{kind}")
    if c[1].button("Open document", key=f"open_{kind}_btn"):
        st.switch_page("pages/invoices.py", query_params={"document": str(chosen)})


def show_detail(account_id: int) -> None:
    if st.button("← All accounts", key="back"):
        open_account(None)
    detail = call(account_detail, account_id=account_id)
    if detail is None:
        return
    account = detail.account
    st.title(account.name)
    source_badge(account.source.value, detail.integration_name)
    if account.paused:
        st.warning(f"Follow-ups are paused: {account.paused_reason or 'no reason given'}", icon="⏸")
    m = st.columns(4)
    m[0].metric("Outstanding balance", money(account.outstanding_balance, account.currency))
    m[1].metric("Overdue invoices", account.overdue_count)
    m[2].metric("Valid contacts", account.contact_count)
    m[3].metric("Open tasks", sum(t.status.is_open for t in detail.tasks))
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
        if detail.payments:
            st.dataframe(
                pd.DataFrame(
                    {
                        "Date": [p.paid_on for p in detail.payments],
                        "Invoice": [detail.document_numbers.get(p.document_id, "") for p in detail.payments],
                        "Amount": [money(p.amount, p.currency) for p in detail.payments],
                        "Note": [p.note or "" for p in detail.payments],
                        "By": [p.created_by or p.source.value for p in detail.payments],
                    }
                ),
                hide_index=True,
            )
        else:
            st.caption("No payment.")
    with tabs[6]:
        for task in detail.tasks:
            st.page_link(
                "pages/tasks.py",
                label=f"#{task.id} {task.subject} — {task.status.value.replace('_', ' ')}",
                query_params={"task": str(task.id)},
            )
        if not detail.tasks:
            st.caption("No task.")
    with tabs[7]:
        if detail.communications:
            st.dataframe(
                pd.DataFrame(
                    {
                        "Scheduled": [c.scheduled_for for c in detail.communications],
                        "Status": [c.status.value for c in detail.communications],
                        "Tone": [c.tone.value for c in detail.communications],
                        "Language": [c.language for c in detail.communications],
                        "To": [", ".join(c.recipients) for c in detail.communications],
                        "Subject": [c.subject for c in detail.communications],
                    }
                ),
                hide_index=True,
            )
        else:
            st.caption("No communication yet: the follow-up agent plans them.")
    with tabs[8]:
        st.dataframe(
            pd.DataFrame(
                {
                    "When": [e.at for e in detail.history],
                    "Who": [e.actor for e in detail.history],
                    "What": [e.action for e in detail.history],
                    "Details": [", ".join(f"{k}: {v}" for k, v in e.details.items()) for e in detail.history],
                }
            ),
            hide_index=True,
            width="stretch",
        )


if message := st.session_state.pop("accounts_flash", None):
    st.success(message)
selected = st.query_params.get("account")
if selected and selected.isdigit():
    show_detail(int(selected))
else:
    show_list()
