"""My password: every login changes its own password (then logs in again with it)."""

import streamlit as st

from billabex_core.services.users import MIN_PASSWORD_LENGTH, change_own_password
from billabex_ui import call, current_user, require_login
from billabex_ui.auth import end_this_session

require_login()


def password_form() -> None:
    with st.form("password_form", clear_on_submit=True):
        current = st.text_input("Current password", type="password", autocomplete="current-password")
        new = st.text_input(
            "New password",
            type="password",
            autocomplete="new-password",
            help=f"At least {MIN_PASSWORD_LENGTH} characters.",
        )
        again = st.text_input("New password again", type="password", autocomplete="new-password")
        if not st.form_submit_button("Change my password", type="primary"):
            return
    if new != again:
        st.warning("The two new passwords differ.", icon="⚠️")
        return
    if call(change_own_password, actor=current_user(), current=current, new=new) is not None:
        end_this_session("password")


st.title("My password")
st.caption(
    "Changing your password ends every session of your login, here and in other browsers: "
    "you then log in again with the new password."
)
password_form()
