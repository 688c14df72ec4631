"""Tasks screen through AppTest: default filter, answer flows, reply, status, assignees, cancel."""

from __future__ import annotations

from datetime import date

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from billabex_core.db.engine import session_scope
from billabex_core.models import AuditEvent, Contact, Task, TaskKind, TaskMessage, TaskStatus
from billabex_core.services.accounts import create_account
from billabex_core.services.contacts import add_contact, mark_invalid
from billabex_core.services.tasks import ensure_missing_contact_task, open_task
from billabex_core.services.users import add_user
from tests.ui.rows import click_row

TODAY = date(2026, 3, 2)


def missing_contact_task(name: str = "Globex") -> int:
    with session_scope() as s:
        account = create_account(session=s, name=name, actor="t")
        task = ensure_missing_contact_task(session=s, account=account)
        assert task is not None
        return task.id  # type: ignore[return-value]


def open_detail(app, task_id: int) -> AppTest:  # type: ignore[no-untyped-def]
    at = app("pages/tasks.py")
    at.query_params["task"] = str(task_id)
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [str(e.value) for e in [*at.success, *at.error, *at.warning, *at.info, *at.markdown, *at.caption]]
    return " ".join(parts)


def thread(task_id: int) -> list[str]:
    with session_scope() as s:
        return list(
            s.exec(select(TaskMessage.body).where(TaskMessage.task_id == task_id).order_by(TaskMessage.id))
        )


def test_default_filter_is_mine_and_action_required(app) -> None:  # type: ignore[no-untyped-def]
    with session_scope() as s:
        add_user(
            session=s,
            username="bob",
            email="bob@example.com",
            name="Bob",
            password="0123456789ab",
            language="en",
        )
        everybody = open_task(session=s, kind=TaskKind.DISPUTE, subject="Everybody's", message="m", actor="t")
        open_task(
            session=s, kind=TaskKind.ANOMALY, subject="Bob's", message="m", actor="t", assignees=["bob"]
        )
        mine = open_task(
            session=s,
            kind=TaskKind.ESCALATION,
            subject="Alice's",
            message="m",
            actor="t",
            assignees=["alice"],
        )
        done = open_task(session=s, kind=TaskKind.INVALID_CONTACT, subject="Done", message="m", actor="t")
        done.status = TaskStatus.CLOSED
        assert everybody.id and mine.id
    at = app("pages/tasks.py")
    assert sorted(at.dataframe[0].value["Subject"]) == ["Alice's", "Everybody's"]
    at.toggle(key="task_mine").set_value(False).run()
    assert sorted(at.dataframe[0].value["Subject"]) == ["Alice's", "Bob's", "Everybody's"]
    at.multiselect(key="task_status").set_value([TaskStatus.CLOSED]).run()
    assert list(at.dataframe[0].value["Subject"]) == ["Done"]
    at.multiselect(key="task_status").set_value([]).run()
    at.multiselect(key="task_kind").set_value([TaskKind.ANOMALY]).run()
    assert list(at.dataframe[0].value["Subject"]) == ["Bob's"]


def test_filter_by_account(app) -> None:  # type: ignore[no-untyped-def]
    missing_contact_task("Globex")
    missing_contact_task("Initech")
    at = app("pages/tasks.py")
    assert len(at.dataframe[0].value) == 2
    at.text_input(key="task_account_search").input("initech").run()
    assert list(at.dataframe[0].value["Account"]) == ["Initech"]
    at.text_input(key="task_account_search").input("nobody").run()
    assert "No task matches these filters." in texts(at)


def test_answer_missing_contact_task_creates_contact_and_closes(app) -> None:  # type: ignore[no-untyped-def]
    task_id = missing_contact_task()
    at = app("pages/tasks.py")
    click_row(at, 0)  # a click on the task's row opens it
    assert at.title[0].value == f"#{task_id} Provide a contact for Globex"
    assert "has no valid contact" in texts(at)
    at.text_input(key="ans_email").input("comptabilite@globex.com").run()
    assert at.text_input(key="ans_name").value == "comptabilite"
    at.button(key="ans_submit").click().run()
    assert "language is required" in texts(at)
    at.selectbox(key="ans_lang").set_value("fr")
    at.button(key="ans_submit").click().run()
    assert "Contact comptabilite added; the task is closed." in texts(at)
    assert "**Status:** Closed" in texts(at)
    assert not [b for b in at.button if b.key == "ans_submit"]
    with session_scope() as s:
        contact = s.exec(select(Contact)).one()
        assert (contact.name, contact.email, contact.language) == (
            "comptabilite",
            "comptabilite@globex.com",
            "fr",
        )
    assert "Answered: contact comptabilite <comptabilite@globex.com> added" in thread(task_id)[-1]


def test_invalid_contact_task_is_answered_with_the_corrected_email(app) -> None:  # type: ignore[no-untyped-def]
    with session_scope() as s:
        account = create_account(session=s, name="Globex", actor="t")
        contact = add_contact(
            session=s, account_id=account.id, email="ap@globex.com", language="en", actor="t"
        )
        mark_invalid(session=s, contact_id=contact.id, reason="550 unknown user", actor="agent", today=TODAY)
        task_id = s.exec(select(Task.id).where(Task.kind == TaskKind.INVALID_CONTACT)).one()
    at = open_detail(app, task_id)
    at.text_input(key="fix_email").input("billing@globex.com")
    at.button(key="fix_submit").click().run()
    assert "is valid again; the task is closed." in texts(at)
    with session_scope() as s:
        assert s.get(Contact, contact.id).is_valid  # type: ignore[union-attr]
        assert s.get(Task, task_id).status == TaskStatus.CLOSED  # type: ignore[union-attr]


def test_reply_status_assignees_and_cancel(app) -> None:  # type: ignore[no-untyped-def]
    with session_scope() as s:
        task_id = open_task(
            session=s,
            kind=TaskKind.DISPUTE,
            subject="Disputed F-1",
            message="Says undelivered",
            actor="alice",
        ).id
    at = open_detail(app, task_id)
    at.text_area(key="reply_body").input("Called them, waiting for proof of delivery")
    next(b for b in at.button if b.label == "Send reply").click().run()
    assert "Reply added." in texts(at)
    assert "Called them, waiting for proof of delivery" in texts(at)
    at.selectbox(key="st_status").set_value(TaskStatus.AWAITING_RESPONSE)
    at.text_input(key="st_note").input("asked the customer")
    next(b for b in at.button if b.label == "Change status").click().run()
    assert "**Status:** Awaiting response" in texts(at)
    at.multiselect(key="assignees").set_value(["alice"])
    next(b for b in at.button if b.label == "Save assignees").click().run()
    assert "**Assigned to:** alice ·" in texts(at)
    next(b for b in at.button if b.label == "Cancel task").click().run()
    assert "say why the task is cancelled" in texts(at)
    at.text_input(key="cancel_reason").input("customer paid after all")
    next(b for b in at.button if b.label == "Cancel task").click().run()
    assert "**Status:** Cancelled" in texts(at)
    assert thread(task_id)[1:] == [
        "Called them, waiting for proof of delivery",
        "Status: action_required → awaiting_response. asked the customer",
        "Assigned to alice",
        "Status: awaiting_response → cancelled. customer paid after all",
    ]
    with session_scope() as s:
        actions = list(
            s.exec(
                select(AuditEvent.action).where(AuditEvent.entity_id == task_id, AuditEvent.entity == "task")
            )
        )
    assert actions == ["task.opened", "task.replied", "task.status", "task.assigned", "task.status"]


def test_create_a_manual_task(app) -> None:  # type: ignore[no-untyped-def]
    with session_scope() as s:
        create_account(session=s, name="Globex", actor="t")
    at = app("pages/tasks.py")
    at.text_input(key="new_account_search").input("globex").run()
    at.text_input(key="new_subject").input("   ")
    at.button(key="new_create").click().run()
    assert "the subject is required" in [w.value for w in at.warning]  # the core's rule, shown by the kit
    with session_scope() as s:
        assert s.exec(select(Task)).all() == []
    at.text_input(key="new_subject").input("Customer disputes F-12")
    at.text_area(key="new_message").input("Wrong quantity on line 2")
    at.button(key="new_create").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value.endswith("Customer disputes F-12")
    with session_scope() as s:
        task = s.exec(select(Task)).one()
        assert task.kind == TaskKind.DISPUTE and task.account_id is not None and task.created_by == "alice"


def test_empty_list_and_unknown_task(app) -> None:  # type: ignore[no-untyped-def]
    at = app("pages/tasks.py")
    assert "No task matches these filters." in texts(at)
    at = open_detail(app, 404)
    assert "task 404 does not exist" in texts(at)


def test_task_filters_are_in_the_url(app) -> None:  # type: ignore[no-untyped-def]
    """Issue #16: a link reproduces the filtered list (``?mine=0&status=closed``)."""
    with session_scope() as s:
        open_task(session=s, kind=TaskKind.ANOMALY, subject="Open one", message="m", actor="t")
        done = open_task(session=s, kind=TaskKind.ANOMALY, subject="Closed one", message="m", actor="t")
        done.status = TaskStatus.CLOSED
    at = app("pages/tasks.py")
    at.toggle(key="task_mine").set_value(False).run()
    at.multiselect(key="task_status").set_value([TaskStatus.CLOSED]).run()
    link = {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}
    assert link == {"mine": "0", "status": "closed"}
    fresh = app("pages/tasks.py")
    for key, value in link.items():
        fresh.query_params[key] = value
    fresh.run()
    assert list(fresh.dataframe[0].value["Subject"]) == ["Closed one"]
    assert fresh.toggle(key="task_mine").value is False
