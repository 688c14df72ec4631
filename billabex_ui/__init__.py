"""Streamlit glue shared by ``app.py`` and the pages: the one error helper, the current user,
one short database session per action, and the money formatter. No business logic here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import streamlit as st

from billabex_core.clock import business_today
from billabex_core.db.engine import session_scope
from billabex_core.errors import BillabexError, ValidationError
from billabex_core.money import format_money

T = TypeVar("T")


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


def show_error(exc: BillabexError) -> None:
    """The one place where a domain error becomes a message on screen (never a traceback)."""
    if isinstance(exc, ValidationError):
        st.warning(str(exc), icon="⚠️")
    else:
        st.error(str(exc), icon="🚫")


def call(fn: Callable[..., T], /, **kwargs: Any) -> T | None:
    """Run one core function in one short transaction; show a ``BillabexError`` and return None."""
    try:
        with session_scope() as session:
            return fn(session=session, **kwargs)
    except BillabexError as exc:
        show_error(exc)
        return None
    except Exception:
        import logging

        logging.getLogger("billabex").exception("unexpected error in %s", getattr(fn, "__name__", fn))
        st.error(
            "Something went wrong on our side; nothing was saved. The error is in the server log.", icon="🚫"
        )
        return None


def money(amount: Any, currency: str) -> str:
    return format_money(amount, currency)
