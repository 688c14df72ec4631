"""Who is using the app and how a page talks to the core: the login guard, the current user, the
business day, and ``call`` — one core function in one short transaction per user action."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import streamlit as st

from billabex_core.clock import business_today
from billabex_core.db.engine import session_scope
from billabex_core.errors import BillabexError
from billabex_ui.feedback import show_error, show_failure
from billabex_ui.i18n import t

T = TypeVar("T")
log = logging.getLogger("billabex")


LOGIN = "billabex_login"  # this tab's login (billabex_core.services.auth.SignedIn), set by billabex_ui.auth


def _login() -> Any:
    return st.session_state.get(LOGIN)


def require_login() -> None:
    """First line of every page: a page script never renders for a visitor without a login.

    ``app.py`` already stops before navigation without a login (and checks the session with the
    core on every run); this guard covers Streamlit's legacy ``pages/`` mode, which a fresh server
    uses for a direct page URL until the entry point has run once.
    """
    if _login() is not None:
        return
    try:
        st.switch_page("app.py")
    except Exception:  # noqa: BLE001 - not in legacy mode: nothing to switch to
        st.stop()
    st.stop()


def require_admin() -> None:
    """First lines of an administrators' page: a member sees why, and nothing else (even by URL).
    The core checks the role again on every change (``billabex_core.services.roles``)."""
    require_login()
    if not is_admin():
        st.title(t("guard.admin_title"))
        st.warning(t("guard.admin_only"), icon=":material/lock:")
        st.stop()


def current_user() -> str:
    """The logged-in username: what every service receives as ``actor``."""
    login = _login()
    return login.username if login is not None else "unknown"


def is_admin() -> bool:
    login = _login()
    return bool(login is not None and login.is_admin)


def today() -> date:
    return business_today()


def call(fn: Callable[..., T], /, **kwargs: Any) -> T | None:
    """Run one core function in one short transaction; show a ``BillabexError`` and return None.

    Anything else is a bug: the user gets a generic message (never a traceback) and the server
    log gets the traceback.
    """
    try:
        with session_scope() as session:
            return fn(session=session, **kwargs)
    except BillabexError as exc:
        show_error(exc)
        return None
    except Exception:
        log.exception("unexpected error in %s", getattr(fn, "__name__", fn))
        show_failure()
        return None
