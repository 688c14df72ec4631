"""Communications: the agent's day (last and next run, messages due, Run now for administrators),
the follow-ups planned or sent — filtered, paginated, approved in bulk — one message exactly as it
will be sent with its actions (approve, send now, skip with a reason, edit), and the 30-day
calendar of upcoming sends. ?account=<id> opens the list filtered on that account."""

from datetime import date, datetime

import streamlit as st

from billabex_core.db.types import utcnow
from billabex_core.jobs import reminders
from billabex_core.jobs.runs import daily_runs
from billabex_core.models import LANGUAGES, CommunicationStatus, Tone
from billabex_core.queries import COMMUNICATION_PAGE_SIZE, CommunicationRow, list_communications
from billabex_core.queries.communications import Preview, calendar, due_today, preview
from billabex_core.services import communication_actions as actions
from billabex_core.services.downloads import entity_csv
from billabex_ui import (
    Pager,
    account_picker,
    call,
    csv_download,
    current_user,
    flash,
    is_admin,
    label,
    md,
    money,
    require_login,
    show_flash,
    show_table,
    today,
)
from billabex_ui.jobs import job_runs

require_login()

PAGER = Pager("com_page", size=COMMUNICATION_PAGE_SIZE)
EMPTY = (
    "No communication yet. The follow-up agent plans reminders for accounts with a positive balance, "
    "at least one valid contact and follow-ups not paused; they will appear here (scheduled, awaiting "
    "approval, sent, failed, cancelled)."
)


def _when(at: datetime | None) -> str:
    return f"{at:%Y-%m-%d %H:%M} UTC" if at else "never"


# The agent's day -----------------------------------------------------------------------------------


def agent_status() -> None:
    due = call(due_today, today=today())
    runs = call(daily_runs) or []
    if due is None:
        return
    agent = runs[0] if runs else None
    c = st.columns(4)
    last = _when(agent.last_started if agent else None)
    c[0].metric("Last agent run", last, help=f"Outcome: {agent.last_status or '—'}" if agent else None)
    upcoming = agent.next_at if agent else None
    soon = upcoming is None or upcoming <= utcnow()
    c[1].metric("Next run", "at the worker's next pass" if soon else _when(upcoming))
    c[2].metric(
        "Due today",
        due.due,
        help=f"{due.awaiting} waiting for approval, {due.held} held (not sent yet, dated today or earlier)",
    )
    c[3].metric("Reminders mode", "Approval" if due.approval_mode else "Automatic")
    if due.awaiting:
        st.info(f"{due.awaiting} message(s) wait for a person's approval.", icon="✋")
    if is_admin() and st.button(
        "▶ Run now", key="com_run_now", help="Run the agent with sending, as the worker does daily"
    ):
        report = call(reminders.run_now, actor=current_user(), today=today())
        if report is not None:
            flash(
                f"Agent run as of {report.today}: {report.planned} planned, {report.sent} sent, "
                f"{report.failed} failed"
                + (f" — {md('; '.join(report.errors[:3]))}" if report.errors else "")
            )


# The list ------------------------------------------------------------------------------------------


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


def list_table(rows: list[CommunicationRow]) -> None:
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
            "Note": [_note(r) for r in rows],
            "Sent at": [r.sent_at for r in rows],
        }
    )


def _note(row: CommunicationRow) -> str:
    if row.held:
        return row.held
    if row.skipped_by:
        return f"skipped by {row.skipped_by}: {row.skip_reason}"
    if row.actionable and row.approved_by:
        return f"approved by {row.approved_by}"
    return ""


def bulk_approve(filters: dict[str, object]) -> None:
    if st.button("✅ Approve every message of this list not sent yet", key="com_bulk_approve"):
        count = call(reminders.approve_listed, actor=current_user(), **filters)
        if count is not None:
            flash(f"{count} message(s) approved.")


def show_list() -> None:
    filters = list_filters()
    result = call(list_communications, **filters, page=PAGER.number, page_size=PAGER.size)
    if result is None:
        return
    if not result.total:
        st.info("No communication matches these filters." if any(filters.values()) else EMPTY, icon="✉️")
        return
    rows = result.rows
    list_table(rows)
    bulk_approve(filters)
    subjects = {r.id: f"{r.scheduled_for} · {r.account_name} · {r.subject}" for r in rows}
    chosen = PAGER.footer(result, "Communications").selectbox(
        "Read a communication", list(subjects), format_func=lambda row_id: subjects[row_id], key="com_read"
    )
    shown = call(preview, communication_id=chosen)
    if shown is not None:
        show_preview(shown)
        if shown.row.actionable:
            show_actions(shown)


# One message -----------------------------------------------------------------------------------------


def show_preview(p: Preview) -> None:
    row = p.row
    with st.container(border=True):
        st.markdown(f"**{md(row.subject)}**")
        st.caption(
            f"From {md(p.sender_name) or '—'}"
            + (f" ({md(p.sender_email)})" if p.sender_email else "")
            + f" · To {md(', '.join(row.recipients)) or '—'}"
            + (f" · Cc {md(', '.join(row.cc))}" if row.cc else "")
            + f" · {label(row.tone)} · {md(row.language)} · {label(row.status)} · {row.scheduled_for}"
        )
        for line in status_lines(row):
            st.caption(line)
        if row.held:
            st.warning(f"Not sent while {md(row.held)}", icon="⏸")
        if row.error and row.status == CommunicationStatus.FAILED:
            st.error(f"Delivery failed: {md(row.error)}")
        if p.invoices:
            st.caption(
                "Invoices: "
                + "; ".join(
                    f"{md(i.number)} (due {i.due_date or '—'}, {money(i.remaining, i.currency)})"
                    for i in p.invoices
                )
            )
        for file in p.attachments:
            st.caption(
                f"📎 {md(file.name)}"
                if file.present
                else f"📎 {md(file.name)}: missing from the file store, it will not be attached"
            )
        st.text(row.body)


def status_lines(row: CommunicationRow) -> list[str]:
    lines = []
    if row.approved_by:
        lines.append(f"✅ Approved by {md(row.approved_by)}")
    if row.edited_by:
        lines.append(f"✏️ Edited by {md(row.edited_by)}: the plan keeps the changes")
    if row.skipped_by:
        lines.append(f"⏭ Skipped by {md(row.skipped_by)}: {md(row.skip_reason or '')}")
    return lines


def show_actions(p: Preview) -> None:
    row, actor = p.row, current_user()
    c = st.columns(2)
    approved = row.approved_by is not None and not row.held
    if (
        c[0].button("✅ Approve", key="com_approve", disabled=approved)
        and call(actions.approve, communication_id=row.id, actor=actor) is not None
    ):
        flash(f"Approved: it goes out on {row.scheduled_for}.")
    later = row.scheduled_for > today()
    if c[1].button(
        "📤 Send now",
        key="com_send_now",
        disabled=later,
        help="Planned for a later day, its text speaks of that day: edit its date to today first."
        if later
        else None,
    ):
        sent = call(reminders.send_now, communication_id=row.id, actor=actor, today=today())
        if sent is not None:
            if sent.status == CommunicationStatus.SENT:
                flash(f"Sent ({md(sent.channel or '')}).")
            st.error(f"Not sent: {md(sent.error or sent.status.value)}")
    with st.form(f"com_skip_{row.id}"):
        reason = st.text_input("Reason for skipping", key=f"com_skip_reason_{row.id}")
        if st.form_submit_button("⏭ Skip this message") and call(
            actions.skip, communication_id=row.id, reason=reason, actor=actor
        ):
            flash("Skipped: this step will not be planned again.")
    edit_form(p)


def edit_form(p: Preview) -> None:
    row = p.row
    emails = [c.email for c in p.contacts]
    names = {c.email: f"{c.name} <{c.email}>" + (" (copy only)" if c.copy_only else "") for c in p.contacts}
    with st.expander("✏️ Edit this message"), st.form(f"com_edit_{row.id}"):
        day = st.date_input(
            "Date",
            value=row.scheduled_for,
            min_value=min(today(), row.scheduled_for),
            key=f"com_edit_date_{row.id}",
        )
        to = st.multiselect(
            "To",
            emails,
            default=[e for e in row.recipients if e in emails],
            format_func=names.get,
            key=f"com_edit_to_{row.id}",
        )
        cc = st.multiselect(
            "Cc",
            emails,
            default=[e for e in row.cc if e in emails],
            format_func=names.get,
            key=f"com_edit_cc_{row.id}",
        )
        subject = st.text_input("Subject", value=row.subject, key=f"com_edit_subject_{row.id}")
        body = st.text_area("Body", value=row.body, height=320, key=f"com_edit_body_{row.id}")
        if st.form_submit_button("Save changes") and call(
            reminders.edit,
            communication_id=row.id,
            actor=current_user(),
            today=today(),
            scheduled_for=day if isinstance(day, date) else None,
            to=to,
            cc=cc,
            subject=subject,
            body=body,
        ):
            flash("Message saved: the plan keeps your changes.")


# The calendar ----------------------------------------------------------------------------------------


def show_calendar() -> None:
    days = call(calendar, start=today())
    if days is None:
        return
    if not days:
        st.info("Nothing is planned in the next 30 days.", icon="📅")
        return
    st.caption("Messages not sent yet, day by day (a message already due counts today).")
    show_table(
        {
            "Day": [d.day for d in days],
            "Weekday": [f"{d.day:%A}" for d in days],
            "Messages": [d.messages for d in days],
            "Awaiting approval": [d.awaiting for d in days],
            "Held": [d.held for d in days],
            "Accounts": [
                ", ".join(d.accounts)
                + (f" … (+{d.messages - len(d.accounts)})" if d.messages > len(d.accounts) else "")
                for d in days
            ],
        }
    )


st.title("Communications")
show_flash()
csv_download(
    "Download all communications (CSV)",
    entity_csv,
    file_name="communications.csv",
    key="com_csv",
    entity="communications",
)
agent_status()
messages, upcoming = st.tabs(["Messages", "Calendar — next 30 days"])
with messages:
    show_list()
with upcoming:
    show_calendar()
job_runs(daily_runs, title="Agent run and digests")  # last and next run (the worker runs them)
