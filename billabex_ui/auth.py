"""Logging in on a page: the login form, the session cookie, logging out (docs/security.md).

The core decides (``billabex_core.services.auth``): it checks passwords with the lockout, signs
the session token and accepts or refuses a token on every run. Here: the form, the cookie that
keeps the token in the browser (``billabex_auth``, set and deleted by a script that runs in the
page, ``SameSite=Strict``, ``Secure`` over https) and this tab's login in the session state.

Streamlit reads the browser's cookies once, when the tab connects: after a logout, the cookie it
still reports is the old one, already revoked by the core, and the next reload sends none.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import streamlit as st

from billabex_core.secrets import cookie_key
from billabex_core.services import auth
from billabex_core.services.auth import SESSION_LIFETIME, LoginRefused, SessionEnded, SignedIn
from billabex_core.services.users import has_users
from billabex_ui.session import LOGIN as STATE
from billabex_ui.session import call

COOKIE = "billabex_auth"

ENDED = "billabex_login_ended"  # why this tab's session ended, shown above the form
DEAD = "billabex_dead_cookie"  # the cookie this tab connected with, once refused or logged out
DELETE = "billabex_delete_cookie"  # the next form deletes the browser's cookie
FORM_TITLE = "Billabex — log in"


def _cookie_script(value: str, max_age: int) -> None:
    """Set (or, with ``max_age`` 0, delete) the login cookie in the browser."""
    cookie = f"{COOKIE}={value}; Path=/; Max-Age={max_age}; SameSite=Strict"
    st.html(
        f"<script>document.cookie = {json.dumps(cookie)} + "
        "(location.protocol === 'https:' ? '; Secure' : '');</script>",
        unsafe_allow_javascript=True,
    )


def _browser_cookie() -> str | None:
    """The login cookie the browser sent when this tab connected (None outside a browser)."""
    value = st.context.cookies.get(COOKIE)
    return value if isinstance(value, str) and value else None


def _remember(login: SignedIn) -> SignedIn:
    st.session_state[STATE] = login
    return login


def _end(reason: str | None) -> None:
    """This tab is logged out: the form says why, the cookie is deleted, and the cookie this tab
    connected with (Streamlit keeps reporting it) is never tried again."""
    st.session_state.pop(STATE, None)
    if reason:
        st.session_state[ENDED] = reason
    st.session_state[DELETE] = True
    st.session_state[DEAD] = _browser_cookie()


def current_login() -> SignedIn | None:
    return st.session_state.get(STATE)


def resume() -> SignedIn | None:
    """This run's login: this tab's, or the cookie's; the core checks it again on every run."""
    kept = current_login()
    cookie = _browser_cookie()
    token = kept.token if kept else cookie if cookie and cookie != st.session_state.get(DEAD) else None
    if token is None:
        return None
    result = call(auth.resume, token=token, key=cookie_key())
    if isinstance(result, SignedIn):
        return _remember(result)
    if isinstance(result, SessionEnded):
        _end(result.reason if result.reason == "idle" else "revoked" if kept else None)
    return None


def log_out() -> None:
    """The Log out button's callback: every session of this login ends, and this tab's cookie."""
    login = current_login()
    if login is not None:
        call(auth.log_out, token=login.token, key=cookie_key())
    _end("logout")


def end_this_session(reason: str) -> None:
    """After a change that revoked this login's sessions (its password): back to the form."""
    _end(reason)
    st.rerun()


def _refusal(refused: LoginRefused) -> None:
    if refused.locked_until is None:
        st.error("Username or password is incorrect.")
        return
    minutes = max(1, -(-int((refused.locked_until - datetime.now(UTC)).total_seconds()) // 60))
    st.error(
        f"Too many failed attempts for this username: try again after "
        f"{refused.locked_until:%H:%M:%S} UTC (in {minutes} minute{'s' if minutes > 1 else ''})."
    )


ENDED_MESSAGES = {
    "logout": "You are logged out.",
    "idle": "Your session ended after a period without activity: please log in again.",
    "revoked": "Your session has ended (logged out elsewhere, password changed or login disabled).",
    "password": "Your password is changed: log in with the new one.",
}


def _ended_message() -> None:
    if (reason := st.session_state.pop(ENDED, None)) in ENDED_MESSAGES:
        st.info(ENDED_MESSAGES[reason])
    if st.session_state.pop(DELETE, False):
        _cookie_script("", 0)


def login_form() -> SignedIn | None:
    """The form alone; the login on success (the cookie is set by this run)."""
    box = st.empty()
    with box.container():
        _ended_message()
        with st.form("login"):
            st.subheader(FORM_TITLE)
            username = st.text_input("Username", autocomplete="username")
            password = st.text_input("Password", type="password", autocomplete="current-password")
            submitted = st.form_submit_button("Login")
        if not submitted:
            if call(has_users) is False:
                st.warning(
                    "No login exists yet: run `make run` (it creates one) or "
                    "`python -m billabex_core user add`."
                )
            return None
        result = call(auth.log_in, username=username, password=password, key=cookie_key())
        if isinstance(result, LoginRefused):
            _refusal(result)
        if not isinstance(result, SignedIn):
            return None
    box.empty()
    _cookie_script(result.token, int(SESSION_LIFETIME.total_seconds()))
    return _remember(result)
