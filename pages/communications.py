"""Communications: the follow-ups the agent planned or sent, filtered and paginated, with the
text of one of them. ?account=<id> opens the list filtered on that account."""

import pandas as pd
import streamlit as st

from billabex_core.models import LANGUAGES, CommunicationStatus, Tone
from billabex_core.queries import COMMUNICATION_PAGE_SIZE, list_accounts, list_communications
from billabex_ui import call, require_login

require_login()


def label(value: str) -> str:
    return value.replace("_", " ").capitalize()


def first_page() -> None:
    st.session_state["com_page"] = 1


st.title("Communications")
c = st.columns(4)
statuses = c[0].multiselect(
    "Status", list(CommunicationStatus), format_func=label, key="com_status", on_change=first_page
)
tones = c[1].multiselect("Tone", list(Tone), format_func=label, key="com_tone", on_change=first_page)
languages = c[2].multiselect("Language", LANGUAGES, key="com_lang", on_change=first_page)
search = c[3].text_input("Account", placeholder="name, VAT or SIREN", key="com_account", on_change=first_page)
account_id = None
if search.strip():
    found = call(list_accounts, search=search, page_size=20)
    names = {r.id: r.name for r in found.rows} if found else {}
    account_id = st.selectbox("Matching accounts", list(names), format_func=names.get, key="com_pick") or -1
elif (linked := st.query_params.get("account")) and linked.isdigit():
    account_id = int(linked)

result = call(
    list_communications,
    statuses=statuses,
    tones=tones,
    languages=languages,
    account_id=account_id,
    page=int(st.session_state.get("com_page", 1)),
    page_size=COMMUNICATION_PAGE_SIZE,
)
if result is not None and not result.total:
    if statuses or tones or languages or account_id:
        st.info("No communication matches these filters.")
    else:
        st.info(
            "No communication yet. The follow-up agent plans reminders for accounts with a positive balance, "
            "at least one valid contact and follow-ups not paused; they will appear here (scheduled, sent, "
            "failed, cancelled).",
            icon="✉️",
        )
elif result is not None:
    rows = result.rows
    st.dataframe(
        pd.DataFrame(
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
        ),
        hide_index=True,
        width="stretch",
    )
    nav = st.columns([2, 1, 3])
    nav[0].caption(f"Communications {result.first:,}–{result.last:,} of {result.total:,}")
    nav[1].number_input(f"Page (of {result.page_count:,})", min_value=1, step=1, key="com_page")
    subjects = {r.id: f"{r.scheduled_for} · {r.account_name} · {r.subject}" for r in rows}
    chosen = nav[2].selectbox(
        "Read a communication", list(subjects), format_func=subjects.get, key="com_read"
    )
    row = next(r for r in rows if r.id == chosen)
    with st.container(border=True):
        st.markdown(f"**{row.subject}**")
        st.caption(
            f"To {', '.join(row.recipients) or '—'}"
            + (f" · Cc {', '.join(row.cc)}" if row.cc else "")
            + f" · {label(row.tone)} · {row.language} · {label(row.status)}"
        )
        if row.error:
            st.error(f"Delivery failed: {row.error}")
        st.text(row.body)
