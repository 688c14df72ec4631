"""Billabex: the Streamlit entry point (page config, login, navigation)."""

from __future__ import annotations

import os
from typing import Any

import streamlit as st
import streamlit_authenticator as stauth

from billabex_core.secrets import cookie_key
from billabex_core.services.users import credentials
from billabex_ui import call

PAGES = {
    "": [("pages/home.py", "Dashboard", "🏠")],
    "Import": [("pages/upload.py", "Upload", "📤"), ("pages/review.py", "Review", "📝")],
    "Receivables": [
        ("pages/invoices.py", "Invoices", "🧾"),
        ("pages/accounts.py", "Accounts", "🏢"),
        ("pages/tasks.py", "Tasks", "✅"),
        ("pages/communications.py", "Communications", "✉️"),
    ],
    "Setup": [("pages/integrations.py", "Integrations", "🔌"), ("pages/settings.py", "Settings", "⚙️")],
}


def map_secrets() -> None:
    """Streamlit secrets become ``BILLABEX_*`` settings; the environment wins."""
    if not os.path.exists(".streamlit/secrets.toml"):
        return
    for key, value in st.secrets.to_dict().items():
        os.environ.setdefault(f"BILLABEX_{key.upper()}", str(value))


def log_in(creds: dict[str, Any]) -> stauth.Authenticate:
    """The login form; stops the run, with only a hidden placeholder page, until someone logs in."""
    authenticator = stauth.Authenticate(
        creds,
        cookie_name="billabex_auth",
        cookie_key=cookie_key(),
        cookie_expiry_days=7,
        auto_hash=False,
        login_sleep_time=0,
    )
    authenticator.login(location="main", key="login", fields={"Form name": "Billabex — log in"})
    status = st.session_state.get("authentication_status")
    if status:
        return authenticator
    if status is False:
        st.error("Username or password is incorrect.")
    elif not creds["usernames"]:
        st.warning(
            "No login exists yet: run `make run` (it creates one) or `python -m billabex_core user add`."
        )
    # Only a hidden placeholder page: without a login no page script ever runs.
    st.navigation([st.Page(lambda: None, title="Log in", url_path="login")], position="hidden")
    st.stop()


def sidebar(authenticator: stauth.Authenticate) -> None:
    with st.sidebar:
        st.caption(f"Signed in as **{st.session_state.get('name')}**")
        if st.button("Log out", key="logout_button"):
            authenticator.logout(location="unrendered")  # clears the session and the cookie
            st.rerun()


def navigate() -> None:
    navigation = {
        section: [
            st.Page(path, title=title, icon=icon, default=path == "pages/home.py")
            for path, title, icon in entries
            if os.path.exists(path)
        ]
        for section, entries in PAGES.items()
    }
    st.navigation({k: v for k, v in navigation.items() if v}).run()


st.set_page_config(page_title="Billabex", page_icon="💶", layout="wide")
map_secrets()
creds = call(credentials)
if creds is None:  # the database is unreachable: call() said so
    st.stop()
sidebar(log_in(creds))
navigate()
