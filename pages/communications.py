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
from billabex_ui.feedback import held_text
from billabex_ui.format import date_input_format, day, moment, weekday
from billabex_ui.i18n import t, tn
from billabex_ui.jobs import job_runs
from billabex_ui.url_state import UrlFilters

require_login()

PAGER = Pager("com_page", size=COMMUNICATION_PAGE_SIZE)
URL = UrlFilters(on_change=PAGER.reset)


def _when(at: datetime | None) -> str:
    return moment(at) if at else t("com.never")


# The agent's day -----------------------------------------------------------------------------------


def agent_status() -> None:
    due = call(due_today, today=today())
    runs = call(daily_runs) or []
    if due is None:
        return
    agent = runs[0] if runs else None
    c = st.columns(4)
    last = _when(agent.last_started if agent else None)
    outcome = label(agent.last_status) if agent and agent.last_status else "—"
    c[0].metric(t("com.last_run"), last, help=t("com.outcome", outcome=outcome) if agent else None)
    upcoming = agent.next_at if agent else None
    soon = upcoming is None or upcoming <= utcnow()
    c[1].metric(t("jobs.col.next_run"), t("jobs.next_pass") if soon else _when(upcoming))
    c[2].metric(t("com.due_today"), due.due, help=t("com.due_help", awaiting=due.awaiting, held=due.held))
    c[3].metric(t("com.mode"), t("com.mode.approval") if due.approval_mode else t("com.mode.automatic"))
    if due.awaiting:
        st.info(tn("com.awaiting", due.awaiting), icon=":material/front_hand:")
    if is_admin() and st.button(t("com.run_now"), key="com_run_now", help=t("com.run_now_help")):
        report = call(reminders.run_now, actor=current_user(), today=today())
        if report is not None:
            counts = {"planned": report.planned, "sent": report.sent, "failed": report.failed}
            done = t("com.run_done", date=day(report.today), awaiting=report.awaiting_approval, **counts)
            flash(done + (f" — {md('; '.join(report.errors[:3]))}" if report.errors else ""))


# The list ------------------------------------------------------------------------------------------


def list_filters() -> dict[str, object]:
    """The filter widgets, as the keyword arguments of ``list_communications``; each is kept in
    the URL (``?status=failed&tone=firm``), so a link reproduces the list."""
    c = st.columns(4)
    statuses = c[0].multiselect(
        t("col.status"),
        list(CommunicationStatus),
        format_func=label,
        **URL.choices("com_status", "status", list(CommunicationStatus)),
        placeholder=t("common.choose"),
    )
    tones = c[1].multiselect(
        t("col.tone"),
        list(Tone),
        format_func=label,
        **URL.choices("com_tone", "tone", list(Tone)),
        placeholder=t("common.choose"),
    )
    languages = c[2].multiselect(
        t("col.language"),
        LANGUAGES,
        **URL.choices("com_lang", "language", LANGUAGES),
        placeholder=t("common.choose"),
    )
    with c[3]:
        account_id = account_picker("com_account", linked="account", on_change=PAGER.reset)
    return {"statuses": statuses, "tones": tones, "languages": languages, "account_id": account_id}


def list_table(rows: list[CommunicationRow]) -> int | None:
    """The page's messages; the id of the row clicked, whose message is read below."""
    picked = show_table(
        {
            t("col.scheduled"): [r.scheduled_for for r in rows],
            t("col.account"): [r.account_name for r in rows],
            t("col.status"): [label(r.status) for r in rows],
            t("col.tone"): [label(r.tone) for r in rows],
            t("col.language"): [r.language for r in rows],
            t("col.to"): [", ".join(r.recipients) for r in rows],
            "Cc": [", ".join(r.cc) for r in rows],
            t("col.subject"): [r.subject for r in rows],
            t("col.note"): [_note(r) for r in rows],
            t("com.sent_at"): [r.sent_at for r in rows],
        },
        key="com_table",
    )
    return rows[picked].id if picked is not None and picked < len(rows) else None


def _note(row: CommunicationRow) -> str:
    if row.held:
        return held_text(row.held, markdown=False)
    if row.skipped_by:
        return t("com.note.skipped", who=row.skipped_by, reason=row.skip_reason or "")
    if row.actionable and row.approved_by:
        return t("com.note.approved", who=row.approved_by)
    return ""


def bulk_approve(filters: dict[str, object]) -> None:
    if st.button(t("com.bulk_approve"), key="com_bulk_approve"):
        count = call(reminders.approve_listed, actor=current_user(), **filters)
        if count is not None:
            flash(tn("com.approved_count", count))


def show_list() -> None:
    filters = list_filters()
    result = call(list_communications, **filters, page=PAGER.number, page_size=PAGER.size)
    if result is None:
        return
    if not result.total:
        st.info(t("com.none_match") if any(filters.values()) else t("com.empty"), icon=":material/mail:")
        return
    rows = result.rows
    clicked = list_table(rows)
    if clicked is not None and clicked != st.session_state.get("com_clicked"):
        st.session_state["com_clicked"] = st.session_state["com_read"] = clicked  # read the clicked row
    bulk_approve(filters)
    subjects = {r.id: f"{day(r.scheduled_for)} · {r.account_name} · {r.subject}" for r in rows}
    chosen = PAGER.footer(result, t("nav.communications")).selectbox(
        t("com.read"), list(subjects), format_func=lambda row_id: subjects[row_id], key="com_read"
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
        sender = md(p.sender_name) or "—"
        sender = t("com.sender_email", name=sender, email=md(p.sender_email)) if p.sender_email else sender
        line = t("com.from_to", sender=sender, to=md(", ".join(row.recipients)) or "—")
        line += f" · Cc {md(', '.join(row.cc))}" if row.cc else ""
        st.caption(
            f"{line} · {label(row.tone)} · {md(row.language)} · {label(row.status)} · {day(row.scheduled_for)}"
        )
        for status_line in status_lines(row):
            st.caption(status_line)
        if row.held:
            st.warning(t("com.held", reason=held_text(row.held)), icon=":material/pause_circle:")
        if row.error and row.status == CommunicationStatus.FAILED:
            st.error(t("com.failed", error=md(row.error)))
        if p.invoices:
            listed = "; ".join(
                t(
                    "com.invoice_item",
                    number=md(i.number),
                    due=day(i.due_date) or "—",
                    amount=money(i.remaining, i.currency),
                )
                for i in p.invoices
            )
            st.caption(t("com.invoices", invoices=listed))
        for file in p.attachments:
            st.caption(
                f":material/attach_file: {md(file.name)}"
                if file.present
                else t("com.attachment_missing", name=md(file.name))
            )
        st.text(row.body)


def status_lines(row: CommunicationRow) -> list[str]:
    lines = []
    if row.approved_by:
        lines.append(t("com.status.approved", who=md(row.approved_by)))
    if row.edited_by:
        lines.append(t("com.status.edited", who=md(row.edited_by)))
    if row.skipped_by:
        lines.append(t("com.status.skipped", who=md(row.skipped_by), reason=md(row.skip_reason or "")))
    return lines


def show_actions(p: Preview) -> None:
    row, actor = p.row, current_user()
    c = st.columns(2)
    approved = row.approved_by is not None and not row.held
    if (
        c[0].button(t("com.approve"), key="com_approve", disabled=approved)
        and call(actions.approve, communication_id=row.id, actor=actor) is not None
    ):
        flash(t("com.approved", date=day(row.scheduled_for)))
    later = row.scheduled_for > today()
    if c[1].button(
        t("com.send_now"), key="com_send_now", disabled=later, help=t("com.later_help") if later else None
    ):
        sent = call(reminders.send_now, communication_id=row.id, actor=actor, today=today())
        if sent is not None:
            if sent.status == CommunicationStatus.SENT:
                flash(t("com.sent", channel=md(sent.channel or "")))
            st.error(t("com.not_sent", error=md(sent.error) if sent.error else label(sent.status)))
    with st.form(f"com_skip_{row.id}"):
        reason = st.text_input(t("com.skip_reason"), key=f"com_skip_reason_{row.id}")
        if st.form_submit_button(t("com.skip")) and call(
            actions.skip, communication_id=row.id, reason=reason, actor=actor
        ):
            flash(t("com.skipped"))
    edit_form(p)


def edit_form(p: Preview) -> None:
    row = p.row
    emails = [c.email for c in p.contacts]
    names = {
        c.email: t("com.copy_only", name=f"{c.name} <{c.email}>") if c.copy_only else f"{c.name} <{c.email}>"
        for c in p.contacts
    }
    with st.expander(t("com.edit")), st.form(f"com_edit_{row.id}"):
        planned = st.date_input(
            t("pay.date"),
            value=row.scheduled_for,
            min_value=min(today(), row.scheduled_for),
            format=date_input_format(),
            key=f"com_edit_date_{row.id}",
        )
        to = st.multiselect(
            t("col.to"),
            emails,
            default=[e for e in row.recipients if e in emails],
            format_func=names.get,
            key=f"com_edit_to_{row.id}",
            placeholder=t("common.choose"),
        )
        cc = st.multiselect(
            "Cc",
            emails,
            default=[e for e in row.cc if e in emails],
            format_func=names.get,
            key=f"com_edit_cc_{row.id}",
            placeholder=t("common.choose"),
        )
        subject = st.text_input(t("col.subject"), value=row.subject, key=f"com_edit_subject_{row.id}")
        body = st.text_area(t("com.body"), value=row.body, height=320, key=f"com_edit_body_{row.id}")
        if st.form_submit_button(t("com.save")) and call(
            reminders.edit,
            communication_id=row.id,
            actor=current_user(),
            today=today(),
            scheduled_for=planned if isinstance(planned, date) else None,
            to=to,
            cc=cc,
            subject=subject,
            body=body,
        ):
            flash(t("com.saved"))


# The calendar ----------------------------------------------------------------------------------------


def show_calendar() -> None:
    days = call(calendar, start=today())
    if days is None:
        return
    if not days:
        st.info(t("com.cal.empty"), icon=":material/calendar_month:")
        return
    st.caption(t("com.cal.caption"))
    show_table(
        {
            t("com.cal.day"): [d.day for d in days],
            t("com.cal.weekday"): [weekday(d.day) for d in days],
            t("com.cal.messages"): [d.messages for d in days],
            t("com.cal.awaiting"): [d.awaiting for d in days],
            t("com.cal.held"): [d.held for d in days],
            t("nav.accounts"): [
                ", ".join(d.accounts)
                + (f" … (+{d.messages - len(d.accounts)})" if d.messages > len(d.accounts) else "")
                for d in days
            ],
        }
    )


st.title(t("nav.communications"))
show_flash()
csv_download(
    t("com.download"),
    entity_csv,
    file_name="communications.csv",
    key="com_csv",
    entity="communications",
)
agent_status()
messages, upcoming = st.tabs([t("com.cal.messages"), t("com.cal.tab")])
with messages:
    show_list()
with upcoming:
    show_calendar()
job_runs(daily_runs, title=t("com.jobs_title"))  # last and next run (the worker runs them)
