"""Answering a task from the Tasks screen: each answer is one call, one transaction.

- A missing-contact task is answered with a contact (name, e-mail, language, ...): the contact
  is created on the task's account and the task is closed with a note naming it.
- An invalid-contact task is answered with the corrected e-mail: the contact becomes valid again
  and the task is closed (by ``contacts.update_contact``, which owns that rule).
- Cancelling a task is a status change with the reason in the thread.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, TypedDict

from sqlmodel import Session

from billabex_core.domain.names import default_name
from billabex_core.errors import ValidationError
from billabex_core.models import Contact, ContactUsage, Task, TaskKind, TaskStatus
from billabex_core.services import contacts, tasks

if TYPE_CHECKING:
    from typing_extensions import Unpack


class ContactDetails(TypedDict, total=False):
    """Optional fields of the contact given in an answer, passed on to ``contacts.add_contact``.
    A field left out keeps that function's default (the first contact becomes the primary one)."""

    role: str | None
    phone: str | None
    notes: str | None
    usage: ContactUsage | str | None
    is_primary: bool


def _open_task_of_kind(session: Session, task_id: int, kind: TaskKind) -> tuple[Task, int]:
    """The task, open and of ``kind``, with the id of the account it is attached to."""
    task = tasks.get_task(session=session, task_id=task_id)
    if task.kind != kind:
        raise ValidationError(
            f"task {task_id} is not a {kind.value.replace('_', ' ')} task",
            field="task",
            code="task.wrong_kind",
            params={"task": task_id, "kind": kind.value},
        )
    if not task.status.is_open:
        raise _closed(task_id, task.status.value)
    if task.account_id is None:
        raise ValidationError(
            f"task {task_id} is not attached to an account",
            field="task",
            code="task.no_account",
            params={"task": task_id},
        )
    return task, task.account_id


def answer_missing_contact(
    *,
    session: Session,
    task_id: int,
    email: str,
    language: str,
    actor: str,
    name: str | None = None,
    today: date | None = None,
    **details: Unpack[ContactDetails],
) -> Contact:
    """Create the contact the task asks for and close the task with a note saying who was added.

    The input is checked before anything is written; a later failure raises, and the caller's
    transaction rolls everything back (the task stays open).
    """
    _, account_id = _open_task_of_kind(session, task_id, TaskKind.MISSING_CONTACT)
    clean_email = contacts.check_email(email)
    contacts.check_language(language)
    shown = " ".join((name or "").split()) or default_name(clean_email)
    tasks.set_status(
        session=session,
        task_id=task_id,
        status=TaskStatus.CLOSED,
        actor=actor,
        note=f"Answered: contact {shown} <{clean_email}> added to the account.",
    )
    return contacts.add_contact(
        session=session,
        account_id=account_id,
        email=clean_email,
        language=language,
        name=name,
        actor=actor,
        today=today,
        **details,
    )


def correct_invalid_contact(
    *, session: Session, task_id: int, email: str, actor: str, today: date | None = None
) -> Contact:
    """Fix the bounced e-mail the task is about; the contact is valid again and the task closes."""
    task, _ = _open_task_of_kind(session, task_id, TaskKind.INVALID_CONTACT)
    if task.contact_id is None:
        raise ValidationError(
            f"task {task_id} names no contact", field="task", code="task.no_contact", params={"task": task_id}
        )
    return contacts.update_contact(
        session=session, contact_id=task.contact_id, email=email, actor=actor, today=today
    )


def cancel_task(*, session: Session, task_id: int, actor: str, reason: str) -> Task:
    """Cancel an open task; the reason goes in the thread and the audit log."""
    if not (reason or "").strip():
        raise ValidationError("say why the task is cancelled", field="reason", code="task.cancel_reason")
    task = tasks.get_task(session=session, task_id=task_id)
    if not task.status.is_open:
        raise _closed(task_id, task.status.value)
    return tasks.set_status(
        session=session, task_id=task_id, status=TaskStatus.CANCELLED, actor=actor, note=reason
    )


def _closed(task_id: int, status: str) -> ValidationError:
    return ValidationError(
        f"task {task_id} is already {status}",
        field="task",
        code="task.closed",
        params={"task": task_id, "status": status},
    )
