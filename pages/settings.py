"""Settings: who "we" are (the seller on every invoice), defaults, and the logins."""

import streamlit as st

from billabex_core.models import LANGUAGES, Organisation
from billabex_core.services.org import get_organisation, update_organisation
from billabex_core.services.users import add_user, list_users
from billabex_ui import call, current_user, is_admin, require_login, show_table

require_login()


def organisation_form(org: Organisation) -> None:
    with st.form("organisation"):
        c1, c2 = st.columns(2)
        name = c1.text_input("Company name", value=org.name)
        country = c2.text_input("Country (ISO, e.g. FR)", value=org.country)
        vat = c1.text_input("VAT number", value=org.vat or "")
        siren = c2.text_input("SIREN", value=org.siren or "")
        currency = c1.text_input("Default currency", value=org.default_currency)
        language = c2.selectbox("Default language", LANGUAGES, index=LANGUAGES.index(org.default_language))
        terms = c1.number_input(
            "Default payment terms (days)",
            0,
            365,
            org.payment_terms_days,
            help="Due date when a document prints none and no payment terms",
        )
        pre_due = c2.number_input(
            "Courteous reminder, business days before the due date", 0, 30, org.pre_due_business_days
        )
        sender = c1.text_input("Sender e-mail for reminders", value=org.sender_email or "")
        if (
            st.form_submit_button("Save", type="primary")
            and call(
                update_organisation,
                actor=current_user(),
                name=name,
                country=country,
                vat=vat,
                siren=siren,
                default_currency=currency,
                default_language=language,
                payment_terms_days=terms,
                pre_due_business_days=pre_due,
                sender_email=sender,
            )
            is not None
        ):
            st.success("Settings saved.")


def show_organisation() -> None:
    org = call(get_organisation)
    if org is None:
        return
    st.subheader("Organisation")
    st.caption("Extraction uses your name, VAT number and SIREN to tell you (the seller) from the customer.")
    organisation_form(org)


def add_login_form() -> None:
    """Administrators only: the new login's password is generated and shown once."""
    with st.form("add_user", clear_on_submit=True):
        st.markdown("**Add a login** — a password is generated and shown once.")
        c1, c2, c3 = st.columns(3)
        username = c1.text_input("Username")
        full_name = c2.text_input("Full name")
        email = c3.text_input("E-mail")
        admin = st.checkbox("Administrator")
        if st.form_submit_button("Add"):
            made = call(
                add_user, username=username, email=email, name=full_name, admin=admin, actor=current_user()
            )
            if made is not None:
                user, password = made
                st.success(f"Login **{user.username}** created. Password (shown once): `{password}`")


def show_logins() -> None:
    st.subheader("Logins")
    users = call(list_users, actor=current_user()) or []
    show_table(
        {
            "Username": [u.username for u in users],
            "Name": [u.name for u in users],
            "E-mail": [u.email for u in users],
            "Admin": [u.is_admin for u in users],
        }
    )
    if is_admin():
        add_login_form()
    else:
        st.caption("Only administrators can add logins.")


st.title("Settings")
show_organisation()
show_logins()
