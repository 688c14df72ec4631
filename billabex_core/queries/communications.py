"""Communications screen: planned and sent follow-ups, filtered and paginated; one message as it
will be sent (recipients, CC, subject, body, invoices, the PDFs attached); the 30-day calendar of
upcoming sends; the agent's day (messages due, waiting for approval, held)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from billabex_core.domain.plan import PLANNED
from billabex_core.errors import NotFoundError
from billabex_core.models import (
    Account,
    Communication,
    CommunicationStatus,
    Contact,
    ContactUsage,
    Document,
    Organisation,
    Tone,
    reachable_contact,
)
from billabex_core.queries.common import Page, check_paging, columns_for
from billabex_core.queries.followups import invoice_pdfs
from billabex_core.services.files import pdf_path

COMMUNICATION_PAGE_SIZE = 50
CALENDAR_DAYS = 30


@dataclass(frozen=True)
class CommunicationRow:
    id: int
    account_id: int
    account_name: str
    scheduled_for: date
    status: CommunicationStatus
    tone: Tone
    language: str
    recipients: list[str]
    cc: list[str]
    subject: str
    body: str
    sent_at: datetime | None
    error: str | None
    approved_by: str | None
    skipped_by: str | None
    skip_reason: str | None
    held: str | None
    edits: dict
    invoice_ids: list[int]

    @property
    def actionable(self) -> bool:
        """Not sent yet: it can be approved, edited, skipped or sent now."""
        return self.status in PLANNED

    @property
    def edited_by(self) -> str | None:
        return (self.edits or {}).get("by")


def _where(
    *,
    statuses: list[CommunicationStatus] | None = None,
    tones: list[Tone] | None = None,
    languages: list[str] | None = None,
    account_id: int | None = None,
    scheduled_from: date | None = None,
    scheduled_to: date | None = None,
) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    if statuses:
        where.append(col(Communication.status).in_(statuses))
    if tones:
        where.append(col(Communication.tone).in_(tones))
    if languages:
        where.append(col(Communication.language).in_(languages))
    if account_id is not None:
        where.append(col(Communication.account_id) == account_id)
    if scheduled_from is not None:
        where.append(col(Communication.scheduled_for) >= scheduled_from)
    if scheduled_to is not None:
        where.append(col(Communication.scheduled_for) <= scheduled_to)
    return where


def list_communications(
    *,
    session: Session,
    statuses: list[CommunicationStatus] | None = None,
    tones: list[Tone] | None = None,
    languages: list[str] | None = None,
    account_id: int | None = None,
    scheduled_from: date | None = None,
    scheduled_to: date | None = None,
    page: int = 1,
    page_size: int = COMMUNICATION_PAGE_SIZE,
) -> Page[CommunicationRow]:
    """Communications, latest scheduled date first."""
    offset, limit = check_paging(page, page_size)
    where = _where(
        statuses=statuses,
        tones=tones,
        languages=languages,
        account_id=account_id,
        scheduled_from=scheduled_from,
        scheduled_to=scheduled_to,
    )
    total = session.exec(select(func.count()).select_from(Communication).where(*where)).one()
    query = (
        select(*columns_for(CommunicationRow, Communication, account_name=Account.name))
        .join(Account, col(Account.id) == col(Communication.account_id))
        .where(*where)
        .order_by(col(Communication.scheduled_for).desc(), col(Communication.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return Page([CommunicationRow(*row) for row in session.exec(query)], int(total), page, page_size)


def actionable_ids(
    *,
    session: Session,
    statuses: list[CommunicationStatus] | None = None,
    tones: list[Tone] | None = None,
    languages: list[str] | None = None,
    account_id: int | None = None,
    scheduled_from: date | None = None,
    scheduled_to: date | None = None,
) -> list[int]:
    """Every message of the filtered list (all its pages) not sent yet: what bulk approve covers."""
    where = _where(
        statuses=statuses,
        tones=tones,
        languages=languages,
        account_id=account_id,
        scheduled_from=scheduled_from,
        scheduled_to=scheduled_to,
    )
    query = select(Communication.id).where(*where, col(Communication.status).in_(PLANNED))
    return [i for i in session.exec(query.order_by(col(Communication.id))) if i is not None]


@dataclass(frozen=True)
class ListedInvoice:
    id: int
    number: str
    due_date: date | None
    remaining: Decimal
    currency: str


@dataclass(frozen=True)
class Attachment:
    name: str
    sha256: str
    present: bool  # False: the file is missing from the store, it will not be attached


@dataclass(frozen=True)
class ContactChoice:
    email: str
    name: str
    copy_only: bool


@dataclass(frozen=True)
class Preview:
    """One message exactly as it will be sent, and what its edit form offers."""

    row: CommunicationRow
    sender_name: str
    sender_email: str | None  # Settings → sender e-mail (None: the default address)
    invoices: list[ListedInvoice]
    attachments: list[Attachment]
    contacts: list[ContactChoice]  # the account's contacts a reminder may go to


def preview(*, session: Session, communication_id: int) -> Preview:
    query = (
        select(*columns_for(CommunicationRow, Communication, account_name=Account.name))
        .join(Account, col(Account.id) == col(Communication.account_id))
        .where(col(Communication.id) == communication_id)
    )
    found = session.exec(query).first()
    if found is None:
        raise NotFoundError("communication", communication_id)
    row = CommunicationRow(*found)
    docs = {d.id: d for d in session.exec(select(Document).where(col(Document.id).in_(row.invoice_ids)))}
    invoices = [
        ListedInvoice(i, docs[i].number, docs[i].due_date, docs[i].remaining_amount, docs[i].currency)
        for i in row.invoice_ids
        if i in docs
    ]
    files = [
        Attachment(name, sha, pdf_path(sha).exists()) for name, sha in invoice_pdfs(session, row.invoice_ids)
    ]
    contacts = session.exec(
        select(Contact)
        .where(Contact.account_id == row.account_id, reachable_contact(Contact))
        .order_by(col(Contact.is_primary).desc(), col(Contact.id))
    ).all()
    org = session.get(Organisation, 1)
    return Preview(
        row,
        org.name if org else "",
        org.sender_email if org else None,
        invoices,
        files,
        [ContactChoice(c.email, c.name, c.usage == ContactUsage.COPY_ONLY) for c in contacts],
    )


@dataclass(frozen=True)
class CalendarDay:
    day: date
    messages: int
    awaiting: int  # waiting for a person's approval
    held: int  # held (stale synced data, an edit to review)
    accounts: list[str]  # ``CALENDAR_NAMES`` of its accounts at most, by name


CALENDAR_NAMES = 5


def _planned_counts(*where: sa.ColumnElement[bool]) -> Any:
    """Per scheduled day: messages not sent yet, of them awaiting approval, of them held."""
    return (
        select(
            col(Communication.scheduled_for),
            func.count(),
            func.sum(
                sa.case((col(Communication.status) == CommunicationStatus.AWAITING_APPROVAL, 1), else_=0)
            ),
            func.sum(sa.case((col(Communication.held).is_not(None), 1), else_=0)),
        )
        .where(col(Communication.status).in_(PLANNED), *where)
        .group_by(col(Communication.scheduled_for))
    )


def calendar(*, session: Session, start: date, days: int = CALENDAR_DAYS) -> list[CalendarDay]:
    """The messages not sent yet, day by day, from ``start`` for ``days`` days (days without any
    are left out). Messages already due but not sent count on ``start``. Counted in SQL: a plan
    of tens of thousands of messages is a few dozen rows here."""
    end = start + timedelta(days=days - 1)
    totals: dict[date, list[int]] = {}
    for day, count, awaiting, held in session.exec(_planned_counts(col(Communication.scheduled_for) <= end)):
        merged = totals.setdefault(max(day, start), [0, 0, 0])
        for i, value in enumerate((count, awaiting, held)):
            merged[i] += int(value or 0)
    names = {day: _first_names(session, day, start) for day in totals}
    return [
        CalendarDay(day, values[0], values[1], values[2], sorted(names.get(day, []))[:CALENDAR_NAMES])
        for day, values in sorted(totals.items())
    ]


def _first_names(session: Session, day: date, start: date) -> list[str]:
    """A few accounts of the day's messages (for ``start``, every day up to it): one short query a
    day on the planned-messages index (status, scheduled date, held, account)."""
    on_day = (
        col(Communication.scheduled_for) <= start if day == start else col(Communication.scheduled_for) == day
    )
    first = (  # the day's first messages on the covering index, then their accounts' names
        sa.select(col(Communication.id), col(Communication.account_id))
        .where(col(Communication.status).in_(PLANNED), on_day)
        .order_by(col(Communication.id))
        .limit(CALENDAR_NAMES)
        .subquery()
    )
    query = select(col(Account.name)).join(first, first.c.account_id == col(Account.id)).order_by(first.c.id)
    return list(session.exec(query))


@dataclass(frozen=True)
class DueToday:
    due: int  # not sent yet, dated today or earlier
    awaiting: int  # of them, waiting for approval
    held: int  # of them, held
    approval_mode: bool


def due_today(*, session: Session, today: date) -> DueToday:
    due = awaiting = held = 0
    for _, count, waiting, holding in session.exec(
        _planned_counts(col(Communication.scheduled_for) <= today)
    ):
        due, awaiting, held = due + count, awaiting + int(waiting or 0), held + int(holding or 0)
    org = session.get(Organisation, 1)
    return DueToday(due, awaiting, held, bool(org and org.reminders_mode == "approval"))
