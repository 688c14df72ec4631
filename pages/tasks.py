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
    new_contact_inputs,
    require_login,
    selected_id,
    show_flash,
    today,
)
from billabex_ui.feedback import stored_block, stored_text
from billabex_ui.format import moment
from billabex_ui.i18n import t
from billabex_ui.tables import row_table
from billabex_ui.url_state import UrlFilters

require_login()

MANUAL_KINDS = (TaskKind.DISPUTE, TaskKind.ANOMALY, TaskKind.ESCALATION)
PAGER = Pager("task_page")
URL = UrlFilters(on_change=PAGER.reset)


# List ------------------------------------------------------------------------------------------


def _who(assignees: list[str], disabled: tuple[str, ...]) -> str:
    """The assignees, a disabled login said as such (it no longer sees the task)."""
    names = [t("task.disabled_name", name=name) if name in disabled else name for name in assignees]
    return ", ".join(names) or t("task.everybody")


def new_task_form() -> None:
    """A task people open by hand; the core checks the subject."""
    with st.expander(t("task.new")):
        kind = st.selectbox(t("task.kind"), MANUAL_KINDS, format_func=label, key="new_kind")
        account_id = account_picker(
            "new_account", label=t("task.account_search"), pick_label=t("picker.account"), no_match=None
        )
        subject = st.text_input(t("field.subject"), key="new_subject")
        message = st.text_area(t("field.body"), key="new_message")
        if st.button(t("task.create"), key="new_create"):
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
                flash(t("task.created", id=done.id))


def list_filters() -> dict[str, object]:
    """The filter widgets, as the keyword arguments of ``list_tasks``; each is kept in the URL
    (``?mine=0&status=closed``), so a link reproduces the list."""
    c = st.columns([1, 2, 2, 2])
    mine = c[0].toggle(t("task.mine"), **URL.flag("task_mine", "mine", True))
    statuses = c[1].multiselect(
        t("col.status"),
        list(TaskStatus),
        format_func=label,
        **URL.choices("task_status", "status", list(TaskStatus), [TaskStatus.ACTION_REQUIRED]),
        placeholder=t("common.choose"),
    )
    kinds = c[2].multiselect(
        t("task.kind"),
        list(TaskKind),
        format_func=label,
        **URL.choices("task_kind", "kind", list(TaskKind)),
        placeholder=t("common.choose"),
    )
    with c[3]:
        account_id = account_picker(
            "task_account",
            label=t("task.account_search"),
            pick_label=t("picker.account"),
            on_change=PAGER.reset,
        )
    return {
        "assignee": current_user() if mine else None,
        "statuses": statuses,
        "kinds": kinds,
        "account_id": account_id,
    }


def show_list() -> None:
    st.title(t("nav.tasks"))
    csv_download(t("task.download"), entity_csv, file_name="tasks.csv", key="task_csv", entity="tasks")
    new_task_form()
    filters = list_filters()
    result = call(list_tasks, **filters, page=PAGER.number, page_size=PAGER.size)
    if result is None:
        return
    if not result.total:
        st.info(t("task.none_match") if filters["statuses"] else t("table.no_task"))
        return
    rows = result.rows
    row_table(  # a click on a row opens the task
        {
            "#": [r.id for r in rows],
            t("task.kind"): [label(r.kind) for r in rows],
            t("col.subject"): [stored_text(r.subject, markdown=False) for r in rows],
            t("col.account"): [r.account_name or "" for r in rows],
            t("col.status"): [label(r.status) for r in rows],
            t("task.assigned_to"): [_who(r.assignees, r.disabled_assignees) for r in rows],
            t("task.updated"): [r.updated_at for r in rows],
        },
        [r.id for r in rows],
        key="task_table",
        param="task",
    )
    PAGER.footer(result, t("nav.tasks"))


# Answers ---------------------------------------------------------------------------------------


def answer_with_contact(detail: TaskDetail) -> None:
    st.subheader(t("task.answer_contact"))
    email, name, language = new_contact_inputs("ans")
    c = st.columns(3)
    role = c[0].text_input(t("task.role_optional"), key="ans_role")
    phone = c[1].text_input(t("task.phone_optional"), key="ans_phone")
    primary = c[2].checkbox(t("contact.primary"), value=True, key="ans_primary")
    if st.button(t("task.add_contact_close"), key="ans_submit", type="primary"):
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
            flash(t("task.contact_added", name=md(done.name)))


def answer_with_correction(detail: TaskDetail) -> None:
    contact = detail.contact
    if contact is None:
        return
    st.subheader(t("task.answer_correct"))
    reason = contact.invalid_reason or t("acc.no_reason")
    st.caption(t("task.bounced", contact=md(f"{contact.name} <{contact.email}>"), reason=md(reason)))
    email = st.text_input(t("task.correct_email"), value=contact.email, key="fix_email")
    if st.button(t("task.save_email_close"), key="fix_submit", type="primary"):
        done = call(
            correct_invalid_contact, task_id=detail.task.id, email=email, actor=current_user(), today=today()
        )
        if done is not None:
            flash(t("task.valid_again", name=md(done.name)))


# Detail ----------------------------------------------------------------------------------------


def show_header(detail: TaskDetail) -> None:
    task = detail.task
    st.title(f"#{task.id} {stored_text(task.subject)}")
    st.markdown(
        t(
            "task.header",
            status=label(task.status),
            kind=label(task.kind),
            who=md(_who(task.assignees, detail.disabled_assignees)),
            opened_by=md(task.created_by),
        )
    )
    if task.account_id:
        st.page_link(
            "pages/accounts.py",
            label=t("task.account_link", name=md(detail.account_name)),
            icon=":material/domain:",
            query_params={"account": str(task.account_id)},
        )
    if task.message:
        with st.chat_message(chat_role(task.created_by)):
            st.markdown(stored_block(task.message))


def show_thread(detail: TaskDetail) -> None:
    """The thread after the opening message (shown in the header), and the reply form."""
    task = detail.task
    st.subheader(t("task.thread"))
    for message in detail.thread[1:] if task.message else detail.thread:
        with st.chat_message(chat_role(message.author)):
            st.caption(f"{md(message.author)} · {moment(message.created_at)}")
            st.markdown(stored_block(message.body))
    with st.form("reply_form", clear_on_submit=True):
        body = st.text_area(t("task.reply"), key="reply_body")
        if (
            st.form_submit_button(t("task.send_reply"))
            and call(reply, task_id=task.id, author=current_user(), body=body) is not None
        ):
            flash(t("task.reply_added"))


def show_controls(detail: TaskDetail) -> None:
    """Change the status, the assignees, or cancel the task."""
    task = detail.task
    st.subheader(t("task.controls"))
    c = st.columns(2)
    with c[0].form("status_form"):
        statuses = list(TaskStatus)
        status = st.selectbox(
            t("col.status"), statuses, index=statuses.index(task.status), format_func=label, key="st_status"
        )
        note = st.text_input(t("task.note_optional"), key="st_note")
        if st.form_submit_button(t("task.change_status")):
            done = call(set_status, task_id=task.id, status=status, actor=current_user(), note=note)
            if done is not None:
                flash(t("task.status_changed", status=label(done.status)))
    with c[1].form("assign_form"):
        who = st.multiselect(
            t("task.assignees"),
            detail.usernames,
            default=[u for u in task.assignees if u in detail.usernames],
            key="assignees",
            placeholder=t("common.choose"),
        )
        if detail.disabled_assignees:
            st.caption(t("task.disabled_logins", names=md(", ".join(detail.disabled_assignees))))
        saved = st.form_submit_button(t("task.save_assignees"))
        if saved and call(set_assignees, task_id=task.id, assignees=who, actor=current_user()) is not None:
            flash(t("task.assignees_saved"))
    if task.status.is_open:
        with st.form("cancel_form"):
            reason = st.text_input(t("task.why_cancel"), key="cancel_reason")
            if (
                st.form_submit_button(t("task.cancel"))
                and call(cancel_task, task_id=task.id, actor=current_user(), reason=reason) is not None
            ):
                flash(t("task.cancelled"))


def show_detail(task_id: int) -> None:
    back_button(t("task.back"), "task")
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
