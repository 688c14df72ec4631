"""Tasks: what the agent (or a colleague) asks the team to do. The list defaults to
"assigned to me + Action required"; one task's detail (?task=<id>) holds its thread and answers."""

import pandas as pd
import streamlit as st

from billabex_core.domain.names import default_name
from billabex_core.models import LANGUAGES, TaskKind, TaskStatus
from billabex_core.queries import TaskDetail, list_accounts, list_tasks, task_detail
from billabex_core.services.task_actions import answer_missing_contact, cancel_task, correct_invalid_contact
from billabex_core.services.tasks import open_task, reply, set_assignees, set_status
from billabex_ui import call, current_user, require_login, today

require_login()

PAGE_SIZE = 50
MANUAL_KINDS = (TaskKind.DISPUTE, TaskKind.ANOMALY, TaskKind.ESCALATION)


def label(value: str) -> str:
    return value.replace("_", " ").capitalize()


def flash(message: str) -> None:
    st.session_state["tasks_flash"] = message
    st.rerun()


def open_task_view(task_id: int | None) -> None:
    if task_id is None:
        st.query_params.pop("task", None)
    else:
        st.query_params["task"] = str(task_id)
    st.rerun()


def first_page() -> None:
    st.session_state["task_page"] = 1


def account_picker(key: str, label_text: str = "Account", *, no_match: int | None = None) -> int | None:
    """Search accounts by name, VAT or SIREN and pick one of the first 20 matches.

    ``no_match`` is returned when the search finds nothing (-1 for a filter: an empty list
    rather than every task)."""
    search = st.text_input(f"{label_text} — search", key=f"{key}_search", placeholder="name, VAT or SIREN")
    if not search.strip():
        return None
    found = call(list_accounts, search=search, page_size=20)
    if not found or not found.rows:
        st.caption("No account matches.")
        return no_match
    names = {r.id: r.name for r in found.rows}
    return st.selectbox(label_text, list(names), format_func=names.get, key=f"{key}_pick")


# List ------------------------------------------------------------------------------------------


def new_task_form() -> None:
    with st.expander("➕ New task (dispute, customer request, anomaly...)"):
        kind = st.selectbox("Kind", MANUAL_KINDS, format_func=label, key="new_kind")
        account_id = account_picker("new_account")
        subject = st.text_input("Subject", key="new_subject")
        message = st.text_area("Message", key="new_message")
        if st.button("Create task", key="new_create"):
            if not subject.strip():
                st.warning("The subject is required.", icon="⚠️")
                return
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


def show_list() -> None:
    st.title("Tasks")
    new_task_form()
    c = st.columns([1, 2, 2, 2])
    mine = c[0].toggle("Assigned to me", value=True, key="task_mine", on_change=first_page)
    statuses = c[1].multiselect(
        "Status",
        list(TaskStatus),
        default=[TaskStatus.ACTION_REQUIRED],
        format_func=label,
        key="task_status",
        on_change=first_page,
    )
    kinds = c[2].multiselect("Kind", list(TaskKind), format_func=label, key="task_kind", on_change=first_page)
    with c[3]:
        account_id = account_picker("task_account", no_match=-1)
    page_no = int(st.session_state.get("task_page", 1))
    result = call(
        list_tasks,
        assignee=current_user() if mine else None,
        statuses=statuses,
        kinds=kinds,
        account_id=account_id,
        page=page_no,
        page_size=PAGE_SIZE,
    )
    if result is None:
        return
    if not result.total:
        st.info("No task matches these filters. 🎉" if statuses else "No task.")
        return
    st.dataframe(
        pd.DataFrame(
            {
                "#": [r.id for r in result.rows],
                "Kind": [label(r.kind) for r in result.rows],
                "Subject": [r.subject for r in result.rows],
                "Account": [r.account_name or "" for r in result.rows],
                "Status": [label(r.status) for r in result.rows],
                "Assigned to": [", ".join(r.assignees) or "everybody" for r in result.rows],
                "Updated": [r.updated_at for r in result.rows],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    nav = st.columns([2, 1, 3])
    nav[0].caption(f"Tasks {result.first:,}–{result.last:,} of {result.total:,}")
    nav[1].number_input(f"Page (of {result.page_count:,})", min_value=1, step=1, key="task_page")
    with nav[2]:
        subjects = {r.id: f"#{r.id} {r.subject}" for r in result.rows}
        chosen = st.selectbox(
            "Open a task of this page", list(subjects), format_func=subjects.get, key="task_pick"
        )
        if st.button("Open", key="task_open"):
            open_task_view(chosen)


# Detail ----------------------------------------------------------------------------------------


def prefill_name() -> None:
    email = st.session_state.get("ans_email", "")
    if "@" in email and not st.session_state.get("ans_name"):
        st.session_state["ans_name"] = default_name(email.strip())


def answer_with_contact(task_id: int) -> None:
    st.subheader("Answer: provide the contact")
    st.caption(
        "Tip: if the name is unknown, use the part of the e-mail before the @ "
        "(comptabilite@acme.com → “comptabilite”); it is filled in for you."
    )
    c = st.columns(3)
    email = c[0].text_input("E-mail", key="ans_email", on_change=prefill_name)
    name = c[1].text_input("Name", key="ans_name")
    language = c[2].selectbox("Language", LANGUAGES, index=None, key="ans_lang")
    c = st.columns(3)
    role = c[0].text_input("Role (optional)", key="ans_role")
    phone = c[1].text_input("Phone (optional)", key="ans_phone")
    primary = c[2].checkbox("Primary contact", value=True, key="ans_primary")
    if st.button("Add the contact and close the task", key="ans_submit", type="primary"):
        done = call(
            answer_missing_contact,
            task_id=task_id,
            email=email,
            name=name,
            language=language or "",
            role=role,
            phone=phone,
            is_primary=primary,
            actor=current_user(),
            today=today(),
        )
        if done is not None:
            for key in ("ans_email", "ans_name", "ans_role", "ans_phone"):
                st.session_state.pop(key, None)
            flash(f"Contact {done.name} added; the task is closed.")


def answer_with_correction(detail: TaskDetail) -> None:
    contact = detail.contact
    st.subheader("Answer: correct the e-mail")
    st.caption(f"{contact.name} <{contact.email}> bounced: {contact.invalid_reason or 'no reason given'}.")
    email = st.text_input("Correct e-mail", value=contact.email, key="fix_email")
    if st.button("Save the e-mail and close the task", key="fix_submit", type="primary"):
        done = call(
            correct_invalid_contact, task_id=detail.task.id, email=email, actor=current_user(), today=today()
        )
        if done is not None:
            flash(f"{done.name} is valid again; the task is closed.")


def show_detail(task_id: int) -> None:
    if st.button("← All tasks", key="back"):
        open_task_view(None)
    detail = call(task_detail, task_id=task_id)
    if detail is None:
        return
    task = detail.task
    st.title(f"#{task.id} {task.subject}")
    st.markdown(
        f"**Status:** {label(task.status)} · **Kind:** {label(task.kind)} · "
        f"**Assigned to:** {', '.join(task.assignees) or 'everybody'} · **Opened by:** {task.created_by}"
    )
    if task.account_id:
        st.page_link(
            "pages/accounts.py",
            label=f"Account: {detail.account_name}",
            icon="🏢",
            query_params={"account": str(task.account_id)},
        )
    if task.message:
        with st.chat_message("assistant" if task.created_by == "agent" else "user"):
            st.markdown(task.message)

    if detail.answerable_with_contact:
        answer_with_contact(task.id)
    elif detail.answerable_with_correction:
        answer_with_correction(detail)

    st.subheader("Thread")
    for message in detail.thread[1:] if task.message else detail.thread:
        with st.chat_message("assistant" if message.author in ("agent", "sync") else "user"):
            st.caption(f"{message.author} · {message.created_at:%Y-%m-%d %H:%M} UTC")
            st.markdown(message.body)
    with st.form("reply_form", clear_on_submit=True):
        body = st.text_area("Reply", key="reply_body")
        if st.form_submit_button("Send reply") and call(
            reply, task_id=task.id, author=current_user(), body=body
        ):
            flash("Reply added.")

    st.subheader("Status and assignees")
    c = st.columns(2)
    with c[0].form("status_form"):
        status = st.selectbox(
            "Status",
            list(TaskStatus),
            index=list(TaskStatus).index(task.status),
            format_func=label,
            key="st_status",
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
            if st.form_submit_button("Cancel task") and call(
                cancel_task, task_id=task.id, actor=current_user(), reason=reason
            ):
                flash("Task cancelled.")


if message := st.session_state.pop("tasks_flash", None):
    st.success(message)
selected = st.query_params.get("task")
if selected and selected.isdigit():
    show_detail(int(selected))
else:
    show_list()
