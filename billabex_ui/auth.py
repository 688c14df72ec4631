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
from billabex_core.services.users import default_language, has_users, set_language
from billabex_ui.format import clock
from billabex_ui.i18n import LANGUAGE_NAMES, LANGUAGES, language, t, tn, use_language
from billabex_ui.session import LOGIN as STATE
from billabex_ui.session import call

COOKIE = "billabex_auth"

ENDED = "billabex_login_ended"  # why this tab's session ended, shown above the form
DEAD = "billabex_dead_cookie"  # the cookie this tab connected with, once refused or logged out
DELETE = "billabex_delete_cookie"  # the next form deletes the browser's cookie
NEW_COOKIE = "billabex_new_cookie"  # the run after a login sets the browser's cookie
LANGUAGE_PICKER = "billabex_language_picker"


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
        if st.session_state.pop(NEW_COOKIE, False):
            _cookie_script(result.token, int(SESSION_LIFETIME.total_seconds()))
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


def login_language(login: SignedIn | None) -> str:
    """The interface language of a login: its own, else the organisation's. Before a login (the
    form): the browser's language when it is French or English, else the organisation's."""
    if login is not None and login.language in LANGUAGES:
        return login.language
    browser = (st.context.locale or "")[:2].lower() if login is None else ""
    return browser if browser in LANGUAGES else call(default_language) or "en"


def _change_language() -> None:
    login = current_login()
    chosen = st.session_state.get(LANGUAGE_PICKER)
    if login is None or chosen not in LANGUAGES:
        return
    if call(set_language, actor=login.username, language=chosen) is not None:
        use_language(chosen)


def language_picker(login: SignedIn) -> None:
    """The sidebar's language choice, kept for the login (its next sessions too)."""
    st.session_state[LANGUAGE_PICKER] = language()
    st.selectbox(
        t("sidebar.language"),
        LANGUAGES,
        format_func=LANGUAGE_NAMES.__getitem__,
        key=LANGUAGE_PICKER,
        on_change=_change_language,
    )


def _refusal(refused: LoginRefused) -> None:
    if refused.locked_until is None:
        st.error(t("login.incorrect"))
        return
    minutes = max(1, -(-int((refused.locked_until - datetime.now(UTC)).total_seconds()) // 60))
    st.error(tn("login.locked", minutes, time=clock(refused.locked_until)))


ENDED_REASONS = ("logout", "idle", "revoked", "password")


def _ended_message() -> None:
    if (reason := st.session_state.pop(ENDED, None)) in ENDED_REASONS:
        st.info(t(f"login.ended.{reason}"))
    if st.session_state.pop(DELETE, False):
        _cookie_script("", 0)


def login_form() -> SignedIn | None:
    """The form alone; the login on success (the next run sets the cookie)."""
    box = st.empty()
    with box.container():
        _ended_message()
        with st.form("login"):
            st.subheader(t("login.title"))
            username = st.text_input(t("login.username"), autocomplete="username")
            password = st.text_input(t("login.password"), type="password", autocomplete="current-password")
            submitted = st.form_submit_button(t("login.submit"))
        if not submitted:
            if call(has_users) is False:
                st.warning(t("login.no_user"))
            return None
        result = call(auth.log_in, username=username, password=password, key=cookie_key())
        if isinstance(result, LoginRefused):
            _refusal(result)
        if not isinstance(result, SignedIn):
            return None
    box.empty()
    st.session_state[NEW_COOKIE] = True  # set by the next run: the app reruns after a login
    return _remember(result)
