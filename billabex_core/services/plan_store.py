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
from dataclasses import dataclass, field, replace
from datetime import date

from sqlmodel import Session, col, select

from billabex_core.domain.plan import PLANNED, STEP_TAKEN, AccountState, PlannedMessage, planned_status
from billabex_core.models import Communication, CommunicationStatus, Organisation
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
    cancelled = _cancel_unplanned(session, set(planned), options.accounts)
    rows = {
        c.step_key: c
        for c in session.exec(select(Communication).where(col(Communication.step_key).in_(list(planned))))
    }
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
            row = Communication(
                account_id=state.account_id,
                step_key=key,
                scheduled_for=message.scheduled_for,
                language=text.language,
                subject=text.subject,
                body=text.body,
            )
        _fill(row, message, text, options)
        session.add(row)
        stored.add(key)
    session.flush()
    return PlanCounts(len(stored), cancelled, frozenset(stored))


def _cancel_unplanned(session: Session, planned: set[str], accounts: frozenset[int] | None) -> int:
    query = select(Communication).where(col(Communication.status).in_(PLANNED))
    if accounts is not None:
        query = query.where(col(Communication.account_id).in_(list(accounts)))
    cancelled = 0
    for row in session.exec(query):
        if row.step_key not in planned:
            row.status, row.error, row.held = CommunicationStatus.CANCELLED, NO_LONGER_NEEDED, None
            cancelled += 1
    return cancelled


def _chosen_recipients(
    row: Communication | None, message: PlannedMessage, state: AccountState
) -> PlannedMessage:
    """The recipients a person chose, those still reachable; none left in To: the plan's."""
    edits = (row.edits if row is not None else None) or {}
    if "to" not in edits:
        return message
    reachable = {r.email: r for r in state.recipients}
    to = tuple(reachable[e] for e in edits["to"] if e in reachable)
    cc = tuple(reachable[e] for e in edits.get("cc", []) if e in reachable and e not in edits["to"])
    return replace(message, to=to, cc=cc) if to else message


def _fill(row: Communication, message: PlannedMessage, text: Text, options: PlanOptions) -> None:
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
