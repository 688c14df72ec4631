"""What a person does to a message before it goes (domain.md §6b, docs/agent.md "Approval"):
approve, approve many, skip with a reason, edit. Every action is in the audit log with the user.

Only a message not sent yet (``scheduled`` or ``awaiting_approval``) can be acted on.

- **approve**: it may go out (in approval mode the delivery sends approved messages only); an
  approval lapses when the plan changes its invoices or recipients.
- **skip** with a reason: ``cancelled``, and that step of the plan is never planned again (the
  next one follows it).
- **edit**: date, recipients among the account's reachable contacts, subject, body. The plan keeps
  the edit (``Communication.edits``); an edit is a person's review of the message, so it counts as
  its approval. ``jobs.reminders.edit`` re-plans the account at once so the screen shows the
  final date (a business day of the customer) and, when only the date changed, the text as of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from billabex_core.db.types import utcnow
from billabex_core.domain.plan import PLANNED
from billabex_core.errors import NotFoundError, ValidationError
from billabex_core.models import Communication, CommunicationStatus, Contact, reachable_contact
from billabex_core.services import audit
from billabex_core.services.plan_store import REVIEW

SUBJECT_LENGTH = 300


def planned_row(*, session: Session, communication_id: int) -> Communication:
    """A message not sent yet, or a clear refusal naming what became of it."""
    row = session.get(Communication, communication_id)
    if row is None:
        raise NotFoundError("communication", communication_id)
    if row.status not in PLANNED:
        raise ValidationError(
            f"communication {communication_id} is {row.status.value.replace('_', ' ')}: only a message "
            "not sent yet can be approved, edited, skipped or sent",
            field="communication",
            code="communication.not_planned",
            params={"communication": communication_id, "status": row.status.value},
        )
    return row


def _approve(row: Communication, actor: str) -> None:
    row.approved_by, row.approved_at = actor, utcnow()
    if row.edits and ("body" in row.edits or "subject" in row.edits):
        row.edits = {**row.edits, "invoice_ids": list(row.invoice_ids)}  # the text is right for them
    if row.held == REVIEW:
        row.held = None
    row.status = CommunicationStatus.SCHEDULED


def _record(session: Session, row: Communication, actor: str, action: str, **details: Any) -> None:
    audit.record(
        session=session,
        actor=actor,
        action=action,
        entity="communication",
        entity_id=row.id,
        account_id=row.account_id,
        step_key=row.step_key,
        **details,
    )


def approve(*, session: Session, communication_id: int, actor: str) -> Communication:
    """Approve a message: it goes out on its day (the next run), or at once with "send now"."""
    row = planned_row(session=session, communication_id=communication_id)
    _approve(row, actor)
    _record(session, row, actor, "communication.approved", scheduled_for=row.scheduled_for)
    return row


def approve_many(*, session: Session, communication_ids: Sequence[int], actor: str) -> int:
    """Approve every message of the list not sent yet nor approved (the others are left as they are)."""
    rows = session.exec(
        select(Communication).where(
            col(Communication.id).in_(list(communication_ids)), col(Communication.status).in_(PLANNED)
        )
    ).all()
    rows = [
        r
        for r in rows
        if r.approved_by is None or r.status != CommunicationStatus.SCHEDULED or r.held == REVIEW
    ]
    for row in rows:
        _approve(row, actor)
        _record(session, row, actor, "communication.approved", scheduled_for=row.scheduled_for, bulk=True)
    return len(rows)


def skip(*, session: Session, communication_id: int, reason: str, actor: str) -> Communication:
    """Skip a message with a reason: it is cancelled and that step is never planned again."""
    text = (reason or "").strip()
    if not text:
        raise ValidationError(
            "say why this message is skipped", field="reason", code="communication.skip_reason"
        )
    row = planned_row(session=session, communication_id=communication_id)
    row.status, row.skipped_by, row.skip_reason, row.held = CommunicationStatus.CANCELLED, actor, text, None
    row.error = f"skipped by {actor}: {text}"[:1000]
    _record(session, row, actor, "communication.skipped", reason=text)
    return row


def _reachable(session: Session, account_id: int) -> set[str]:
    query = select(Contact.email).where(Contact.account_id == account_id, reachable_contact(Contact))
    return set(session.exec(query))


def _check_recipients(session: Session, row: Communication, to: list[str], cc: list[str]) -> None:
    if not to:
        raise ValidationError(
            "a message needs at least one recipient in To", field="to", code="communication.no_to"
        )
    allowed = _reachable(session, row.account_id)
    unknown = [e for e in [*to, *cc] if e not in allowed]
    if unknown:
        raise ValidationError(
            f"{unknown[0]} is not a contact of this account that may receive reminders",
            field="to",
            code="communication.not_a_contact",
            params={"email": unknown[0]},
        )


def _check_date(row: Communication, day: date, today: date) -> None:
    if day < today:
        raise ValidationError("the date cannot be in the past", field="scheduled_for", code="date.past")
    if row.step_key.startswith("pre:"):
        due = date.fromisoformat(row.step_key.split(":")[2])
        if day > due:
            raise ValidationError(
                f"a reminder before the due date goes out by {due.isoformat()} at the latest",
                field="scheduled_for",
                code="communication.after_due",
                params={"date": due},
            )


def edit(
    *,
    session: Session,
    communication_id: int,
    actor: str,
    today: date,
    scheduled_for: date | None = None,
    to: list[str] | None = None,
    cc: list[str] | None = None,
    subject: str | None = None,
    body: str | None = None,
) -> Communication:
    """Change a message before it goes; what is given and differs is kept by the next plans."""
    row = planned_row(session=session, communication_id=communication_id)
    edits, changed = dict(row.edits or {}), []
    if scheduled_for is not None and scheduled_for != row.scheduled_for:
        _check_date(row, scheduled_for, today)
        edits["scheduled_for"], row.scheduled_for = scheduled_for.isoformat(), scheduled_for
        changed.append("date")
    if (to is not None and to != row.recipients) or (cc is not None and cc != row.cc):
        new_to, new_cc = (
            list(to if to is not None else row.recipients),
            list(cc if cc is not None else row.cc),
        )
        new_cc = [e for e in new_cc if e not in new_to]
        _check_recipients(session, row, new_to, new_cc)
        edits["to"], edits["cc"], row.recipients, row.cc = new_to, new_cc, new_to, new_cc
        changed.append("recipients")
    for name, value in (("subject", subject), ("body", body)):
        if value is not None and value.strip() != getattr(row, name).strip():
            if not value.strip():
                raise ValidationError(f"the {name} cannot be empty", field=name, code="required")
            if name == "subject" and len(value.strip()) > SUBJECT_LENGTH:
                raise ValidationError(
                    f"the subject is longer than {SUBJECT_LENGTH} characters",
                    field=name,
                    code="text.too_long",
                    params={"limit": SUBJECT_LENGTH},
                )
            edits[name] = value.strip() if name == "subject" else value
            setattr(row, name, edits[name])
            changed.append(name)
    if not changed:
        raise ValidationError("nothing was changed", field="communication", code="nothing_changed")
    edits.update(by=actor, at=utcnow().isoformat(), invoice_ids=list(row.invoice_ids))
    row.edits = edits
    _approve(row, actor)
    _record(
        session,
        row,
        actor,
        "communication.edited",
        changed=changed,
        scheduled_for=row.scheduled_for,
        to=row.recipients,
        cc=row.cc,
    )
    return row
