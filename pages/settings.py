"""Settings (administrators): who "we" are (the seller on every invoice), defaults, the idle
timeout, and the logins (add, role, deactivate, reset a password)."""

import streamlit as st

from billabex_core.models import LANGUAGES, Organisation, User
from billabex_core.services.auth import MAX_IDLE_HOURS, MIN_IDLE_HOURS
from billabex_core.services.org import MAX_FRESHNESS_HOURS, REMINDER_MODES, get_organisation
from billabex_core.services.roles import set_idle_timeout, update_organisation
from billabex_core.services.users import add_user, list_users, reset_password, set_active, set_admin
from billabex_ui import call, current_user, flash, md, require_admin, show_flash, show_table

require_admin()


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


def reminders_form(org: Organisation) -> None:
    """How reminders go out (domain.md §6b): the mode, the payment details they carry, and how old
    synced data may be before the reminders of their accounts are held."""
    with st.form("reminders"):
        mode = st.radio(
            "Reminders mode",
            REMINDER_MODES,
            index=REMINDER_MODES.index(org.reminders_mode),
            format_func=lambda m: {
                "automatic": "Automatic: due reminders go out",
                "approval": "Approval: a person approves each one",
            }[m],
            horizontal=True,
            key="set_reminders_mode",
        )
        c1, c2 = st.columns(2)
        iban = c1.text_input("IBAN (printed on reminders)", value=org.iban or "", key="set_iban")
        bic = c2.text_input("BIC", value=org.bic or "", key="set_bic")
        reference = c1.text_input(
            "Payment reference",
            value=org.payment_reference or "",
            placeholder="{invoice}",
            key="set_payment_reference",
            help="What customers quote on their transfer; {invoice} stands for the invoice numbers. Empty: the numbers.",
        )
        hours = c2.number_input(
            "Hold reminders when synced data are older than (hours)",
            1,
            MAX_FRESHNESS_HOURS,
            org.freshness_hours,
            key="set_freshness_hours",
            help="Real time since the integration's last successful sync; a failed last sync holds them too.",
        )
        if st.form_submit_button("Save reminder settings") and call(
            update_organisation,
            actor=current_user(),
            reminders_mode=mode,
            iban=iban,
            bic=bic,
            payment_reference=reference,
            freshness_hours=int(hours),
        ):
            flash("Reminder settings saved.")


def security_form(org: Organisation) -> None:
    with st.form("security"):
        hours = st.number_input(
            "Log out a login idle for (hours)",
            MIN_IDLE_HOURS,
            MAX_IDLE_HOURS,
            org.idle_timeout_hours,
            help="A session also ends 24 hours after logging in, whatever the activity.",
        )
        if st.form_submit_button("Save idle timeout") and call(
            set_idle_timeout, actor=current_user(), hours=int(hours)
        ):
            flash(f"Idle timeout: {int(hours)} hours.")


def show_organisation() -> None:
    org = call(get_organisation)
    if org is None:
        return
    st.subheader("Organisation")
    st.caption("Extraction uses your name, VAT number and SIREN to tell you (the seller) from the customer.")
    organisation_form(org)
    st.subheader("Reminders")
    reminders_form(org)
    st.subheader("Security")
    security_form(org)


def add_login_form() -> None:
    """The new login's password is generated and shown once."""
    with st.form("add_user", clear_on_submit=True):
        st.markdown("**Add a login** — a password is generated and shown once.")
        c1, c2, c3 = st.columns(3)
        username = c1.text_input("Username")
        full_name = c2.text_input("Full name")
        email = c3.text_input("E-mail")
        c4, c5 = st.columns(2)
        admin = c4.checkbox("Administrator")
        language = c5.selectbox(
            "Interface language", ["", "fr", "en"], format_func=lambda x: x or "the organisation's"
        )
        if st.form_submit_button("Add"):
            made = call(
                add_user,
                username=username,
                email=email,
                name=full_name,
                admin=admin,
                language=language or None,
                actor=current_user(),
            )
            if made is not None:
                user, password = made
                st.success(f"Login **{md(user.username)}** created. Password (shown once): `{password}`")


def manage_login(users: list[User]) -> None:
    """Role, deactivation and password reset of one login."""
    names = {u.username: u for u in users}
    with st.form("manage_user"):
        st.markdown("**Change a login**")
        c1, c2 = st.columns([2, 3])
        chosen = c1.selectbox("Login", list(names), key="manage_login")
        action = c2.radio(
            "Action",
            ["Make administrator", "Make member", "Disable", "Enable", "Reset the password"],
            horizontal=True,
            key="manage_action",
        )
        if not st.form_submit_button("Apply") or chosen is None:
            return
    actor, done = current_user(), None
    if action == "Reset the password":
        made = call(reset_password, username=chosen, actor=actor)
        if made is not None:
            st.success(
                f"New password of **{md(chosen)}** (shown once): `{made[1]}`; its sessions have ended."
            )
        return
    if action in ("Make administrator", "Make member"):
        done = call(set_admin, username=chosen, admin=action == "Make administrator", actor=actor)
    else:
        done = call(set_active, username=chosen, active=action == "Enable", actor=actor)
    if done is not None:
        flash(f"{md(chosen)}: done ({action.lower()}).")


def show_logins() -> None:
    st.subheader("Logins")
    listed = st.container()  # filled after the form: a login added there is listed in the same run
    add_login_form()
    users = call(list_users, actor=current_user()) or []
    with listed:
        show_table(
            {
                "Username": [u.username for u in users],
                "Name": [u.name for u in users],
                "E-mail": [u.email for u in users],
                "Role": ["administrator" if u.is_admin else "member" for u in users],
                "Active": [u.is_active for u in users],
                "Language": [u.language or "" for u in users],
            }
        )
    if users:
        manage_login(users)


st.title("Settings")
show_flash()
show_organisation()
show_logins()
