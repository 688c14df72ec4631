"""Widgets the screens share: pagination, opening a row (its own URL, ``?account=12``), the
account picker, badges.

Widget keys are derived from a ``key`` prefix the page passes, so a page can hold several of
them and tests can address each one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from billabex_core.models import Source
from billabex_core.queries import Page, list_accounts
from billabex_core.services.audit import AGENT, SYNC
from billabex_ui.format import label, md, number
from billabex_ui.i18n import t
from billabex_ui.session import call

PAGE_SIZE = 50
ACCOUNT_MATCHES = 20  # the account picker offers the first matches of a search, never a full list


# Pagination and rows -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Pager:
    """The page number of one list, kept in session state under ``key``."""

    key: str
    size: int = PAGE_SIZE

    @property
    def number(self) -> int:
        return int(st.session_state.get(self.key, 1))

    def reset(self) -> None:
        """``on_change`` of every filter, search and sort: a new selection starts at page 1."""
        st.session_state[self.key] = 1

    def footer(self, page: Page[Any], noun: str) -> DeltaGenerator:
        """ "<noun> 51–100 of 20,000" and the page input; returns the room left for a row picker."""
        nav = st.columns([2, 1, 3])
        nav[0].caption(
            t(
                "pager.rows",
                noun=noun,
                first=number(page.first),
                last=number(page.last),
                total=number(page.total),
            )
        )
        nav[1].number_input(t("pager.page", count=number(page.page_count)), min_value=1, step=1, key=self.key)
        return nav[2]


def selected_id(param: str) -> int | None:
    """The row a URL such as ``?account=12`` opens, or None for the list."""
    value = st.query_params.get(param)
    return int(value) if value and value.isdigit() else None


def open_row(param: str, row_id: int | None, *, page: str | None = None) -> None:
    """Open a row's detail (on this page, or on ``page``); None goes back to the list."""
    if page is not None and row_id is not None:
        st.switch_page(page, query_params={param: str(row_id)})
    if row_id is None:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = str(row_id)
    st.rerun()


def back_button(label: str, param: str) -> None:
    """The "← All …" button at the top of a detail view."""
    if st.button(label, key="back"):
        open_row(param, None)


def row_opener(
    label: str,
    options: Mapping[Any, str],
    *,
    key: str,
    param: str,
    button: str | None = None,
    page: str | None = None,
) -> None:
    """Choose a row among ``options`` (id → text) and open it (widgets ``<key>_pick``, ``<key>_open``)."""
    chosen = st.selectbox(label, list(options), format_func=lambda row_id: options[row_id], key=f"{key}_pick")
    if st.button(button or t("common.open"), key=f"{key}_open"):
        open_row(param, chosen, page=page)


# Pickers and forms ---------------------------------------------------------------------------------


def account_picker(
    key: str,
    *,
    label: str | None = None,
    pick_label: str | None = None,
    no_match: int | None = -1,
    linked: str | None = None,
    on_change: Callable[[], None] | None = None,
) -> int | None:
    """Search accounts by name, VAT or SIREN (``<key>_search``) and pick a match (``<key>_pick``).

    Nothing typed: the account of the URL parameter ``linked`` if any, else None. A search that
    finds nothing returns ``no_match`` (-1 for a filter: an empty list rather than every row).
    """
    search = st.text_input(
        label or t("picker.account"),
        key=f"{key}_search",
        placeholder=t("picker.placeholder"),
        on_change=on_change,
    )
    if not search.strip():
        return selected_id(linked) if linked else None
    found = call(list_accounts, search=search, page_size=ACCOUNT_MATCHES)
    if not found or not found.rows:
        st.caption(t("picker.no_match"))
        return no_match
    names = {r.id: r.name for r in found.rows}
    return st.selectbox(
        pick_label or t("picker.matches"),
        list(names),
        format_func=lambda row_id: names[row_id],
        key=f"{key}_pick",
    )


# Display -------------------------------------------------------------------------------------------


def source_badge(source: str, name: str | None = None, *, note: str = "") -> None:
    """ "Manual", or "Synced · <integration>" for what a billing tool owns."""
    if source == Source.MANUAL:
        st.badge(t("badge.manual"), color="gray")
    else:
        origin = md(name) if name else label(source)
        text = t("badge.synced_note", origin=origin, note=note) if note else t("badge.synced", origin=origin)
        st.badge(text, icon=":material/sync:", color="blue")


def chat_role(author: str) -> str:
    """The agent and the sync speak as the assistant in a thread; people as users."""
    return "assistant" if author in (AGENT, SYNC) else "user"
