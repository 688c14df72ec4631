"""Read side of the collection agent (docs/agent.md): what each phase of a run works on.

- the accounts that need a task: unapplied manual credit, no reachable contact, invoices
  unpaid long enough to suggest an escalation;
- the accounts whose reachable contacts are all "copy only" (nobody to address a reminder to);
- the state of every account with a positive balance, as the pure plan reads it
  (``domain.plan.AccountState``): open invoices (not those in an open dispute; a promise to pay
  holds its invoice until its resume day), reachable recipients, steps already taken (a message
  refused by every recipient is not one; a step a person skipped is one), the days people chose
  for a step (an edited message's date);
- the communications due for delivery — on a business day of their customer's country — and
  what one of them sends.

Every function is keyword-only, takes the session and reads in a few set-based queries (no
query per account).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from billabex_core.config import get_settings
from billabex_core.domain.business_days import supported
from billabex_core.domain.plan import (
    STEP_TAKEN,
    AccountState,
    OpenInvoice,
    Recipient,
    SentStep,
    deliverable_on,
)
from billabex_core.errors import NotFoundError
from billabex_core.models import (
    OPEN_TASK_STATUSES,
    Account,
    Communication,
    CommunicationStatus,
    Contact,
    ContactUsage,
    Dispute,
    Document,
    DocumentKind,
    Promise,
    Source,
    Task,
    TaskKind,
    reachable_contact,
)
from billabex_core.models.collection import PROMISE_OPEN
from billabex_core.services.files import attachment_name


def accounts_with_manual_credit(*, session: Session) -> list[int]:
    """Accounts holding a manual credit note with credit not yet applied."""
    query = (
        select(Document.account_id)
        .where(
            Document.kind == DocumentKind.CREDIT_NOTE,
            Document.source == Source.MANUAL,
            col(Document.remaining_amount) > 0,
        )
        .distinct()
    )
    return list(session.exec(query))


def accounts_without_contact(*, session: Session) -> list[Account]:
    """Accounts no reminder can reach (their stored count of reachable contacts is zero).

    Rows, not views: the caller hands each to ``tasks.ensure_missing_contact_task`` in the same
    session."""
    return list(session.exec(select(Account).where(Account.contact_count == 0).order_by(col(Account.id))))


def accounts_asked(*, session: Session, kind: TaskKind) -> set[int]:
    """Accounts that ever had a task of this kind, whatever its status now."""
    query = select(Task.account_id).where(Task.kind == kind, col(Task.account_id).is_not(None)).distinct()
    return {account_id for account_id in session.exec(query) if account_id is not None}


@dataclass(frozen=True)
class LongOverdue:
    account_id: int
    name: str
    oldest_due: date


def long_overdue_accounts(*, session: Session, due_before: date) -> list[LongOverdue]:
    """Accounts not paused with an open invoice due before ``due_before``, with the oldest due date."""
    query = (
        select(Account.id, Account.name, sa.func.min(Document.due_date))
        .join(Document, col(Document.account_id) == col(Account.id))
        .where(
            Document.kind == DocumentKind.INVOICE,
            col(Document.remaining_amount) > 0,
            col(Document.due_date) < due_before,
            col(Account.paused).is_(False),
        )
        .group_by(col(Account.id), col(Account.name))
        .order_by(col(Account.id))
    )
    return [
        LongOverdue(account_id, name, oldest)
        for account_id, name, oldest in session.exec(query)
        if account_id is not None and oldest is not None
    ]


def accounts_without_main_contact(*, session: Session) -> list[Account]:
    """Accounts with reachable contacts that are all "copy only": no reminder has anyone to go to."""
    main = select(Contact.id).where(
        Contact.account_id == Account.id, reachable_contact(Contact), Contact.usage != ContactUsage.COPY_ONLY
    )
    query = select(Account).where(Account.contact_count > 0, ~sa.exists(main)).order_by(col(Account.id))
    return list(session.exec(query))


def accounts_with_open_task(*, session: Session, kind: TaskKind) -> set[int]:
    """Accounts with an open task of this kind."""
    query = select(Task.account_id).where(
        Task.kind == kind, col(Task.account_id).is_not(None), col(Task.status).in_(OPEN_TASK_STATUSES)
    )
    return {account_id for account_id in session.exec(query.distinct()) if account_id is not None}


def open_task_ids(*, session: Session, kind: TaskKind, subject: str) -> list[int]:
    """Open tasks of this kind and subject that are on no account (the organisation's own)."""
    query = select(Task.id).where(
        Task.kind == kind,
        Task.subject == subject,
        col(Task.account_id).is_(None),
        col(Task.status).in_(OPEN_TASK_STATUSES),
    )
    return [task_id for task_id in session.exec(query) if task_id is not None]


@lru_cache(maxsize=512)
def _known_calendar(country: str) -> bool:
    return supported(country)  # builds a holiday calendar: once per country and process


def calendar_country(account_country: str | None, org_country: str) -> str:
    """Whose business days an account's messages follow: its country's, else the organisation's."""
    return account_country if account_country and _known_calendar(account_country) else org_country


Scope = Sequence[int] | sa.Select[Any]  # account ids, or a query of them


def _columns(*columns: Any) -> list[Any]:
    """Typed ``Any``: SQLModel's ``select`` has typed overloads for four columns at most."""
    return list(columns)


def account_states(
    *, session: Session, today: date, org_country: str, account_ids: Sequence[int] | None = None
) -> list[AccountState]:
    """The plan's input for every account with a positive balance (of ``account_ids`` only, when
    given), as of ``today``.

    Business days follow the account's country, or the organisation's when it has none the
    calendar knows. Plain columns, not ORM rows: a daily run reads every open invoice.
    """
    owing = col(Account.outstanding_balance) > 0
    query = select(
        *_columns(
            Account.id,
            Account.name,
            Account.country,
            Account.currency,
            Account.outstanding_balance,
            Account.paused,
        )
    ).where(owing)
    scope: Scope = sa.select(col(Account.id)).where(owing)  # every account: a subquery, not 20,000 ids
    if account_ids is not None:
        query = query.where(col(Account.id).in_(list(account_ids)))
        scope = list(account_ids)
    accounts = [row for row in session.exec(query) if row[0] is not None]
    if not accounts:
        return []
    invoices = _open_invoices(session, scope, today)
    recipients = _recipients(session, scope)
    history, pinned = _history(session, scope), _pinned(session, scope)
    return [
        AccountState(
            account_id=account_id,
            name=name,
            country=calendar_country(country, org_country),
            currency=currency,
            balance=balance,
            paused=paused,
            invoices=tuple(invoices[account_id]),
            recipients=tuple(recipients[account_id]),
            history=tuple(history[account_id]),
            pinned=pinned[account_id],
        )
        for account_id, name, country, currency, balance, paused in accounts
    ]


def _open_invoices(session: Session, scope: Scope, today: date) -> dict[int, list[OpenInvoice]]:
    zone = ZoneInfo(get_settings().timezone)
    query = select(
        *_columns(
            Document.id,
            Document.account_id,
            Document.number,
            Document.due_date,
            Document.created_at,
            Document.remaining_amount,
            Document.currency,
        )
    ).where(
        col(Document.account_id).in_(scope),
        Document.kind == DocumentKind.INVOICE,
        col(Document.remaining_amount) > 0,
        col(Document.due_date).is_not(None),
    )
    disputed, held = disputed_invoices(session, scope), _promised(session, scope)
    out: dict[int, list[OpenInvoice]] = defaultdict(list)
    for doc_id, account_id, number, due_date, created_at, remaining, currency in session.exec(query):
        if doc_id is None or due_date is None or doc_id in disputed:
            continue
        # Run "as of" a past day: an invoice created later counts as arrived by then.
        arrived_on = min(created_at.astimezone(zone).date(), today)
        out[account_id].append(
            OpenInvoice(doc_id, number, due_date, arrived_on, remaining, currency, held.get(doc_id))
        )
    return out


def disputed_invoices(session: Session, ids: Scope) -> set[int]:
    """Invoices of these accounts in an open dispute: not resolved, its task still open."""
    query = (
        select(Dispute.document_id)
        .join(Task, col(Task.id) == col(Dispute.task_id))
        .where(
            col(Dispute.account_id).in_(ids),
            col(Dispute.resolved_at).is_(None),
            col(Task.status).in_(OPEN_TASK_STATUSES),
        )
    )
    return set(session.exec(query))


def _promised(session: Session, scope: Scope) -> dict[int, date]:
    """Invoice id → the day its open promise to pay lets reminders resume."""
    query = select(*_columns(Promise.document_id, Promise.resume_on)).where(
        col(Promise.account_id).in_(scope), Promise.status == PROMISE_OPEN
    )
    return dict(session.exec(query).all())


def _recipients(session: Session, scope: Scope) -> dict[int, list[Recipient]]:
    query = select(
        *_columns(
            Contact.id,
            Contact.account_id,
            Contact.name,
            Contact.email,
            Contact.language,
            Contact.is_primary,
            Contact.usage,
        )
    ).where(col(Contact.account_id).in_(scope), reachable_contact(Contact))
    out: dict[int, list[Recipient]] = defaultdict(list)
    for contact_id, account_id, name, email, language, primary, usage in session.exec(query):
        if contact_id is None:
            continue
        copy_only = usage == ContactUsage.COPY_ONLY
        out[account_id].append(Recipient(contact_id, name, email, language, bool(primary), copy_only))
    return out


def _history(session: Session, scope: Scope) -> dict[int, list[SentStep]]:
    query = select(
        *_columns(
            Communication.account_id,
            Communication.step_key,
            Communication.status,
            Communication.sent_on,
            Communication.scheduled_for,
        )
    ).where(
        col(Communication.account_id).in_(scope),
        sa.or_(
            col(Communication.status).in_(STEP_TAKEN),
            sa.and_(  # skipped by a person: a step, never planned again, nothing went out
                col(Communication.status) == CommunicationStatus.CANCELLED,
                col(Communication.skipped_by).is_not(None),
            ),
        ),
        col(Communication.undelivered).is_(False),  # refused by every recipient: not a step
    )
    out: dict[int, list[SentStep]] = defaultdict(list)
    for account_id, step_key, status, sent_on, scheduled_for in session.exec(query):
        delivered = status == CommunicationStatus.SENT
        overdue, skipped = step_key.startswith("overdue:"), status == CommunicationStatus.CANCELLED
        out[account_id].append(SentStep(step_key, sent_on or scheduled_for, overdue, delivered, skipped))
    return out


def _pinned(session: Session, scope: Scope) -> dict[int, dict[str, date]]:
    """Per account, the day a person chose for a step not taken yet (an edited message's date)."""
    query = select(Communication.account_id, Communication.step_key, Communication.edits).where(
        col(Communication.account_id).in_(scope),
        col(Communication.status).not_in(STEP_TAKEN),
        col(Communication.skipped_by).is_(None),
        col(Communication.edits).is_not(None),
    )
    out: dict[int, dict[str, date]] = defaultdict(dict)
    for account_id, step_key, edits in session.exec(query):
        chosen = (edits or {}).get("scheduled_for")
        if chosen:
            out[account_id][step_key] = date.fromisoformat(chosen)
    return out


def due_communications(
    *, session: Session, today: date, org_country: str, approval: bool = False
) -> list[int]:
    """Ids of the scheduled communications due on or before ``today``, oldest first, whose
    customer works that day (a business day of the account's country, else the organisation's).
    Not those held (stale synced data, an edit to review); in approval mode, approved ones only."""
    query = (
        select(Communication.id, Account.country)
        .join(Account, col(Account.id) == col(Communication.account_id))
        .where(
            Communication.status == CommunicationStatus.SCHEDULED,
            col(Communication.scheduled_for) <= today,
            col(Communication.held).is_(None),
        )
        .order_by(col(Communication.scheduled_for), col(Communication.id))
    )
    if approval:
        query = query.where(col(Communication.approved_by).is_not(None))
    return [
        comm_id
        for comm_id, country in session.exec(query)
        if comm_id is not None and deliverable_on(today, calendar_country(country, org_country))
    ]


@dataclass(frozen=True)
class Outgoing:
    """What one stored communication sends: its text and the PDFs of its invoices the product has
    (file name, SHA-256 in the file store)."""

    id: int
    account_id: int
    step_key: str
    recipients: list[str]
    cc: list[str]
    subject: str
    body: str
    attachments: list[tuple[str, str]]


def outgoing(*, session: Session, communication_id: int) -> Outgoing:
    row = session.get(Communication, communication_id)
    if row is None or row.id is None:
        raise NotFoundError("communication", communication_id)
    return Outgoing(
        row.id,
        row.account_id,
        row.step_key,
        list(row.recipients),
        list(row.cc),
        row.subject,
        row.body,
        invoice_pdfs(session, list(row.invoice_ids)),
    )


def invoice_pdfs(session: Session, invoice_ids: list[int]) -> list[tuple[str, str]]:
    """(file name, SHA-256) of the invoices' files stored by a manual import, in the given order:
    ``<number>.pdf``, or ``<number>.xml`` for an XML e-invoice."""
    if not invoice_ids:
        return []
    query = select(Document.id, Document.number, Document.file_sha256).where(
        col(Document.id).in_(invoice_ids), col(Document.file_sha256).is_not(None)
    )
    found = {
        doc_id: (attachment_name(number, sha), sha) for doc_id, number, sha in session.exec(query) if sha
    }
    return [found[i] for i in invoice_ids if i in found]
