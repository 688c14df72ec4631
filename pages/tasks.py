"""Tasks: what the agent (or a colleague) asks the team to do. The list defaults to
"assigned to me + Action required"; one task's detail (?task=<id>) holds its thread and answers."""

import streamlit as st

from billabex_core.models import TaskKind, TaskStatus
from billabex_core.queries import TaskDetail, list_tasks, task_detail
from billabex_core.services.downloads import entity_csv
from billabex_core.services.task_actions import answer_missing_contact, cancel_task, correct_invalid_contact
from billabex_core.services.tasks import open_task, reply, set_assignees, set_status
from billabex_ui import (
    Pager,
    account_picker,
    back_button,
    call,
    chat_role,
    csv_download,
    current_user,
    flash,
    label,
    md,
    md_block,
    new_contact_inputs,
    require_login,
    selected_id,
    show_flash,
    today,
)
from billabex_ui.tables import row_table
from billabex_ui.url_state import UrlFilters

require_login()

MANUAL_KINDS = (TaskKind.DISPUTE, TaskKind.ANOMALY, TaskKind.ESCALATION)
PAGER = Pager("task_page")
URL = UrlFilters(on_change=PAGER.reset)


# List ------------------------------------------------------------------------------------------


def new_task_form() -> None:
    """A task people open by hand; the core checks the subject."""
    with st.expander("➕ New task (dispute, customer request, anomaly...)"):
        kind = st.selectbox("Kind", MANUAL_KINDS, format_func=label, key="new_kind")
        account_id = account_picker(
            "new_account", label="Account — search", pick_label="Account", no_match=None
        )
        subject = st.text_input("Subject", key="new_subject")
        message = st.text_area("Message", key="new_message")
        if st.button("Create task", key="new_create"):
            done = call(
                open_task,
                kind=kind,
                subject=subject,
                message=message,
                account_id=account_id,
                actor=current_user(),
            )
            if done is not None:
                st.query_params["task"] = str(done.id)
                flash(f"Task #{done.id} created.")


def list_filters() -> dict[str, object]:
    """The filter widgets, as the keyword arguments of ``list_tasks``; each is kept in the URL
    (``?mine=0&status=closed``), so a link reproduces the list."""
    c = st.columns([1, 2, 2, 2])
    mine = c[0].toggle("Assigned to me", **URL.flag("task_mine", "mine", True))
    statuses = c[1].multiselect(
        "Status",
        list(TaskStatus),
        format_func=label,
        **URL.choices("task_status", "status", list(TaskStatus), [TaskStatus.ACTION_REQUIRED]),
    )
    kinds = c[2].multiselect(
        "Kind", list(TaskKind), format_func=label, **URL.choices("task_kind", "kind", list(TaskKind))
    )
    with c[3]:
        account_id = account_picker(
            "task_account", label="Account — search", pick_label="Account", on_change=PAGER.reset
        )
    return {
        "assignee": current_user() if mine else None,
        "statuses": statuses,
        "kinds": kinds,
        "account_id": account_id,
    }


def show_list() -> None:
    st.title("Tasks")
    csv_download(
        "Download all tasks (CSV)", entity_csv, file_name="tasks.csv", key="task_csv", entity="tasks"
    )
    new_task_form()
    filters = list_filters()
    result = call(list_tasks, **filters, page=PAGER.number, page_size=PAGER.size)
    if result is None:
        return
    if not result.total:
        st.info("No task matches these filters. 🎉" if filters["statuses"] else "No task.")
        return
    rows = result.rows
    row_table(  # a click on a row opens the task
        {
            "#": [r.id for r in rows],
            "Kind": [label(r.kind) for r in rows],
            "Subject": [r.subject for r in rows],
            "Account": [r.account_name or "" for r in rows],
            "Status": [label(r.status) for r in rows],
            "Assigned to": [", ".join(r.assignees) or "everybody" for r in rows],
            "Updated": [r.updated_at for r in rows],
        },
        [r.id for r in rows],
        key="task_table",
        param="task",
    )
    PAGER.footer(result, "Tasks")


# Answers ---------------------------------------------------------------------------------------


def answer_with_contact(detail: TaskDetail) -> None:
    st.subheader("Answer: provide the contact")
    email, name, language = new_contact_inputs("ans")
    c = st.columns(3)
    role = c[0].text_input("Role (optional)", key="ans_role")
    phone = c[1].text_input("Phone (optional)", key="ans_phone")
    primary = c[2].checkbox("Primary contact", value=True, key="ans_primary")
    if st.button("Add the contact and close the task", key="ans_submit", type="primary"):
        done = call(
            answer_missing_contact,
            task_id=detail.task.id,
            email=email,
            name=name,
            language=language,
            role=role,
            phone=phone,
            is_primary=primary,
            actor=current_user(),
            today=today(),
        )
        if done is not None:
            for key in ("ans_email", "ans_name", "ans_role", "ans_phone"):
                st.session_state.pop(key, None)
            flash(f"Contact {md(done.name)} added; the task is closed.")


def answer_with_correction(detail: TaskDetail) -> None:
    contact = detail.contact
    if contact is None:
        return
    st.subheader("Answer: correct the e-mail")
    st.caption(
        md(f"{contact.name} <{contact.email}> bounced: {contact.invalid_reason or 'no reason given'}.")
    )
    email = st.text_input("Correct e-mail", value=contact.email, key="fix_email")
    if st.button("Save the e-mail and close the task", key="fix_submit", type="primary"):
        done = call(
            correct_invalid_contact, task_id=detail.task.id, email=email, actor=current_user(), today=today()
        )
        if done is not None:
            flash(f"{md(done.name)} is valid again; the task is closed.")


# Detail ----------------------------------------------------------------------------------------


def show_header(detail: TaskDetail) -> None:
    task = detail.task
    st.title(f"#{task.id} {md(task.subject)}")
    st.markdown(
        f"**Status:** {label(task.status)} · **Kind:** {label(task.kind)} · "
        f"**Assigned to:** {md(', '.join(task.assignees)) or 'everybody'} · **Opened by:** {md(task.created_by)}"
    )
    if task.account_id:
        st.page_link(
            "pages/accounts.py",
            label=f"Account: {md(detail.account_name)}",
            icon="🏢",
            query_params={"account": str(task.account_id)},
        )
    if task.message:
        with st.chat_message(chat_role(task.created_by)):
            st.markdown(md_block(task.message))


def show_thread(detail: TaskDetail) -> None:
    """The thread after the opening message (shown in the header), and the reply form."""
    task = detail.task
    st.subheader("Thread")
    for message in detail.thread[1:] if task.message else detail.thread:
        with st.chat_message(chat_role(message.author)):
            st.caption(f"{md(message.author)} · {message.created_at:%Y-%m-%d %H:%M} UTC")
            st.markdown(md_block(message.body))
    with st.form("reply_form", clear_on_submit=True):
        body = st.text_area("Reply", key="reply_body")
        if (
            st.form_submit_button("Send reply")
            and call(reply, task_id=task.id, author=current_user(), body=body) is not None
        ):
            flash("Reply added.")


def show_controls(detail: TaskDetail) -> None:
    """Change the status, the assignees, or cancel the task."""
    task = detail.task
    st.subheader("Status and assignees")
    c = st.columns(2)
    with c[0].form("status_form"):
        statuses = list(TaskStatus)
        status = st.selectbox(
            "Status", statuses, index=statuses.index(task.status), format_func=label, key="st_status"
        )
        note = st.text_input("Note (optional)", key="st_note")
        if st.form_submit_button("Change status"):
            done = call(set_status, task_id=task.id, status=status, actor=current_user(), note=note)
            if done is not None:
                flash(f"Status: {label(done.status)}.")
    with c[1].form("assign_form"):
        who = st.multiselect(
            "Assignees (none: everybody)",
            detail.usernames,
            default=[u for u in task.assignees if u in detail.usernames],
            key="assignees",
        )
        saved = st.form_submit_button("Save assignees")
        if saved and call(set_assignees, task_id=task.id, assignees=who, actor=current_user()) is not None:
            flash("Assignees saved.")
    if task.status.is_open:
        with st.form("cancel_form"):
            reason = st.text_input("Why cancel this task?", key="cancel_reason")
            if (
                st.form_submit_button("Cancel task")
                and call(cancel_task, task_id=task.id, actor=current_user(), reason=reason) is not None
            ):
                flash("Task cancelled.")


def show_detail(task_id: int) -> None:
    back_button("← All tasks", "task")
    detail = call(task_detail, task_id=task_id)
    if detail is None:
        return
    show_header(detail)
    if detail.answerable_with_contact:
        answer_with_contact(detail)
    elif detail.answerable_with_correction:
        answer_with_correction(detail)
    show_thread(detail)
    show_controls(detail)


show_flash()
if (selected := selected_id("task")) is not None:
    show_detail(selected)
else:
    show_list()
