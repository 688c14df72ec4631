"""Audit log (administrators): every login and failed login, change, sync, send and export, newest
first, filtered by who, what and when. Read-only: nothing here (or anywhere) edits an event."""

import streamlit as st

from billabex_core.queries import Page
from billabex_core.services.audit_log import ACTION_FAMILIES, AuditFilters, actors, search
from billabex_core.services.downloads import audit_csv
from billabex_ui import Pager, call, csv_download, current_user, label, require_admin, show_table

require_admin()

PAGER = Pager("audit_page")


def filters() -> AuditFilters:
    c = st.columns([2, 2, 2, 1, 1])
    who = c[0].selectbox(
        "Who",
        [None, *(call(actors, actor=current_user()) or [])],
        format_func=lambda w: w or "Anyone",
        key="audit_who",
        on_change=PAGER.reset,
    )
    family = c[1].selectbox(
        "What",
        [None, *ACTION_FAMILIES],
        format_func=lambda f: label(f) if f else "Everything",
        key="audit_family",
        on_change=PAGER.reset,
    )
    entity = c[2].text_input(
        "On (entity)", placeholder="account, user, integration…", key="audit_entity", on_change=PAGER.reset
    )
    since = c[3].date_input("From (UTC day)", value=None, key="audit_since", on_change=PAGER.reset)
    until = c[4].date_input("To (UTC day)", value=None, key="audit_until", on_change=PAGER.reset)
    return AuditFilters(who=who, family=family, entity=entity.strip() or None, since=since, until=until)


def show_log() -> None:
    st.title("Audit log")
    st.caption("Append-only: the database refuses to change or delete an event.")
    chosen = filters()
    found = call(search, actor=current_user(), filters=chosen, page=PAGER.number, page_size=PAGER.size)
    if found is None:
        return
    if not found.total:
        st.info("No event matches these filters.")
        return
    show_table(
        {
            "When (UTC)": [e.at for e in found.rows],
            "Who": [e.actor for e in found.rows],
            "What": [e.action for e in found.rows],
            "On": [f"{e.entity} {e.entity_id or ''}".strip() for e in found.rows],
            "Account": [e.account_id for e in found.rows],
            "Details": [", ".join(f"{k}: {v}" for k, v in e.details.items()) for e in found.rows],
        }
    )
    page = Page(rows=found.rows, total=found.total, page=PAGER.number, page_size=PAGER.size)
    with PAGER.footer(page, "Events"):
        csv_download(
            "Download these events (CSV)", audit_csv, file_name="audit.csv", key="audit_csv", filters=chosen
        )


show_log()
