"""Audit log (administrators): every login and failed login, change, sync, send and export, newest
first, filtered by who, what and when. Read-only: nothing here (or anywhere) edits an event."""

import streamlit as st

from billabex_core.queries import Page
from billabex_core.services.audit_log import ACTION_FAMILIES, AuditFilters, actors, search
from billabex_core.services.downloads import audit_csv
from billabex_ui import Pager, call, csv_download, current_user, label, require_admin, show_table
from billabex_ui.format import date_input_format
from billabex_ui.i18n import t

require_admin()

PAGER = Pager("audit_page")


def filters() -> AuditFilters:
    c = st.columns([2, 2, 2, 1, 1])
    who = c[0].selectbox(
        t("col.who"),
        [None, *(call(actors, actor=current_user()) or [])],
        format_func=lambda w: w or t("audit.anyone"),
        key="audit_who",
        on_change=PAGER.reset,
    )
    family = c[1].selectbox(
        t("col.what"),
        [None, *ACTION_FAMILIES],
        format_func=lambda f: label(f) if f else t("audit.everything"),
        key="audit_family",
        on_change=PAGER.reset,
    )
    entity = c[2].text_input(
        t("audit.on"), placeholder=t("audit.on_placeholder"), key="audit_entity", on_change=PAGER.reset
    )
    fmt = date_input_format()
    since = c[3].date_input(
        t("audit.since"), value=None, format=fmt, key="audit_since", on_change=PAGER.reset
    )
    until = c[4].date_input(
        t("audit.until"), value=None, format=fmt, key="audit_until", on_change=PAGER.reset
    )
    return AuditFilters(who=who, family=family, entity=entity.strip() or None, since=since, until=until)


def show_log() -> None:
    st.title(t("nav.audit"))
    st.caption(t("audit.caption"))
    chosen = filters()
    found = call(search, actor=current_user(), filters=chosen, page=PAGER.number, page_size=PAGER.size)
    if found is None:
        return
    if not found.total:
        st.info(t("audit.none"))
        return
    show_table(
        {
            t("col.when"): [e.at for e in found.rows],
            t("col.who"): [e.actor for e in found.rows],
            t("col.what"): [e.action for e in found.rows],
            t("audit.col.on"): [f"{e.entity} {e.entity_id or ''}".strip() for e in found.rows],
            t("col.account"): [e.account_id for e in found.rows],
            t("col.details"): [", ".join(f"{k}: {v}" for k, v in e.details.items()) for e in found.rows],
        }
    )
    page = Page(rows=found.rows, total=found.total, page=PAGER.number, page_size=PAGER.size)
    with PAGER.footer(page, t("audit.events")):
        csv_download(t("audit.download"), audit_csv, file_name="audit.csv", key="audit_csv", filters=chosen)


show_log()
