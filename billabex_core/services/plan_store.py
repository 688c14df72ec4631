"""A run's plan becomes stored communications (domain.md §6, §6b): the write side of planning.

- Each planned message is a row keyed by its idempotency key (``step_key``), with its date,
  tone, recipients, invoices and text (payment details from Settings included). A row no longer
  planned (paid, paused, disputed, promised, no contact) is cancelled, and comes back if the
  cause returns. A step taken (sent, being sent, failed) or skipped by a person is never planned
  again.
- A person's edit is kept: the recipients they chose (while still reachable), their subject and
  body; their date reaches the plan as a pinned day (``AccountState.pinned``). When the invoices
  of an edited text change, the message waits for a person (``awaiting_approval``, ``held`` says
  why) rather than send a text about other invoices.
- Approval mode: a due message no person approved is ``awaiting_approval``
  (``domain.plan.planned_status``); an approval lapses when the invoices or recipients change.
- Stale synced data: the messages of the accounts held (``queries.freshness``) say why in
  ``held``; delivery leaves them alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlmodel import Session, col, select

from billabex_core.db.types import utcnow
from billabex_core.domain.plan import PLANNED, STEP_TAKEN, AccountState, PlannedMessage, planned_status
from billabex_core.models import Communication, CommunicationStatus, Organisation, Tone
from billabex_core.services.reminder_texts import PaymentDetails, Text, compose

NO_LONGER_NEEDED = "no longer needed (paid, paused, disputed, promised or no contact)"
REVIEW = "edited for other invoices than the plan's: edit it again or approve it as it is"


@dataclass(frozen=True)
class PlanCounts:
    planned: int
    cancelled: int
    keys: frozenset[str] = field(default=frozenset(), compare=False)  # the step keys stored


@dataclass(frozen=True)
class PlanOptions:
    today: date = date.min
    approval: bool = False  # the organisation's reminders mode is ``approval``
    holds: Mapping[int, str] = field(default_factory=dict)  # account id → why its reminders are held
    accounts: frozenset[int] | None = None  # the plan covers only these accounts (None: all)


def payment_details(org: Organisation) -> PaymentDetails:
    return PaymentDetails(iban=org.iban, bic=org.bic, reference=org.payment_reference)


@dataclass
class _Row:
    """The columns of a stored communication the plan reads and writes: read, filled and written
    back in bulk, without an ORM object per row (a daily run stores tens of thousands)."""

    id: int | None
    account_id: int
    step_key: str
    status: CommunicationStatus = CommunicationStatus.SCHEDULED
    scheduled_for: date = date.min
    tone: Tone = Tone.COURTEOUS
    language: str = ""
    subject: str = ""
    body: str = ""
    recipients: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    invoice_ids: list[int] = field(default_factory=list)
    error: str | None = None
    approved_by: str | None = None
    approved_at: datetime | None = None
    held: str | None = None
    edits: dict[str, Any] | None = None
    skipped_by: str | None = None


_COLUMNS = [f.name for f in fields(_Row)]
_WRITTEN = [name for name in _COLUMNS if name not in ("id", "account_id", "step_key", "edits", "skipped_by")]
_CHUNK = 500  # step keys per IN (…): SQLite's limit on bound parameters stays far


def store_plan(
    *,
    session: Session,
    plan: Iterable[tuple[AccountState, PlannedMessage]],
    org: Organisation,
    options: PlanOptions | None = None,
) -> PlanCounts:
    """Store a run's plan (each message with the state of its account) and cancel what left it."""
    options = options or PlanOptions()
    planned = {message.step_key: (state, message) for state, message in plan}
    session.flush()  # what this session changed is in the database before the bulk reads
    rows = _rows(session, _planned_rows(options.accounts))
    missing = [key for key in planned if key not in rows]
    for start in range(0, len(missing), _CHUNK):
        rows |= _rows(session, col(Communication.step_key).in_(missing[start : start + _CHUNK]))
    before = {key: _written(row) for key, row in rows.items()}
    cancelled = [r for r in rows.values() if r.status in PLANNED and r.step_key not in planned]
    for gone in cancelled:
        gone.status, gone.error, gone.held = CommunicationStatus.CANCELLED, NO_LONGER_NEEDED, None
    stored: set[str] = set()
    for key, (state, message) in planned.items():
        row = rows.get(key)
        if row is not None and (row.status in STEP_TAKEN or row.skipped_by):
            continue  # sent, being sent, failed or skipped: never planned again
        message = _chosen_recipients(row, message, state)
        invoices = {inv.id: inv for inv in state.invoices}
        text = compose(
            message,
            [invoices[i] for i in message.invoice_ids],
            country=state.country,
            signature=org.name,
            default_language=org.default_language,
            payment=payment_details(org),
        )
        if row is None:
            row = rows[key] = _Row(None, state.account_id, key)
        _fill(row, message, text, options)
        stored.add(key)
    _write(session, [row for key, row in rows.items() if before.get(key) != _written(row)])
    return PlanCounts(len(stored), len(cancelled), frozenset(stored))


def _written(row: _Row) -> tuple[Any, ...]:
    """What the plan may change in a row (``_WRITTEN``, lists copied): compared before and after."""
    return (
        row.status,
        row.scheduled_for,
        row.tone,
        row.language,
        row.subject,
        row.body,
        [*row.recipients],
        [*row.cc],
        [*row.invoice_ids],
        row.error,
        row.approved_by,
        row.approved_at,
        row.held,
    )


def _planned_rows(accounts: frozenset[int] | None) -> sa.ColumnElement[bool]:
    """The rows the plan may cancel: not sent yet (of these accounts, when the plan covers some)."""
    where: sa.ColumnElement[bool] = col(Communication.status).in_(PLANNED)
    if accounts is not None:
        where = sa.and_(where, col(Communication.account_id).in_(sorted(accounts)))
    return where


def _rows(session: Session, where: sa.ColumnElement[bool]) -> dict[str, _Row]:
    columns: list[Any] = [getattr(Communication, name) for name in _COLUMNS]
    return {
        row.step_key: row for row in (_Row(*values) for values in session.exec(select(*columns).where(where)))
    }


def _write(session: Session, changed: list[_Row]) -> None:
    """New rows inserted and changed ones updated, in bulk; the session's own copies of these
    rows, if it holds any, are read again on their next use."""
    table = cast(sa.Table, Communication.__table__)  # type: ignore[attr-defined]  # SQLModel sets it
    now = utcnow()
    inserts = [{**asdict(row), "created_at": now} for row in changed if row.id is None]
    updates = [
        {"_id": row.id, **{name: getattr(row, name) for name in _WRITTEN}} for row in changed if row.id
    ]
    connection = session.connection()
    for start in range(0, len(inserts), _CHUNK):
        connection.execute(
            table.insert(),
            [{k: v for k, v in r.items() if k != "id"} for r in inserts[start : start + _CHUNK]],
        )
    if updates:
        statement = table.update().where(table.c.id == sa.bindparam("_id"))
        for start in range(0, len(updates), _CHUNK):
            connection.execute(statement, updates[start : start + _CHUNK])
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Communication):
            session.expire(obj)


def _chosen_recipients(row: _Row | None, message: PlannedMessage, state: AccountState) -> PlannedMessage:
    """The recipients a person chose, those still reachable; none left in To: the plan's."""
    edits = (row.edits if row is not None else None) or {}
    if "to" not in edits:
        return message
    reachable = {r.email: r for r in state.recipients}
    to = tuple(reachable[e] for e in edits["to"] if e in reachable)
    cc = tuple(reachable[e] for e in edits.get("cc", []) if e in reachable and e not in edits["to"])
    return replace(message, to=to, cc=cc) if to else message


def _fill(row: _Row, message: PlannedMessage, text: Text, options: PlanOptions) -> None:
    if row.status not in PLANNED:
        row.error = None  # revived: the reason it was cancelled is gone (a delivery note stays)
    before = (list(row.invoice_ids or []), list(row.recipients or []), list(row.cc or []))
    edits = row.edits or {}
    row.scheduled_for, row.tone = message.scheduled_for, message.tone
    if "body" not in edits and "subject" not in edits:
        row.language, row.subject, row.body = text.language, text.subject[:300], text.body
    row.recipients = [r.email for r in message.to]
    row.cc = [r.email for r in message.cc]
    row.invoice_ids = list(message.invoice_ids)
    if row.id is not None and before != (row.invoice_ids, row.recipients, row.cc):
        row.approved_by = row.approved_at = None  # approved for other invoices or recipients
    review = ("body" in edits or "subject" in edits) and edits.get("invoice_ids") != row.invoice_ids
    row.held = options.holds.get(row.account_id) or (REVIEW if review else None)
    row.status = (
        CommunicationStatus.AWAITING_APPROVAL
        if review
        else planned_status(
            scheduled_for=row.scheduled_for,
            today=options.today,
            approval=options.approval,
            approved=row.approved_by is not None,
        )
    )
