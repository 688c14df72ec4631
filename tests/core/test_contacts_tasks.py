"""Contacts (validation, default name) and the tasks they open and close (domain.md §5)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from billabex_core.errors import ValidationError
from billabex_core.models import AuditEvent, ContactUsage, Task, TaskKind, TaskStatus
from billabex_core.queries.tasks import list_tasks
from billabex_core.services import tasks
from billabex_core.services.contacts import add_contact, delete_contact, mark_invalid, update_contact


def _task(session, kind=TaskKind.MISSING_CONTACT):
    return session.exec(select(Task).where(Task.kind == kind)).one()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"email": "not-an-email", "language": "fr"}, "email"),
        ({"email": "", "language": "fr"}, "email"),
        ({"email": "a@b.example", "language": "xx"}, "language"),
        ({"email": "a@b.example", "language": ""}, "language"),
    ],
)
def test_contact_validation(session, account, kwargs: dict, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        add_contact(session=session, account_id=account.id, actor="alice", **kwargs)
    assert info.value.field == field


def test_name_defaults_to_local_part_and_closes_task(session, account, add_document, today) -> None:
    add_document(account, "F-1", "10.00")
    assert _task(session).status == TaskStatus.ACTION_REQUIRED
    contact = add_contact(
        session=session,
        account_id=account.id,
        email="comptabilite@acme.example",
        language="fr",
        actor="alice",
        today=today,
    )
    session.commit()
    assert contact.name == "comptabilite" and contact.is_primary
    task = _task(session)
    assert task.status == TaskStatus.CLOSED
    assert any("contact was added" in m.body for m in tasks.thread(session=session, task_id=task.id))
    session.refresh(account)
    assert account.contact_count == 1


def test_deleting_last_contact_reopens_a_task(session, account, today) -> None:
    c = add_contact(
        session=session, account_id=account.id, email="x@acme.example", language="en", actor="a", today=today
    )
    session.commit()
    delete_contact(session=session, contact_id=c.id, actor="a", today=today)
    session.commit()
    open_tasks = session.exec(select(Task).where(Task.status == TaskStatus.ACTION_REQUIRED)).all()
    assert [t.kind for t in open_tasks] == [TaskKind.MISSING_CONTACT]


def test_bounce_marks_invalid_and_correction_revalidates(session, account, today) -> None:
    c = add_contact(
        session=session,
        account_id=account.id,
        email="old@acme.example",
        language="en",
        actor="a",
        today=today,
    )
    mark_invalid(session=session, contact_id=c.id, reason="550 no such user", actor="agent", today=today)
    session.commit()
    assert not c.is_valid
    assert _task(session, TaskKind.INVALID_CONTACT).status == TaskStatus.ACTION_REQUIRED
    # One cause, one task (issue #12): the bounce asks to fix the contact, not also for a new one.
    assert session.exec(select(Task).where(Task.kind == TaskKind.MISSING_CONTACT)).all() == []
    update_contact(session=session, contact_id=c.id, actor="a", email="new@acme.example", today=today)
    session.commit()
    assert c.is_valid and c.email == "new@acme.example"
    assert _task(session, TaskKind.INVALID_CONTACT).status == TaskStatus.CLOSED
    assert [t.status.is_open for t in session.exec(select(Task))] == [False]


def test_do_not_contact_does_not_count(session, account, today) -> None:
    add_contact(
        session=session,
        account_id=account.id,
        email="no@acme.example",
        language="en",
        actor="a",
        usage=ContactUsage.DO_NOT_CONTACT,
        today=today,
    )
    session.commit()
    session.refresh(account)
    assert account.contact_count == 0


def test_only_one_primary(session, account, today) -> None:
    a = add_contact(
        session=session, account_id=account.id, email="a@acme.example", language="en", actor="x", today=today
    )
    b = add_contact(
        session=session,
        account_id=account.id,
        email="b@acme.example",
        language="en",
        actor="x",
        is_primary=True,
        today=today,
    )
    session.commit()
    session.refresh(a)
    assert b.is_primary and not a.is_primary


def test_task_thread_and_audit(session, account) -> None:
    task = tasks.open_task(
        session=session,
        kind=TaskKind.DISPUTE,
        subject="Customer disputes F-1",
        message="m",
        actor="alice",
        account_id=account.id,
    )
    tasks.reply(session=session, task_id=task.id, author="bob", body="Called them")
    tasks.set_status(session=session, task_id=task.id, status=TaskStatus.AWAITING_RESPONSE, actor="bob")
    tasks.set_status(
        session=session, task_id=task.id, status=TaskStatus.CANCELLED, actor="bob", note="resolved"
    )
    session.commit()
    bodies = [m.body for m in tasks.thread(session=session, task_id=task.id)]
    assert bodies[1] == "Called them"
    assert bodies[-1] == "Status: awaiting_response → cancelled. resolved"
    assert task.closed_at is not None
    actions = [e.action for e in session.exec(select(AuditEvent).where(AuditEvent.entity == "task"))]
    assert actions == ["task.opened", "task.replied", "task.status", "task.status"]
    with pytest.raises(ValidationError):
        tasks.reply(session=session, task_id=task.id, author="bob", body="  ")


def test_default_filter_assigned_to_me(session, account) -> None:
    mine = tasks.open_task(
        session=session,
        kind=TaskKind.DISPUTE,
        subject="a",
        message="",
        actor="x",
        account_id=account.id,
        assignees=["alice"],
    )
    everyone = tasks.open_task(
        session=session, kind=TaskKind.ANOMALY, subject="b", message="", actor="x", account_id=account.id
    )
    tasks.open_task(
        session=session,
        kind=TaskKind.ESCALATION,
        subject="c",
        message="",
        actor="x",
        account_id=account.id,
        assignees=["bob"],
    )
    found = list_tasks(session=session, statuses=[TaskStatus.ACTION_REQUIRED], assignee="alice").rows
    assert {t.id for t in found} == {mine.id, everyone.id}


def test_people_tasks_are_never_merged_but_causes_are(session, account) -> None:
    first = tasks.open_task(
        session=session,
        kind=TaskKind.DISPUTE,
        subject="Disputes F-1",
        message="a",
        actor="alice",
        account_id=account.id,
    )
    second = tasks.open_task(
        session=session,
        kind=TaskKind.DISPUTE,
        subject="Disputes F-2",
        message="b",
        actor="alice",
        account_id=account.id,
    )
    unattached = [
        tasks.open_task(
            session=session, kind=TaskKind.DISPUTE, subject="Call back", message="c", actor="alice"
        )
        for _ in range(2)
    ]
    assert len({first.id, second.id, *(t.id for t in unattached)}) == 4
    a1 = tasks.open_task(
        session=session,
        kind=TaskKind.ANOMALY,
        subject="Sync anomaly on ACME",
        message="m1",
        actor="sync",
        account_id=account.id,
    )
    a2 = tasks.open_task(
        session=session,
        kind=TaskKind.ANOMALY,
        subject="Sync anomaly on ACME",
        message="m2",
        actor="sync",
        account_id=account.id,
    )
    assert a1.id == a2.id
    assert [m.body for m in tasks.thread(session=session, task_id=a1.id)] == ["m1", "m2"]


def test_assignee_filter_is_applied_before_the_limit(session, account) -> None:
    for i in range(6):
        tasks.open_task(
            session=session,
            kind=TaskKind.DISPUTE,
            subject=f"bob {i}",
            message="",
            actor="x",
            account_id=account.id,
            assignees=["bob"],
        )
    mine = tasks.open_task(
        session=session,
        kind=TaskKind.DISPUTE,
        subject="alice",
        message="",
        actor="x",
        account_id=account.id,
        assignees=["alice"],
    )
    for i in range(6):
        tasks.open_task(
            session=session,
            kind=TaskKind.DISPUTE,
            subject=f"bob again {i}",
            message="",
            actor="x",
            account_id=account.id,
            assignees=["bob"],
        )
    assert [t.id for t in list_tasks(session=session, assignee="alice", page_size=1).rows] == [mine.id]


def test_editing_a_bounced_contact_without_a_new_email_keeps_it_invalid(session, account, today) -> None:
    c = add_contact(
        session=session,
        account_id=account.id,
        email="old@acme.example",
        language="en",
        actor="a",
        today=today,
    )
    mark_invalid(session=session, contact_id=c.id, reason="550", actor="agent", today=today)
    update_contact(
        session=session, contact_id=c.id, actor="a", email="old@acme.example", role="AP", today=today
    )
    session.commit()
    assert not c.is_valid and c.role == "AP"
    assert _task(session, TaskKind.INVALID_CONTACT).status == TaskStatus.ACTION_REQUIRED


@pytest.mark.parametrize("subject", ["", "   ", "\n\t"])
@pytest.mark.parametrize("kind", [TaskKind.DISPUTE, TaskKind.ANOMALY, TaskKind.ESCALATION])
def test_a_task_needs_a_subject(session, account, subject: str, kind: TaskKind) -> None:
    with pytest.raises(ValidationError) as info:
        tasks.open_task(
            session=session, kind=kind, subject=subject, message="m", actor="alice", account_id=account.id
        )
    assert info.value.field == "subject"
    assert session.exec(select(Task)).all() == []


def test_the_subject_is_stored_trimmed_and_an_anomaly_matches_it_trimmed(session, account) -> None:
    first = tasks.open_task(
        session=session,
        kind=TaskKind.ANOMALY,
        subject="  Currency mismatch on F-1 ",
        message="m1",
        actor="sync",
        account_id=account.id,
    )
    again = tasks.open_task(
        session=session,
        kind=TaskKind.ANOMALY,
        subject="Currency mismatch on F-1",
        message="m2",
        actor="sync",
        account_id=account.id,
    )
    assert first.subject == "Currency mismatch on F-1" and again.id == first.id
