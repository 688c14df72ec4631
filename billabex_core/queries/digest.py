"""Read side of the daily digest (docs/agent.md): what happened on the accounts in a window of
time, and who hears of it.

- ``activity``: the agent's and the sync's actions between two moments, per account — tasks
  opened (and still open), messages sent, addresses that bounced (the audit log's ``contact.invalid``), payments
  recorded (by hand, from a document or synced);
- ``recipients``: for each account, its referents; with none, the active administrators;
- ``covered_until``: where each recipient's last digest stopped (the next one starts there).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, col, select

from billabex_core.models import (
    OPEN_TASK_STATUSES,
    Account,
    AuditEvent,
    Communication,
    CommunicationStatus,
    Contact,
    Digest,
    Document,
    Payment,
    Referent,
    Task,
    User,
)


@dataclass(frozen=True)
class Event:
    """One line of a digest: ``kind`` is ``task``, ``sent``, ``bounced`` or ``payment``."""

    at: datetime
    account_id: int
    kind: str
    text: str
    amount: Decimal | None = None
    currency: str | None = None


def activity(
    *, session: Session, since: datetime, until: datetime, task_authors: Iterable[str]
) -> list[Event]:
    """Every action of the window (``since`` excluded, ``until`` included), oldest first; the tasks
    are those opened by ``task_authors`` (the agent and the sync)."""
    events = [*_tasks(session, since, until, list(task_authors)), *_sent(session, since, until)]
    events += [*_bounced(session, since, until), *_payments(session, since, until)]
    return sorted(events, key=lambda e: (e.at, e.kind))


def _tasks(session: Session, since: datetime, until: datetime, authors: list[str]) -> list[Event]:
    query = select(Task).where(
        col(Task.created_at) > since,
        col(Task.created_at) <= until,
        col(Task.created_by).in_(authors),
        col(Task.account_id).is_not(None),
        col(Task.status).in_(OPEN_TASK_STATUSES),  # one already closed again needs nobody
    )
    return [Event(t.created_at, t.account_id, "task", t.subject) for t in session.exec(query) if t.account_id]


def _sent(session: Session, since: datetime, until: datetime) -> list[Event]:
    query = select(Communication).where(
        Communication.status == CommunicationStatus.SENT,
        col(Communication.sent_at) > since,
        col(Communication.sent_at) <= until,
    )
    return [
        Event(c.sent_at, c.account_id, "sent", f"{c.subject} → {', '.join(c.recipients)}")
        for c in session.exec(query)
        if c.sent_at is not None
    ]


def _bounced(session: Session, since: datetime, until: datetime) -> list[Event]:
    """Addresses refused for good (``contact.invalid`` in the audit log), with the server's answer."""
    email = (
        select(Contact.email)
        .where(col(Contact.id) == col(AuditEvent.entity_id))
        .correlate(AuditEvent)
        .scalar_subquery()
    )
    query = select(AuditEvent, email).where(
        AuditEvent.action == "contact.invalid",
        col(AuditEvent.at) > since,
        col(AuditEvent.at) <= until,
        col(AuditEvent.account_id).is_not(None),
    )
    return [
        Event(event.at, event.account_id, "bounced", f"{address or '?'}: {event.details.get('reason') or ''}")
        for event, address in session.exec(query)
        if event.account_id is not None
    ]


def _payments(session: Session, since: datetime, until: datetime) -> list[Event]:
    query = (
        select(Payment, Document.number)
        .join(Document, col(Document.id) == col(Payment.document_id), isouter=True)
        .where(col(Payment.created_at) > since, col(Payment.created_at) <= until)
    )
    return [
        Event(p.created_at, p.account_id, "payment", number or "", p.amount, p.currency)
        for p, number in session.exec(query)
    ]


@dataclass(frozen=True)
class Reader:
    """Who receives a digest: a referent or an administrator, and the accounts it covers."""

    email: str
    name: str
    language: str | None
    account_ids: frozenset[int]


def recipients(*, session: Session, account_ids: Iterable[int]) -> list[Reader]:
    """The referents of each account; the active administrators for an account with none."""
    wanted = sorted(set(account_ids))
    if not wanted:
        return []
    found: dict[str, tuple[str, str | None, set[int]]] = {}
    referents = session.exec(select(Referent).where(col(Referent.account_id).in_(wanted)))
    covered: set[int] = set()
    for r in referents:
        found.setdefault(r.email.lower(), (r.name, r.language, set()))[2].add(r.account_id)
        covered.add(r.account_id)
    orphans = set(wanted) - covered
    if orphans:
        for user in session.exec(select(User).where(col(User.is_admin).is_(True)).order_by(col(User.id))):
            if getattr(user, "is_active", True):  # a deactivated login hears nothing
                entry = found.setdefault(
                    user.email.lower(), (user.name, getattr(user, "language", None), set())
                )
                entry[2].update(orphans)
    return [
        Reader(email, name, language, frozenset(ids))
        for email, (name, language, ids) in sorted(found.items())
    ]


def covered_until(*, session: Session, emails: Iterable[str]) -> dict[str, datetime]:
    """Where the last digest of each recipient stopped."""
    wanted = sorted(set(emails))
    if not wanted:
        return {}
    query = select(Digest.recipient, Digest.covered_until).where(col(Digest.recipient).in_(wanted))
    out: dict[str, datetime] = {}
    for email, until in session.exec(query):
        out[email] = max(until, out.get(email, until))
    return out


def digest_exists(*, session: Session, key: str) -> bool:
    return session.exec(select(Digest.id).where(Digest.key == key)).first() is not None


def account_names(*, session: Session, ids: Iterable[int]) -> dict[int, str]:
    query = select(Account.id, Account.name).where(col(Account.id).in_(sorted(set(ids))))
    return {account_id: name for account_id, name in session.exec(query) if account_id is not None}


def by_account(events: Iterable[Event]) -> dict[int, list[Event]]:
    out: dict[int, list[Event]] = defaultdict(list)
    for event in events:
        out[event.account_id].append(event)
    return out
