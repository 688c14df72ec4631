"""Communications: the follow-ups the agent planned or sent, filtered and paginated, with the
text of one of them. ?account=<id> opens the list filtered on that account."""

import streamlit as st

from billabex_core.jobs.runs import daily_runs
from billabex_core.models import LANGUAGES, CommunicationStatus, Tone
from billabex_core.queries import COMMUNICATION_PAGE_SIZE, CommunicationRow, list_communications
from billabex_core.services.downloads import entity_csv
from billabex_ui import Pager, account_picker, call, csv_download, label, md, require_login, show_table
from billabex_ui.jobs import job_runs

require_login()

PAGER = Pager("com_page", size=COMMUNICATION_PAGE_SIZE)
EMPTY = (
    "No communication yet. The follow-up agent plans reminders for accounts with a positive balance, "
    "at least one valid contact and follow-ups not paused; they will appear here (scheduled, sent, "
    "failed, cancelled)."
)


def list_filters() -> dict[str, object]:
    """The filter widgets, as the keyword arguments of ``list_communications``."""
    c = st.columns(4)
    statuses = c[0].multiselect(
        "Status", list(CommunicationStatus), format_func=label, key="com_status", on_change=PAGER.reset
    )
    tones = c[1].multiselect("Tone", list(Tone), format_func=label, key="com_tone", on_change=PAGER.reset)
    languages = c[2].multiselect("Language", LANGUAGES, key="com_lang", on_change=PAGER.reset)
    with c[3]:
        account_id = account_picker("com_account", linked="account", on_change=PAGER.reset)
    return {"statuses": statuses, "tones": tones, "languages": languages, "account_id": account_id}


def show_communication(row: CommunicationRow) -> None:
    with st.container(border=True):
        st.markdown(f"**{md(row.subject)}**")
        st.caption(
            f"To {md(', '.join(row.recipients)) or '—'}"
            + (f" · Cc {md(', '.join(row.cc))}" if row.cc else "")
            + f" · {label(row.tone)} · {md(row.language)} · {label(row.status)}"
        )
        if row.error:
            st.error(f"Delivery failed: {md(row.error)}")
        st.text(row.body)


def show_list() -> None:
    st.title("Communications")
    csv_download(
        "Download all communications (CSV)",
        entity_csv,
        file_name="communications.csv",
        key="com_csv",
        entity="communications",
    )
    filters = list_filters()
    result = call(list_communications, **filters, page=PAGER.number, page_size=PAGER.size)
    if result is None:
        return
    if not result.total:
        if any(filters.values()):
            st.info("No communication matches these filters.")
        else:
            st.info(EMPTY, icon="✉️")
        return
    rows = result.rows
    show_table(
        {
            "Scheduled": [r.scheduled_for for r in rows],
            "Account": [r.account_name for r in rows],
            "Status": [label(r.status) for r in rows],
            "Tone": [label(r.tone) for r in rows],
            "Language": [r.language for r in rows],
            "To": [", ".join(r.recipients) for r in rows],
            "Cc": [", ".join(r.cc) for r in rows],
            "Subject": [r.subject for r in rows],
            "Sent at": [r.sent_at for r in rows],
        }
    )
    subjects = {r.id: f"{r.scheduled_for} · {r.account_name} · {r.subject}" for r in rows}
    chosen = PAGER.footer(result, "Communications").selectbox(
        "Read a communication", list(subjects), format_func=lambda row_id: subjects[row_id], key="com_read"
    )
    show_communication(next(r for r in rows if r.id == chosen))


show_list()
job_runs(daily_runs, title="Agent run and digests")  # last and next run (the worker runs them)
