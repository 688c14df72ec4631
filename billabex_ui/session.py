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

T = TypeVar("T")
log = logging.getLogger("billabex")


def require_login() -> None:
    """First line of every page: a page script never renders for a visitor without a login.

    ``app.py`` already stops before navigation without a login; this guard covers Streamlit's
    legacy ``pages/`` mode, which a fresh server uses for a direct page URL until the entry
    point has run once.
    """
    if st.session_state.get("authentication_status"):
        return
    try:
        st.switch_page("app.py")
    except Exception:  # noqa: BLE001 - not in legacy mode: nothing to switch to
        st.stop()
    st.stop()


def current_user() -> str:
    return st.session_state.get("username") or "unknown"


def is_admin() -> bool:
    return "admin" in (st.session_state.get("roles") or [])


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
