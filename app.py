"""Billabex: the Streamlit entry point (page config, login, navigation)."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from billabex_core.services.auth import SignedIn
from billabex_ui import md
from billabex_ui.auth import current_login, language_picker, log_out, login_form, login_language, resume
from billabex_ui.demos import reattach_demos
from billabex_ui.i18n import t, use_language
from billabex_ui.jobs import worker_banner

# section key → (script, title key, icon, administrators only); titles in billabex_ui/locales.
# Icons are Material Symbols (shipped with Streamlit): emoji showed as empty boxes on machines
# without an emoji font.
PAGES = {
    "": [("pages/home.py", "nav.dashboard", ":material/dashboard:", False)],
    "nav.section.import": [
        ("pages/upload.py", "nav.upload", ":material/upload_file:", False),
        ("pages/review.py", "nav.review", ":material/fact_check:", False),
    ],
    "nav.section.receivables": [
        ("pages/invoices.py", "nav.invoices", ":material/receipt_long:", False),
        ("pages/accounts.py", "nav.accounts", ":material/apartment:", False),
        ("pages/tasks.py", "nav.tasks", ":material/task_alt:", False),
        ("pages/communications.py", "nav.communications", ":material/mail:", False),
    ],
    "nav.section.setup": [
        ("pages/integrations.py", "nav.integrations", ":material/sync_alt:", True),
        ("pages/settings.py", "nav.settings", ":material/settings:", True),
        ("pages/audit.py", "nav.audit", ":material/history:", True),
        ("pages/password.py", "nav.password", ":material/key:", False),
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
    as ``/accounts?account=12`` shows the form (no "page not found"), and the run right after the
    login opens that page with its parameters.
    """
    login = resume()
    if login is not None:
        return login
    # The pages first, then the form: a form drawn before them was lost in the first session of a
    # new server (the browser learned the pages, and the form's submission reached a run that no
    # longer knew its fields: the form came back empty). A successful login reruns the script:
    # that run opens the page of the address with its parameters.
    st.navigation(
        [
            st.Page(lambda: None, title=t(title), url_path=Path(path).stem, default=path == HOME)
            for _, path, title, _, _ in _entries()
        ],
        position="hidden",
    )
    if login_form() is not None:
        st.rerun()
    st.stop()


def sidebar(login: SignedIn) -> None:
    with st.sidebar:
        role = t("sidebar.role.admin") if login.is_admin else t("sidebar.role.member")
        st.caption(t("sidebar.signed_in", name=md(login.name), role=role))
        language_picker(login)
        st.button(t("sidebar.logout"), key="logout_button", on_click=log_out)


def navigate(login: SignedIn) -> None:
    """Every page; the administrators' pages are hidden from members (their address says so)."""
    navigation: dict[str, list[st.Page]] = {}
    for section, path, title, icon, admin_only in _entries():
        hidden = admin_only and not login.is_admin
        navigation.setdefault(t(section) if section else "", []).append(
            st.Page(
                path,
                title=t(title),
                icon=icon,
                default=path == HOME,
                visibility="hidden" if hidden else "visible",
            )
        )
    st.navigation(navigation).run()


def main() -> None:
    st.set_page_config(page_title="Billabex", page_icon=":material/euro:", layout="wide")
    map_secrets()
    use_language(login_language(current_login()))
    signed_in = log_in()
    use_language(login_language(signed_in))
    sidebar(signed_in)
    worker_banner()  # every screen: scheduled work does not happen without a worker
    reattach_demos()  # once per process: the demo billing tools answer again after a restart
    navigate(signed_in)


# Streamlit runs this script as ``__main__``; a multiprocessing child (spawn or forkserver, as the
# isolated extraction uses) imports it again as ``__mp_main__`` and must not run the app.
if __name__ == "__main__":
    main()
