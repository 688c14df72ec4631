"""Home screen: the dashboard figures plus the two work lists (tasks needing action, accounts
without a contact), in one call so the page makes one round trip."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from billabex_core.models import TaskStatus
from billabex_core.queries.accounts import AccountRow, list_accounts
from billabex_core.queries.common import Page
from billabex_core.queries.tasks import TaskRow, list_tasks
from billabex_core.services.dashboard import Summary, summary


@dataclass(frozen=True)
class Dashboard:
    summary: Summary
    my_tasks: Page[TaskRow]  # Action required, assigned to the user or to everybody
    without_contact: Page[AccountRow]  # largest outstanding balance first


def dashboard(*, session: Session, today: date, username: str, limit: int = 10) -> Dashboard:
    return Dashboard(
        summary=summary(session=session, today=today),
        my_tasks=list_tasks(
            session=session, assignee=username, statuses=[TaskStatus.ACTION_REQUIRED], page_size=limit
        ),
        without_contact=list_accounts(
            session=session, without_contact=True, sort="outstanding", descending=True, page_size=limit
        ),
    )
