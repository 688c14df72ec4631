"""Messages to the user: the one place a domain error becomes a message on screen, and the flash
message that confirms an action after the rerun which shows its result."""

from __future__ import annotations

import streamlit as st

from billabex_core.errors import BillabexError, ValidationError
from billabex_ui.format import md

# One key for every page: a flash is always shown by the rerun it triggers, on the same page.
FLASH_KEY = "billabex_flash"


def show_error(exc: BillabexError) -> None:
    """Bad input is a warning (the user can fix it); any other refusal is an error. The message
    may quote what someone typed or what a provider answered: it is shown as text."""
    if isinstance(exc, ValidationError):
        st.warning(md(exc), icon="⚠️")
    else:
        st.error(md(exc), icon="🚫")


def show_failure() -> None:
    """What the user sees of a bug: nothing was saved, the details are in the server log."""
    st.error(
        "Something went wrong on our side; nothing was saved. The error is in the server log.", icon="🚫"
    )


def flash(message: str) -> None:
    """Rerun the page, which then shows ``message`` once (``show_flash``), above the new state.
    ``message`` is markdown: the page escapes (``md``) any name or text it puts in it."""
    st.session_state[FLASH_KEY] = message
    st.rerun()


def show_flash() -> None:
    """Show the message of the action that triggered this run, if any; it is gone on the next run."""
    if message := st.session_state.pop(FLASH_KEY, None):
        st.success(message)
