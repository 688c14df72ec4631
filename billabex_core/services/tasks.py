"""Tasks: the agent asks people to act (domain.md §5).

A task the agent or the sync raises is unique while open, per cause: per (kind, account,
contact) for a missing or invalid contact or an escalation, per (account, subject) for an
anomaly; asking twice returns the same task. Tasks people open (a dispute, a customer request)
are always new. Every task needs a subject. A task whose cause disappears is closed
automatically with a note. Every change goes in the task's thread and in the audit log.
"""

from __future__ import annotations

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from billabex_core import task_subjects as subjects
from billabex_core.db.types import utcnow
from billabex_core.errors import NotFoundError, ValidationError
from billabex_core.models import OPEN_TASK_STATUSES, Account, Task, TaskKind, TaskMessage, TaskStatus, User
from billabex_core.services import audit

# A task is open until it is closed or cancelled (``TaskStatus.is_open``).

# Kinds the agent or the sync raise for a cause: one open task per cause, never a pile of copies.
ONE_PER_CAUSE = (TaskKind.MISSING_CONTACT, TaskKind.INVALID_CONTACT, TaskKind.ESCALATION)
SUBJECT_LENGTH = 300  # the column's size


def get_task(*, session: Session, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise NotFoundError("task", task_id)
    return task


def _stored_id(task: Task) -> int:
    """The id of a task that has been flushed (every task this module hands over has one)."""
    if task.id is None:
        raise RuntimeError("the task has no id yet: flush it first")
    return task.id


def _open_tasks(
    kind: TaskKind, account_id: int | None, contact_id: int | None = None
) -> SelectOfScalar[Task]:
    """Open tasks of ``kind`` on the account (``None``: on no account), of the contact if given."""
    query = select(Task).where(
        col(Task.kind) == kind, col(Task.account_id) == account_id, col(Task.status).in_(OPEN_TASK_STATUSES)
    )
    return query if contact_id is None else query.where(col(Task.contact_id) == contact_id)


def find_open_task(
    *, session: Session, kind: TaskKind, account_id: int | None, contact_id: int | None = None
) -> Task | None:
    return session.exec(_open_tasks(kind, account_id, contact_id).order_by(col(Task.id))).first()


def _same_cause(
    session: Session, kind: TaskKind, subject: str, account_id: int | None, contact_id: int | None
) -> Task | None:
    """The open task that already asks what a new one would: per account and contact for a cause
    the agent or the sync raises, per account and subject for an anomaly; ``None`` for the rest."""
    if account_id is None:
        return None
    if kind in ONE_PER_CAUSE:
        return find_open_task(session=session, kind=kind, account_id=account_id, contact_id=contact_id)
    if kind == TaskKind.ANOMALY:
        return session.exec(_open_tasks(kind, account_id).where(col(Task.subject) == subject)).first()
    return None


def _add_message_once(session: Session, task: Task, actor: str, message: str) -> None:
    """An anomaly raised again: a message its thread does not hold yet joins it."""
    task_id = _stored_id(task)
    if message not in {m.body for m in thread(session=session, task_id=task_id)}:
        session.add(TaskMessage(task_id=task_id, author=actor, body=message))
        task.updated_at = utcnow()


def open_task(
    *,
    session: Session,
    kind: TaskKind,
    subject: str,
    message: str,
    actor: str,
    account_id: int | None = None,
    contact_id: int | None = None,
    assignees: list[str] | None = None,
) -> Task:
    """Open a task. For a cause the agent or the sync raises (missing or invalid contact,
    escalation: per account and contact; an anomaly: per account and subject) the open task that
    already asks the same thing is returned instead, an anomaly's new message added to its thread.
    Tasks people open (a dispute, a customer request) are always new. The subject is required."""
    title = (subject or "").strip()[:SUBJECT_LENGTH]
    if not title:
        raise ValidationError("the subject is required", field="subject", code="task.subject_required")
    existing = _same_cause(session, kind, title, account_id, contact_id)
    if existing is not None:
        if kind == TaskKind.ANOMALY:
            _add_message_once(session, existing, actor, message)
        return existing
    task = Task(
        kind=kind,
        subject=title,
        message=message,
        account_id=account_id,
        contact_id=contact_id,
        assignees=list(assignees or []),
        created_by=actor,
    )
    session.add(task)
    session.flush()
    session.add(TaskMessage(task_id=_stored_id(task), author=actor, body=message))
    audit.record(
        session=session,
        actor=actor,
        action="task.opened",
        entity="task",
        entity_id=task.id,
        account_id=account_id,
        kind=kind.value,
        subject=task.subject,
    )
    return task


def _log(session: Session, task: Task, actor: str, body: str, action: str, **details: object) -> TaskMessage:
    """Every change of a task: a line in its thread and an event in the audit log."""
    message = TaskMessage(task_id=_stored_id(task), author=actor, body=body)
    session.add(message)
    task.updated_at = utcnow()
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=action,
        entity="task",
        entity_id=task.id,
        account_id=task.account_id,
        **details,
    )
    return message


def reply(*, session: Session, task_id: int, author: str, body: str) -> TaskMessage:
    text = (body or "").strip()
    if not text:
        raise ValidationError("the reply is empty", field="body", code="task.reply_empty")
    return _log(session, get_task(session=session, task_id=task_id), author, text, "task.replied")


def set_status(
    *, session: Session, task_id: int, status: TaskStatus, actor: str, note: str | None = None
) -> Task:
    task = get_task(session=session, task_id=task_id)
    if task.status == status:
        return task
    previous = task.status
    task.status = status
    task.closed_at = None if status.is_open else utcnow()
    text = f"Status: {previous.value} → {status.value}" + (
        f". {note.strip()}" if note and note.strip() else ""
    )
    _log(session, task, actor, text, "task.status", before=previous.value, after=status.value, note=note)
    return task


def set_assignees(*, session: Session, task_id: int, assignees: list[str], actor: str) -> Task:
    """Assign the task to these logins (none: everybody). A new assignee must be an active login;
    one already assigned who was disabled since may stay."""
    task = get_task(session=session, task_id=task_id)
    new = sorted(set(assignees) - set(task.assignees))
    active = set(session.exec(select(User.username).where(col(User.username).in_(new), col(User.is_active))))
    refused = [name for name in new if name not in active]
    if refused:
        raise ValidationError(
            f"cannot assign a task to {', '.join(refused)}: not an active login",
            field="assignees",
            code="task.assignee_inactive",
            params={"logins": ", ".join(refused)},
        )
    task.assignees = sorted(set(assignees))
    text = "Assigned to " + (", ".join(task.assignees) or "everybody")
    _log(session, task, actor, text, "task.assigned", assignees=task.assignees)
    return task


def close_for_cause(
    *, session: Session, kind: TaskKind, account_id: int, note: str, actor: str, contact_id: int | None = None
) -> list[Task]:
    """Close the open tasks of this kind on the account: their cause has gone."""
    tasks = list(session.exec(_open_tasks(kind, account_id, contact_id)))
    for task in tasks:
        set_status(
            session=session, task_id=_stored_id(task), status=TaskStatus.CLOSED, actor=actor, note=note
        )
    return tasks


def ensure_missing_contact_task(
    *, session: Session, account: Account, actor: str = audit.AGENT
) -> Task | None:
    """The agent hook: an account without a valid contact gets a "Provide a contact" task, unless
    a bounce already asks to fix its contact (one cause, one task)."""
    if account.contact_count > 0 or _asks_to_fix_a_contact(session, account):
        return None
    return open_task(
        session=session,
        kind=TaskKind.MISSING_CONTACT,
        account_id=account.id,
        subject=subjects.MISSING_CONTACT.format(name=account.name),
        message=subjects.MISSING_CONTACT_TEXT.format(name=account.name),
        actor=actor,
    )


def _asks_to_fix_a_contact(session: Session, account: Account) -> bool:
    return find_open_task(session=session, kind=TaskKind.INVALID_CONTACT, account_id=account.id) is not None


def ensure_main_contact_task(*, session: Session, account: Account, actor: str = audit.AGENT) -> Task | None:
    """Only "copy only" contacts can be reached: nothing is sent, a task asks for a main contact
    (the open missing-contact task of the account says so, when there is one; none when a bounce
    already asks to fix a contact)."""
    if _asks_to_fix_a_contact(session, account):
        return None
    subject = subjects.MAIN_CONTACT.format(name=account.name)[:SUBJECT_LENGTH]
    message = subjects.MAIN_CONTACT_TEXT.format(name=account.name)
    existing = find_open_task(session=session, kind=TaskKind.MISSING_CONTACT, account_id=account.id)
    if existing is None:
        return open_task(
            session=session,
            kind=TaskKind.MISSING_CONTACT,
            account_id=account.id,
            subject=subject,
            message=message,
            actor=actor,
        )
    if existing.subject != subject:
        existing.subject = subject
        _log(session, existing, actor, message, "task.updated", subject=subject)
    return existing


def thread(*, session: Session, task_id: int) -> list[TaskMessage]:
    """The messages of a task, oldest first."""
    query = select(TaskMessage).where(col(TaskMessage.task_id) == task_id).order_by(col(TaskMessage.id))
    return list(session.exec(query))
