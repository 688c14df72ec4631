"""The follow-up plan of one account (domain.md §6, §6b), as pure functions over plain data.

- Active when the balance is positive, the account is not paused and it has a main recipient
  (a reachable contact that is not "copy only"; copy-only contacts alone receive nothing).
- One currency per message: only the invoices in the account's currency, the one of its
  balance, are reminded; an invoice in another currency has its anomaly task instead.
- Pre-due: one courteous reminder per invoice on the Nth business day before its due date
  (organisation setting, default 3); none when that day had passed when the invoice arrived.
- Overdue: one message per account for all its overdue invoices. The first is due on the 1st
  business day after the oldest open invoice's due date; each next one N business days after
  the previous one, N by the age of the oldest overdue invoice on the previous message's day:
  0–30 days → 10, 31–60 → 5, more → 3. A new episode starts when every earlier overdue
  message predates the oldest open invoice's due date. It is planned as soon as one open
  invoice has no pre-due reminder pending, even before that invoice is overdue: the next
  message always exists.
- Dates: never before the run day (a catch-up is dated the run day), always a business day of
  the customer's country, one message a day per account at most (a later one moves to the next
  business day; a pre-due reminder pushed past its due date is dropped, the overdue message
  covers the invoice).
- Tone by the age of the oldest listed invoice on the message's day: courteous (pre-due,
  0–30), professional (31–60), firm (> 60). A message is a follow-up (may mention an earlier
  one) only when an earlier overdue message of the same episode reached the customer.
- A step refused by every recipient (a bounce) is not in the history: it is planned again.
- People steer the plan (domain.md §6b): a step skipped by a person is in the history (the next
  step follows it, it is never planned again, it did not reach the customer); a step a person
  moved to a day (an edited message's date) is planned on that day, rules of dates kept.
- A disputed invoice is not given to the plan at all; an invoice with a promise to pay is not
  reminded before the promised date plus ``PROMISE_GRACE_DAYS`` business days
  (``promise_resume_day``), then it is again while it is unpaid.
- Approval mode: a due message no person approved waits (``awaiting_approval``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from billabex_core.domain.business_days import is_business_day, on_or_after, shift
from billabex_core.domain.enums import CommunicationStatus, Tone
from billabex_core.messages import Template

# Stored statuses of a step that happened, or may have (a crash mid-delivery): never planned again
# (a row refused by every recipient is failed too, but it is left out of the history: see above).
STEP_TAKEN = (CommunicationStatus.SENT, CommunicationStatus.SENDING, CommunicationStatus.FAILED)
# Not sent yet: the plan dates, words and may cancel them (awaiting_approval: due, waiting for a person).
PLANNED = (CommunicationStatus.SCHEDULED, CommunicationStatus.AWAITING_APPROVAL)
PROMISE_GRACE_DAYS = 2  # business days after a promised date before reminders resume


@dataclass(frozen=True)
class OpenInvoice:
    id: int
    number: str
    due_date: date
    arrived_on: date
    remaining: Decimal
    currency: str
    held_until: date | None = None  # a promise to pay: not reminded before this day

    def held_on(self, day: date) -> bool:
        return self.held_until is not None and day < self.held_until


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
    delivered: bool = True  # False: maybe delivered (interrupted, unknown error), never resent
    skipped: bool = False  # skipped by a person: a step, but nothing went out that day


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
    pinned: Mapping[str, date] = field(default_factory=dict)  # step key → the day a person chose


@dataclass(frozen=True)
class PlannedMessage:
    step_key: str
    scheduled_for: date
    overdue: bool
    tone: Tone
    invoice_ids: tuple[int, ...]
    to: tuple[Recipient, ...]
    cc: tuple[Recipient, ...] = field(default_factory=tuple)
    follow_up: bool = False  # an earlier overdue message of this episode reached the customer


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
    """(To, CC): the main contacts, primary first (else the first one added); copy-only contacts
    in CC. With no main contact To is empty: nothing is sent (a task asks for one)."""
    main = sorted(
        (r for r in state.recipients if not r.copy_only), key=lambda r: (not r.is_primary, r.contact_id)
    )
    copies = tuple(r for r in state.recipients if r.copy_only)
    return tuple(main), copies if main else ()


def has_main_recipient(state: AccountState) -> bool:
    return any(not r.copy_only for r in state.recipients)


def is_active(state: AccountState) -> bool:
    return state.balance > 0 and not state.paused and has_main_recipient(state)


def remindable(state: AccountState) -> list[OpenInvoice]:
    """The open invoices a reminder may list: those in the account's currency."""
    return [inv for inv in state.invoices if inv.currency == state.currency]


@dataclass(frozen=True)
class _Step:
    """A message before its final date: its key, the date the rules give (or a person chose), the
    first day it has something to say, its invoices."""

    key: str
    raw: date
    invoices: tuple[OpenInvoice, ...]  # pre-due: the invoice; overdue: every open invoice
    earliest: date = date.min

    @property
    def overdue(self) -> bool:
        return self.key.startswith("overdue:")


def promise_resume_day(promised_for: date, country: str) -> date:
    """The first day an invoice promised for ``promised_for`` is reminded again if still unpaid."""
    return shift(promised_for, PROMISE_GRACE_DAYS, country)


def plan_account(state: AccountState, *, today: date, pre_due_days: int) -> list[PlannedMessage]:
    """The messages of this account that are due on ``today`` or planned after it."""
    invoices = remindable(state)
    if not is_active(state) or not invoices:
        return []
    sent = {step.step_key for step in state.history}
    pre = [
        _Step(key, day, (inv,))
        for inv in invoices
        if inv.due_date >= today
        and (day := shift(inv.due_date, -pre_due_days, state.country)) >= inv.arrived_on
        and not inv.held_on(day)
        and (key := f"pre:{inv.id}:{inv.due_date.isoformat()}") not in sent
    ]
    while True:
        pending = {step.invoices[0].id for step in pre}
        steps = list(pre)
        if any(inv.id not in pending for inv in invoices):
            steps.append(_overdue_step(state, invoices))
        dated = _dates(steps, today=today, state=state)
        late = {s.key for s, day in dated if not s.overdue and day > s.invoices[0].due_date}
        if not late:
            break
        pre = [s for s in pre if s.key not in late]  # the overdue message will cover it
    to, cc = recipients(state)
    return [_message(state, step, day, to, cc) for step, day in dated]


def _overdue_step(state: AccountState, invoices: list[OpenInvoice]) -> _Step:
    oldest = min(inv.due_date for inv in invoices)
    earlier = sorted((s for s in state.history if s.overdue), key=lambda s: s.sent_on)
    episode = [s for s in earlier if s.sent_on > oldest]
    if episode:
        previous = episode[-1].sent_on
        day = shift(previous, interval_for_age((previous - oldest).days), state.country)
    else:
        day = shift(oldest, 1, state.country)
    # The first day one invoice is both overdue and not held by a promise.
    ready = min(max(inv.due_date + timedelta(days=1), inv.held_until or date.min) for inv in invoices)
    return _Step(f"overdue:{state.account_id}:{len(earlier) + 1}", max(day, ready), tuple(invoices), ready)


def _dates(steps: list[_Step], *, today: date, state: AccountState) -> list[tuple[_Step, date]]:
    """Final dates: on or after the run day, business days of the customer, one a day at most;
    a day a person chose replaces the rules' day (still never before the step has something to say)."""
    country = state.country
    floor = on_or_after(today, country)
    last_sent = max((s.sent_on for s in state.history if not s.skipped), default=None)
    if last_sent is not None and last_sent >= floor:
        floor = shift(last_sent, 1, country)  # a message went out today: the next one tomorrow
    chosen = [(step, max(state.pinned.get(step.key, step.raw), step.earliest)) for step in steps]
    out = []
    for step, raw in sorted(chosen, key=lambda c: (c[1], not c[0].overdue, c[0].key)):
        day = max(on_or_after(raw, country), floor)
        out.append((step, day))
        floor = shift(day, 1, country)
    return out


def _message(
    state: AccountState, step: _Step, day: date, to: tuple[Recipient, ...], cc: tuple[Recipient, ...]
) -> PlannedMessage:
    if not step.overdue:
        return PlannedMessage(step.key, day, False, Tone.COURTEOUS, (step.invoices[0].id,), to, cc)
    listed = sorted(
        (i for i in step.invoices if i.due_date < day and not i.held_on(day)),
        key=lambda i: (i.due_date, i.id),
    )
    oldest = listed[0].due_date
    episode = [s for s in state.history if s.overdue and s.sent_on > oldest]
    return PlannedMessage(
        step_key=step.key,
        scheduled_for=day,
        overdue=True,
        tone=tone_for_age((day - oldest).days),
        invoice_ids=tuple(inv.id for inv in listed),
        to=to,
        cc=cc,
        follow_up=any(s.delivered for s in episode),
    )


def deliverable_on(day: date, country: str) -> bool:
    """A message reaches a customer only on one of its business days (domain.md §6b)."""
    return is_business_day(day, country)


def planned_status(
    *, scheduled_for: date, today: date, approval: bool, approved: bool
) -> CommunicationStatus:
    """In approval mode a due message no person approved waits for one (domain.md §6b); every
    other planned message is ``scheduled``."""
    if approval and not approved and scheduled_for <= today:
        return CommunicationStatus.AWAITING_APPROVAL
    return CommunicationStatus.SCHEDULED


# Why an integration's data are stale, stored in English on a held message (``messages.read``).
STALE_FAILED = Template("stale.failed", "the last sync of {name} failed")
STALE_NEVER = Template("stale.never", "{name} has never synced successfully")
STALE_OLD = Template("stale.old", "the data of {name} are {hours} h old (limit {limit} h)")


def stale_reason(
    *, name: str, last_success_at: datetime | None, last_failed: bool, now: datetime, limit_hours: int
) -> str | None:
    """Why an integration's data are too old to remind its accounts (None: fresh enough).

    The age is real time (``now`` is the wall clock, whatever day a run is pinned to)."""
    if last_failed:
        return STALE_FAILED.format(name=name)
    if last_success_at is None:
        return STALE_NEVER.format(name=name)
    age = now - last_success_at
    if age > timedelta(hours=limit_hours):
        return STALE_OLD.format(name=name, hours=int(age.total_seconds() // 3600), limit=limit_hours)
    return None
