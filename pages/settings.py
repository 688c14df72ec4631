"""Settings (administrators): who "we" are (the seller on every invoice), defaults, the idle
timeout, and the logins (add, role, deactivate, reset a password)."""

import streamlit as st

from billabex_core.models import LANGUAGES, Organisation, User
from billabex_core.services.auth import MAX_IDLE_HOURS, MIN_IDLE_HOURS
from billabex_core.services.org import MAX_FRESHNESS_HOURS, REMINDER_MODES, get_organisation
from billabex_core.services.roles import set_idle_timeout, update_organisation
from billabex_core.services.users import add_user, list_users, reset_password, set_active, set_admin
from billabex_ui import call, current_user, flash, md, require_admin, show_flash, show_table
from billabex_ui.i18n import LANGUAGE_NAMES, t

ACTIONS = ("admin", "member", "disable", "enable", "reset")  # → set.action.*

require_admin()


def organisation_form(org: Organisation) -> None:
    with st.form("organisation"):
        c1, c2 = st.columns(2)
        name = c1.text_input(t("set.company"), value=org.name)
        country = c2.text_input(t("acc.country_iso"), value=org.country)
        vat = c1.text_input(t("field.vat"), value=org.vat or "")
        siren = c2.text_input("SIREN", value=org.siren or "")
        currency = c1.text_input(t("set.currency"), value=org.default_currency)
        language = c2.selectbox(
            t("set.language"),
            LANGUAGES,
            index=LANGUAGES.index(org.default_language),
            help=t("set.language_help"),
        )
        terms = c1.number_input(
            t("set.terms"),
            0,
            365,
            org.payment_terms_days,
            help=t("set.terms_help"),
        )
        pre_due = c2.number_input(t("set.pre_due"), 0, 30, org.pre_due_business_days)
        sender = c1.text_input(t("set.sender"), value=org.sender_email or "")
        if (
            st.form_submit_button(t("set.save"), type="primary")
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
            st.success(t("set.saved"))


def reminders_form(org: Organisation) -> None:
    """How reminders go out (domain.md §6b): the mode, the payment details they carry, and how old
    synced data may be before the reminders of their accounts are held."""
    with st.form("reminders"):
        mode = st.radio(
            t("com.mode"),
            REMINDER_MODES,
            index=REMINDER_MODES.index(org.reminders_mode),
            format_func=lambda m: t(f"set.mode.{m}"),
            horizontal=True,
            key="set_reminders_mode",
        )
        c1, c2 = st.columns(2)
        iban = c1.text_input(t("set.iban"), value=org.iban or "", key="set_iban")
        bic = c2.text_input("BIC", value=org.bic or "", key="set_bic")
        reference = c1.text_input(
            t("set.reference"),
            value=org.payment_reference or "",
            placeholder="{invoice}",
            key="set_payment_reference",
            help=t("set.reference_help"),
        )
        hours = c2.number_input(
            t("set.freshness"),
            1,
            MAX_FRESHNESS_HOURS,
            org.freshness_hours,
            key="set_freshness_hours",
            help=t("set.freshness_help"),
        )
        if st.form_submit_button(t("set.save_reminders")) and call(
            update_organisation,
            actor=current_user(),
            reminders_mode=mode,
            iban=iban,
            bic=bic,
            payment_reference=reference,
            freshness_hours=int(hours),
        ):
            flash(t("set.reminders_saved"))


def security_form(org: Organisation) -> None:
    with st.form("security"):
        hours = st.number_input(
            t("set.idle"),
            MIN_IDLE_HOURS,
            MAX_IDLE_HOURS,
            org.idle_timeout_hours,
            help=t("set.idle_help"),
        )
        if st.form_submit_button(t("set.save_idle")) and call(
            set_idle_timeout, actor=current_user(), hours=int(hours)
        ):
            flash(t("set.idle_saved", hours=int(hours)))


def show_organisation() -> None:
    org = call(get_organisation)
    if org is None:
        return
    st.subheader(t("set.organisation"))
    st.caption(t("set.organisation_caption"))
    organisation_form(org)
    st.subheader(t("set.reminders"))
    reminders_form(org)
    st.subheader(t("set.security"))
    security_form(org)


def add_login_form() -> None:
    """The new login's password is generated and shown once."""
    with st.form("add_user", clear_on_submit=True):
        st.markdown(t("set.add_login"))
        c1, c2, c3 = st.columns(3)
        username = c1.text_input(t("login.username"))
        full_name = c2.text_input(t("set.full_name"))
        email = c3.text_input(t("contact.email"))
        c4, c5 = st.columns(2)
        admin = c4.checkbox(t("set.administrator"))
        language = c5.selectbox(
            t("sidebar.language"),
            ["", "fr", "en"],
            format_func=lambda x: LANGUAGE_NAMES[x] if x else t("set.org_language"),
        )
        if st.form_submit_button(t("set.add")):
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
                st.success(t("set.login_created", username=md(user.username), password=password))


def manage_login(users: list[User]) -> None:
    """Role, deactivation and password reset of one login."""
    names = {u.username: u for u in users}
    with st.form("manage_user"):
        st.markdown(t("set.change_login"))
        c1, c2 = st.columns([2, 3])
        chosen = c1.selectbox(t("set.login"), list(names), key="manage_login")
        action = c2.radio(
            t("set.action"),
            ACTIONS,
            format_func=lambda a: t(f"set.action.{a}"),
            horizontal=True,
            key="manage_action",
        )
        if not st.form_submit_button(t("set.apply")) or chosen is None:
            return
    actor, done = current_user(), None
    if action == "reset":
        made = call(reset_password, username=chosen, actor=actor)
        if made is not None:
            st.success(t("set.password_reset", username=md(chosen), password=made[1]))
        return
    if action in ("admin", "member"):
        done = call(set_admin, username=chosen, admin=action == "admin", actor=actor)
    else:
        done = call(set_active, username=chosen, active=action == "enable", actor=actor)
    if done is not None:
        flash(t("set.action_done", username=md(chosen), action=t(f"set.action.{action}").lower()))


def show_logins() -> None:
    st.subheader(t("set.logins"))
    listed = st.container()  # filled after the form: a login added there is listed in the same run
    add_login_form()
    users = call(list_users, actor=current_user()) or []
    with listed:
        show_table(
            {
                t("login.username"): [u.username for u in users],
                t("contact.name"): [u.name for u in users],
                t("contact.email"): [u.email for u in users],
                t("set.role"): [
                    t("sidebar.role.admin") if u.is_admin else t("sidebar.role.member") for u in users
                ],
                t("set.active"): [u.is_active for u in users],
                t("sidebar.language"): [
                    LANGUAGE_NAMES.get(u.language or "", t("set.org_language")) for u in users
                ],
            }
        )
    if users:
        manage_login(users)


st.title(t("nav.settings"))
show_flash()
show_organisation()
show_logins()
