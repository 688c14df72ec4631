"""Communications the agent plans and delivers (domain.md §6): the write side.

- ``store_plan`` (``services.plan_store``): the messages of a run's plan become rows keyed by
  their idempotency key (``step_key``), with their text; a row no longer planned is cancelled,
  and comes back if the cause returns. A step taken (sent, being sent, failed) or skipped is
  never planned again.
- ``fail_interrupted``: rows left ``sending`` by a run that died (a stale claim) are failed for
  a person to check.
- ``claim``: ``scheduled`` → ``sending`` by one conditional UPDATE, recording who and when; the
  caller commits it before delivering, so a message is never delivered twice.
- ``record_delivery``, ``reschedule``, ``mark_failed``: what became of a delivery. A recipient
  refused for good (hard bounce) makes its contact invalid (``contacts.mark_invalid``). A message
  refused by every recipient reached nobody: it is failed and ``undelivered``, and its step key
  is freed (``<key>#undelivered-<id>``) so the plan asks for that same step again, due at once,
  as soon as the account has a valid contact (domain.md §6b).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from billabex_core.db.types import utcnow
from billabex_core.errors import NotFoundError
from billabex_core.models import Communication, CommunicationStatus, Contact
from billabex_core.services import audit
from billabex_core.services.contacts import mark_invalid
from billabex_core.services.plan_store import (  # noqa: F401  (planning lives in plan_store)
    NO_LONGER_NEEDED,
    PlanCounts,
    PlanOptions,
    store_plan,
)

ERROR_LENGTH = 1000
INTERRUPTED = "interrupted during delivery: check the mailbox before sending it again by hand"
ALL_BOUNCED = "every recipient bounced"
UNDELIVERED_SUFFIX = "#undelivered-"
StaleClaim = Callable[[str | None, datetime | None], bool]  # (claimed_by, claimed_at) → dead?


def fail_interrupted(*, session: Session, stale: StaleClaim | None = None) -> int:
    """Rows left ``sending`` by a run that died: maybe delivered, so failed for a person to check,
    never resent. ``stale(claimed_by, claimed_at)`` says which claims are dead (default: all);
    a live claim — another run still delivering it — is left alone."""
    stuck = session.exec(
        select(Communication).where(Communication.status == CommunicationStatus.SENDING)
    ).all()
    recovered = 0
    for row in stuck:
        if stale is not None and not stale(row.claimed_by, row.claimed_at):
            continue
        row.status, row.error = CommunicationStatus.FAILED, _interrupted(row.claimed_by, row.claimed_at)
        recovered += 1
    return recovered


def _interrupted(claimed_by: str | None, claimed_at: datetime | None) -> str:
    if not claimed_by:
        return INTERRUPTED
    when = f" at {claimed_at:%Y-%m-%d %H:%M} UTC" if claimed_at else ""
    return f"{INTERRUPTED} (claimed by {claimed_by}{when})"


def claim(*, session: Session, communication_id: int, by: str | None = None) -> bool:
    """Take a scheduled row for delivery (``sending``, with who and when); False when it is no
    longer scheduled."""
    claimed = (
        session.connection()
        .execute(
            sa.update(Communication)
            .where(
                col(Communication.id) == communication_id,
                col(Communication.status) == CommunicationStatus.SCHEDULED,
            )
            .values(status=CommunicationStatus.SENDING, claimed_by=by, claimed_at=utcnow())
        )
        .rowcount
    )
    return claimed == 1


def _get(session: Session, communication_id: int) -> Communication:
    row = session.get(Communication, communication_id)
    if row is None:
        raise NotFoundError("communication", communication_id)
    return row


def reschedule(*, session: Session, communication_id: int, error: str) -> Communication:
    """The server never took the message: it stays due, with the reason, for a later run."""
    row = _get(session, communication_id)
    row.status, row.error = CommunicationStatus.SCHEDULED, error[:ERROR_LENGTH]
    return row


def mark_failed(*, session: Session, communication_id: int, error: str) -> Communication:
    """The delivery ended in an unknown state: recorded on the row, never sent again."""
    row = _get(session, communication_id)
    row.status, row.error = CommunicationStatus.FAILED, error[:ERROR_LENGTH]
    return row


@dataclass(frozen=True)
class Recorded:
    sent: bool  # False: every recipient bounced, the row is failed
    bounced: int  # contacts made invalid


def record_delivery(
    *,
    session: Session,
    communication_id: int,
    today: date,
    channel: str,
    bounced: Mapping[str, str],
    deferred: Mapping[str, str],
    location: str | None = None,
) -> Recorded:
    """What the mail server answered: hard bounces invalidate their contacts; the row is sent unless
    every recipient bounced. ``bounced``/``deferred``: address → the server's answer."""
    row = _get(session, communication_id)
    invalid = _invalidate(session, row.account_id, bounced, today)
    if set(bounced) >= set(row.recipients) | set(row.cc):
        _undelivered(session, row, bounced)
        return Recorded(False, invalid)
    row.status, row.sent_at, row.sent_on, row.channel = CommunicationStatus.SENT, utcnow(), today, channel
    row.error = "; ".join(f"{a}: {t}" for a, t in {**bounced, **deferred}.items()) or None
    audit.record(
        session=session,
        actor=audit.AGENT,
        action="communication.sent",
        entity="communication",
        entity_id=row.id,
        account_id=row.account_id,
        channel=channel,
        step_key=row.step_key,
        recipients=row.recipients,
        location=location,
    )
    return Recorded(True, invalid)


def _undelivered(session: Session, row: Communication, bounced: Mapping[str, str]) -> None:
    """Refused by every recipient: failed, not a step of the plan, its key freed for the retry."""
    answers = "; ".join(f"{a}: {t}" for a, t in bounced.items())
    step_key = row.step_key
    row.status, row.undelivered = CommunicationStatus.FAILED, True
    row.error = f"{ALL_BOUNCED}: {answers}"[:ERROR_LENGTH]
    row.step_key = f"{step_key}{UNDELIVERED_SUFFIX}{row.id}"
    audit.record(
        session=session,
        actor=audit.AGENT,
        action="communication.undelivered",
        entity="communication",
        entity_id=row.id,
        account_id=row.account_id,
        step_key=step_key,
        recipients=row.recipients,
        bounced=dict(bounced),
    )


def _invalidate(session: Session, account_id: int, bounced: Mapping[str, str], today: date) -> int:
    if not bounced:
        return 0
    contacts = session.exec(
        select(Contact).where(Contact.account_id == account_id, col(Contact.email).in_(list(bounced)))
    ).all()
    for contact in contacts:
        if contact.id is not None:
            mark_invalid(
                session=session,
                contact_id=contact.id,
                reason=bounced[contact.email],
                actor=audit.AGENT,
                today=today,
            )
    return len(contacts)
