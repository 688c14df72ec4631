"""Communications screen: planned and sent follow-ups, filtered and paginated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from billabex_core.models import Account, Communication, CommunicationStatus, Tone
from billabex_core.queries.common import Page, check_paging, columns_for

COMMUNICATION_PAGE_SIZE = 50


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
