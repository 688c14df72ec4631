"""Billabex: the Streamlit entry point (page config, login, navigation)."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from billabex_core.services.auth import SignedIn
from billabex_ui import md
from billabex_ui.auth import log_out, login_form, resume
from billabex_ui.jobs import worker_banner

# section → (script, title, icon, administrators only)
PAGES = {
    "": [("pages/home.py", "Dashboard", "🏠", False)],
    "Import": [("pages/upload.py", "Upload", "📤", False), ("pages/review.py", "Review", "📝", False)],
    "Receivables": [
        ("pages/invoices.py", "Invoices", "🧾", False),
        ("pages/accounts.py", "Accounts", "🏢", False),
        ("pages/tasks.py", "Tasks", "✅", False),
        ("pages/communications.py", "Communications", "✉️", False),
    ],
    "Setup": [
        ("pages/integrations.py", "Integrations", "🔌", True),
        ("pages/settings.py", "Settings", "⚙️", True),
        ("pages/audit.py", "Audit log", "📜", True),
        ("pages/password.py", "My password", "🔑", False),
    ],
}
HOME = "pages/home.py"


def map_secrets() -> None:
    """Streamlit secrets become ``BILLABEX_*`` settings; the environment wins."""
    if not os.path.exists(".streamlit/secrets.toml"):
        return
    for key, value in st.secrets.to_dict().items():
        os.environ.setdefault(f"BILLABEX_{key.upper()}", str(value))


def _entries() -> list[tuple[str, str, str, str, bool]]:
    return [
        (section, path, title, icon, admin_only)
        for section, entries in PAGES.items()
        for path, title, icon, admin_only in entries
        if os.path.exists(path)
    ]


def log_in() -> SignedIn:
    """This run's login, checked by the core; else the login form alone, and the run stops.

    Without a login, the navigation knows every page's address but runs none of them: a link such
    as ``/accounts?account=12`` shows the form (no "page not found"), and the same run that logs in
    opens that page with its parameters.
    """
    login = resume() or login_form()
    if login is not None:
        return login
    st.navigation(
        [
            st.Page(lambda: None, title=title, url_path=Path(path).stem, default=path == HOME)
            for _, path, title, _, _ in _entries()
        ],
        position="hidden",
    )
    st.stop()


def sidebar(login: SignedIn) -> None:
    with st.sidebar:
        role = "administrator" if login.is_admin else "member"
        st.caption(f"Signed in as **{md(login.name)}** · {role}")
        st.button("Log out", key="logout_button", on_click=log_out)


def navigate(login: SignedIn) -> None:
    """Every page; the administrators' pages are hidden from members (their address says so)."""
    navigation: dict[str, list[st.Page]] = {}
    for section, path, title, icon, admin_only in _entries():
        hidden = admin_only and not login.is_admin
        navigation.setdefault(section, []).append(
            st.Page(
                path,
                title=title,
                icon=icon,
                default=path == HOME,
                visibility="hidden" if hidden else "visible",
            )
        )
    st.navigation(navigation).run()


def main() -> None:
    st.set_page_config(page_title="Billabex", page_icon="💶", layout="wide")
    map_secrets()
    signed_in = log_in()
    sidebar(signed_in)
    worker_banner()  # every screen: scheduled work does not happen without a worker
    navigate(signed_in)


# Streamlit runs this script as ``__main__``; a multiprocessing child (spawn or forkserver, as the
# isolated extraction uses) imports it again as ``__mp_main__`` and must not run the app.
if __name__ == "__main__":
    main()
