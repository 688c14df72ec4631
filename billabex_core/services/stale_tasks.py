"""One task tells the admins when stale synced data hold reminders (domain.md §6b, fresh data).

Per integration whose data are too old (or whose last sync failed) while messages of its accounts
wait: one open anomaly task, on no account, assigned to the active administrators. It is closed by
the first plan that finds the data fresh again (or nothing held any more).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlmodel import Session, col, select

from billabex_core import task_subjects as subjects
from billabex_core.models import OPEN_TASK_STATUSES, Task, TaskKind, TaskStatus, User
from billabex_core.services import audit, tasks

PREFIX = "Reminders held: "


class Stale(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def reason(self) -> str: ...


def subject_for(name: str) -> str:
    return subjects.STALE.format(name=name)


def tell_admins(*, session: Session, stale: Sequence[Stale]) -> None:
    """Open the task of each stale integration holding messages; close those whose cause went."""
    wanted = {subject_for(s.name): s for s in stale}
    query = select(Task).where(
        Task.kind == TaskKind.ANOMALY,
        col(Task.account_id).is_(None),
        col(Task.status).in_(OPEN_TASK_STATUSES),
        col(Task.subject).startswith(PREFIX),
    )
    open_now = {task.subject: task for task in session.exec(query)}
    for subject, task in open_now.items():
        if subject not in wanted and task.id is not None:
            tasks.set_status(
                session=session,
                task_id=task.id,
                status=TaskStatus.CLOSED,
                actor=audit.AGENT,
                note="The data are fresh again: the held reminders go out.",
            )
    admins = sorted(
        session.exec(select(User.username).where(col(User.is_admin).is_(True), col(User.is_active).is_(True)))
    )
    for subject, item in wanted.items():
        if subject in open_now:
            continue
        tasks.open_task(
            session=session,
            kind=TaskKind.ANOMALY,
            actor=audit.AGENT,
            subject=subject,
            assignees=admins,
            message=subjects.STALE_TEXT.format(name=item.name, reason=item.reason),
        )
