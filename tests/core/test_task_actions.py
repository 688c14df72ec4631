"""Answering tasks: one call creates the contact (or fixes it) and closes the task with a note."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from billabex_core.errors import ValidationError
from billabex_core.models import Account, Contact, Task, TaskKind, TaskMessage, TaskStatus
from billabex_core.services.contacts import add_contact, mark_invalid
from billabex_core.services.task_actions import answer_missing_contact, cancel_task, correct_invalid_contact
from billabex_core.services.tasks import ensure_missing_contact_task, open_task


@pytest.fixture
def missing(session: Session, account: Account) -> Task:
    task = ensure_missing_contact_task(session=session, account=account)
    assert task is not None
    session.commit()
    return task


def bodies(session: Session, task_id: int) -> list[str]:
    query = select(TaskMessage.body).where(TaskMessage.task_id == task_id).order_by(TaskMessage.id)
    return list(session.exec(query))


def test_answer_creates_contact_and_closes_with_note(session: Session, missing: Task, today: date) -> None:
    contact = answer_missing_contact(
        session=session,
        task_id=missing.id,
        email="Comptabilite@Acme.fr",
        language="fr",
        actor="alice",
        today=today,
        role="AP",
    )
    session.commit()
    assert (contact.name, contact.email, contact.role, contact.is_primary) == (
        "Comptabilite",
        "Comptabilite@acme.fr",
        "AP",
        True,
    )
    session.refresh(missing)
    assert missing.status == TaskStatus.CLOSED
    assert bodies(session, missing.id)[-1] == (
        "Status: action_required → closed. Answered: contact Comptabilite <Comptabilite@acme.fr> added to the account."
    )
    assert session.get(Account, missing.account_id).contact_count == 1  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("email", "language"), [("not-an-email", "fr"), ("a@acme.fr", ""), ("a@acme.fr", "xx")]
)
def test_bad_answer_changes_nothing(session: Session, missing: Task, email: str, language: str) -> None:
    with pytest.raises(ValidationError):
        answer_missing_contact(
            session=session, task_id=missing.id, email=email, language=language, actor="alice"
        )
    session.rollback()
    assert session.get(Task, missing.id).status == TaskStatus.ACTION_REQUIRED  # type: ignore[union-attr]
    assert session.exec(select(Contact)).all() == []


def test_only_open_missing_contact_tasks_are_answered(
    session: Session, missing: Task, account: Account
) -> None:
    dispute = open_task(
        session=session, kind=TaskKind.DISPUTE, subject="d", message="", actor="t", account_id=account.id
    )
    with pytest.raises(ValidationError, match="not a missing contact task"):
        answer_missing_contact(
            session=session, task_id=dispute.id, email="a@acme.fr", language="fr", actor="alice"
        )
    add_contact(session=session, account_id=account.id, email="b@acme.fr", language="fr", actor="alice")
    with pytest.raises(ValidationError, match="already closed"):
        answer_missing_contact(
            session=session, task_id=missing.id, email="a@acme.fr", language="fr", actor="alice"
        )


def test_correct_invalid_contact(session: Session, account: Account, today: date) -> None:
    contact = add_contact(
        session=session, account_id=account.id, email="ap@acme.fr", language="fr", actor="t"
    )
    mark_invalid(session=session, contact_id=contact.id, reason="550", actor="agent", today=today)
    task = session.exec(select(Task).where(Task.kind == TaskKind.INVALID_CONTACT)).one()
    fixed = correct_invalid_contact(
        session=session, task_id=task.id, email="billing@acme.fr", actor="alice", today=today
    )
    assert fixed.is_valid and fixed.email == "billing@acme.fr"
    assert task.status == TaskStatus.CLOSED


def test_cancel_needs_a_reason(session: Session, missing: Task) -> None:
    with pytest.raises(ValidationError, match="say why"):
        cancel_task(session=session, task_id=missing.id, actor="alice", reason=" ")
    cancel_task(session=session, task_id=missing.id, actor="alice", reason="customer closed")
    assert missing.status == TaskStatus.CANCELLED
    assert bodies(session, missing.id)[-1].endswith("customer closed")
    with pytest.raises(ValidationError, match="already cancelled"):
        cancel_task(session=session, task_id=missing.id, actor="alice", reason="again")
