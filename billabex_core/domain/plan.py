"""The follow-up plan of one account (domain.md §6), as pure functions over plain data.

- Active when the balance is positive, the account is not paused and it has a recipient.
- One currency per message (§6b): only the invoices in the account's currency, the one of its
  balance, are reminded; an invoice in another currency has its anomaly task instead.
- Pre-due: one courteous reminder per invoice on the Nth business day before its due date
  (organisation setting, default 3); none when that day had passed when the invoice arrived.
- Overdue: one message per account for all its overdue invoices. The first is due on the 1st
  business day after the oldest overdue invoice's due date; each next one N business days after
  the previous one, N by the age of the oldest overdue invoice on the previous message's day:
  0–30 days → 10, 31–60 → 5, more → 3. A new episode starts when every earlier overdue
  message predates the current oldest overdue invoice's due date.
- Tone by the age of the oldest overdue invoice on the sending day: courteous (pre-due, 0–30),
  professional (31–60), firm (> 60).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from billabex_core.domain.business_days import shift
from billabex_core.domain.enums import CommunicationStatus, Tone

# Stored statuses of a step that happened, or may have (a crash mid-delivery): never planned again.
STEP_TAKEN = (CommunicationStatus.SENT, CommunicationStatus.SENDING, CommunicationStatus.FAILED)


@dataclass(frozen=True)
class OpenInvoice:
    id: int
    number: str
    due_date: date
    arrived_on: date
    remaining: Decimal
    currency: str


@dataclass(frozen=True)
class Recipient:
    contact_id: int
    name: str
    email: str
    language: str
    is_primary: bool
    copy_only: bool


@dataclass(frozen=True)
class SentStep:
    step_key: str
    sent_on: date
    overdue: bool


@dataclass(frozen=True)
class AccountState:
    account_id: int
    name: str
    country: str
    currency: str
    balance: Decimal
    paused: bool
    invoices: tuple[OpenInvoice, ...]
    recipients: tuple[Recipient, ...]
    history: tuple[SentStep, ...] = ()


@dataclass(frozen=True)
class PlannedMessage:
    step_key: str
    scheduled_for: date
    overdue: bool
    tone: Tone
    invoice_ids: tuple[int, ...]
    to: tuple[Recipient, ...]
    cc: tuple[Recipient, ...] = field(default_factory=tuple)


def interval_for_age(age_days: int) -> int:
    if age_days <= 30:
        return 10
    if age_days <= 60:
        return 5
    return 3


def tone_for_age(age_days: int | None) -> Tone:
    if age_days is None or age_days <= 30:
        return Tone.COURTEOUS
    if age_days <= 60:
        return Tone.PROFESSIONAL
    return Tone.FIRM


def recipients(state: AccountState) -> tuple[tuple[Recipient, ...], tuple[Recipient, ...]]:
    """Primary contact first; copy-only contacts in CC (in To when there is nobody else)."""
    main = sorted(
        (r for r in state.recipients if not r.copy_only), key=lambda r: (not r.is_primary, r.contact_id)
    )
    copies = tuple(r for r in state.recipients if r.copy_only)
    if not main:
        return copies, ()
    return tuple(main), copies


def is_active(state: AccountState) -> bool:
    return state.balance > 0 and not state.paused and bool(state.recipients)


def remindable(state: AccountState) -> list[OpenInvoice]:
    """The open invoices a reminder may list: those in the account's currency."""
    return [inv for inv in state.invoices if inv.currency == state.currency]


def plan_account(state: AccountState, *, today: date, pre_due_days: int) -> list[PlannedMessage]:
    """The messages of this account that are due on ``today`` or planned after it."""
    if not is_active(state):
        return []
    to, cc = recipients(state)
    sent = {step.step_key for step in state.history}
    invoices = remindable(state)
    planned = [
        PlannedMessage(key, day, False, Tone.COURTEOUS, (inv.id,), to, cc)
        for inv in invoices
        if inv.due_date >= today
        and (day := shift(inv.due_date, -pre_due_days, state.country)) >= inv.arrived_on
        and (key := f"pre:{inv.id}:{inv.due_date.isoformat()}") not in sent
    ]
    overdue = [inv for inv in invoices if inv.due_date < today]
    if overdue:
        planned.append(_next_overdue(state, overdue, to, cc, today))
    return sorted(planned, key=lambda m: (m.scheduled_for, m.step_key))


def _next_overdue(
    state: AccountState,
    overdue: list[OpenInvoice],
    to: tuple[Recipient, ...],
    cc: tuple[Recipient, ...],
    today: date,
) -> PlannedMessage:
    oldest = min(inv.due_date for inv in overdue)
    earlier = sorted((s for s in state.history if s.overdue), key=lambda s: s.sent_on)
    episode = [s for s in earlier if s.sent_on > oldest]
    if episode:
        previous = episode[-1].sent_on
        day = shift(previous, interval_for_age((previous - oldest).days), state.country)
    else:
        day = shift(oldest, 1, state.country)
    sequence = len(earlier) + 1
    return PlannedMessage(
        step_key=f"overdue:{state.account_id}:{sequence}",
        scheduled_for=day,
        overdue=True,
        tone=tone_for_age((max(day, today) - oldest).days),  # a catch-up is written as of today
        invoice_ids=tuple(inv.id for inv in sorted(overdue, key=lambda i: (i.due_date, i.id))),
        to=to,
        cc=cc,
    )
