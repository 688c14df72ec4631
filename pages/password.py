"""My password: every login changes its own password (then logs in again with it)."""

import streamlit as st

from billabex_core.services.users import MIN_PASSWORD_LENGTH, change_own_password
from billabex_ui import call, current_user, require_login
from billabex_ui.auth import end_this_session
from billabex_ui.i18n import t

require_login()


def password_form() -> None:
    with st.form("password_form", clear_on_submit=True):
        current = st.text_input(t("field.current"), type="password", autocomplete="current-password")
        new = st.text_input(
            t("pw.new"),
            type="password",
            autocomplete="new-password",
            help=t("pw.new_help", count=MIN_PASSWORD_LENGTH),
        )
        again = st.text_input(t("pw.again"), type="password", autocomplete="new-password")
        if not st.form_submit_button(t("pw.submit"), type="primary"):
            return
    if new != again:
        st.warning(t("pw.differ"), icon=":material/warning:")
        return
    if call(change_own_password, actor=current_user(), current=current, new=new) is not None:
        end_this_session("password")


st.title(t("nav.password"))
st.caption(t("pw.caption"))
password_form()
