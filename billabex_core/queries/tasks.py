"""Tasks screen: the filtered list (default: assigned to me + Action required) and one task's detail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from billabex_core.errors import NotFoundError
from billabex_core.models import Account, Contact, Task, TaskKind, TaskMessage, TaskStatus, User
from billabex_core.queries.common import Page, check_paging, columns_for, like_pattern


@dataclass(frozen=True)
class _StoredTaskRow:
    id: int
    kind: TaskKind
    subject: str
    status: TaskStatus
    account_id: int | None
    account_name: str | None
    assignees: list[str]
    created_by: str
    updated_at: datetime


@dataclass(frozen=True)
class TaskRow(_StoredTaskRow):
    disabled_assignees: tuple[str, ...] = ()  # of its assignees, the logins now disabled


@dataclass(frozen=True)
class TaskDetail:
    task: Task
    account_name: str | None
    contact: Contact | None  # the contact an "invalid contact" task is about
    thread: list[TaskMessage]
    usernames: list[str]  # who the task can be assigned to: the active logins
    disabled_assignees: tuple[str, ...] = ()  # of its assignees, the logins now disabled

    @property
    def answerable_with_contact(self) -> bool:
        return self.task.kind == TaskKind.MISSING_CONTACT and self.task.status.is_open

    @property
    def answerable_with_correction(self) -> bool:
        return (
            self.task.kind == TaskKind.INVALID_CONTACT
            and self.task.status.is_open
            and self.contact is not None
        )


def _assigned_to(username: str) -> sa.ColumnElement[bool]:
    """Assigned to ``username`` or to everybody (empty list), on the JSON text of the column."""
    text = sa.cast(col(Task.assignees), sa.Text)
    return sa.or_(text == "[]", text.like(like_pattern(f'"{username}"'), escape="\\"))


def list_tasks(
    *,
    session: Session,
    assignee: str | None = None,
    statuses: list[TaskStatus] | None = None,
    kinds: list[TaskKind] | None = None,
    account_id: int | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Page[TaskRow]:
    """Tasks, newest activity first. ``assignee`` keeps the user's tasks and everybody's."""
    offset, limit = check_paging(page, page_size)
    where: list[sa.ColumnElement[bool]] = []
    if assignee:
        where.append(_assigned_to(assignee))
    if statuses:
        where.append(col(Task.status).in_(statuses))
    if kinds:
        where.append(col(Task.kind).in_(kinds))
    if account_id is not None:
        where.append(col(Task.account_id) == account_id)
    total = session.exec(select(func.count()).select_from(Task).where(*where)).one()
    query = (
        select(*columns_for(_StoredTaskRow, Task, account_name=Account.name))
        .outerjoin(Account, col(Account.id) == col(Task.account_id))
        .where(*where)
        .order_by(col(Task.updated_at).desc(), col(Task.id).desc())
        .offset(offset)
        .limit(limit)
    )
    stored = [_StoredTaskRow(*row) for row in session.exec(query)]
    disabled = _disabled(session, {name for row in stored for name in row.assignees})
    rows = [
        TaskRow(**vars(row), disabled_assignees=tuple(n for n in row.assignees if n in disabled))
        for row in stored
    ]
    return Page(rows, int(total), page, page_size)


def _disabled(session: Session, usernames: set[str]) -> set[str]:
    """Of these usernames, the logins that are disabled."""
    if not usernames:
        return set()
    query = select(User.username).where(
        col(User.username).in_(sorted(usernames)), col(User.is_active).is_(False)
    )
    return set(session.exec(query))


def task_detail(*, session: Session, task_id: int) -> TaskDetail:
    task = session.get(Task, task_id)
    if task is None:
        raise NotFoundError("task", task_id)
    account = session.get(Account, task.account_id) if task.account_id else None
    contact = session.get(Contact, task.contact_id) if task.contact_id else None
    active = select(col(User.username)).where(col(User.is_active).is_(True))
    usernames = list(session.exec(active.order_by(col(User.username))))
    disabled = _disabled(session, set(task.assignees))
    thread = list(
        session.exec(
            select(TaskMessage).where(col(TaskMessage.task_id) == task_id).order_by(col(TaskMessage.id))
        )
    )
    return TaskDetail(
        task,
        account.name if account else None,
        contact,
        thread,
        usernames,
        tuple(name for name in task.assignees if name in disabled),
    )
