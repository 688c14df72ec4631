"""Read side of the screens: one function per screen or detail view, keyword-only, taking the session.

Every list is filtered, sorted, counted and paginated in SQL (LIMIT/OFFSET + COUNT), so a screen
stays fast with tens of thousands of accounts and hundreds of thousands of documents. Results are
plain dataclasses (rows detached from the session) that pages only render.
"""

from billabex_core.queries.accounts import (
    ACCOUNT_SORTS,
    AccountDetail,
    AccountRow,
    account_detail,
    list_accounts,
)
from billabex_core.queries.aging import AGING_BUCKETS
from billabex_core.queries.common import Page
from billabex_core.queries.communications import (
    COMMUNICATION_PAGE_SIZE,
    CommunicationRow,
    list_communications,
)
from billabex_core.queries.dashboard import CurrencyFigures, Dashboard, Summary, dashboard, summary
from billabex_core.queries.documents import (
    DOCUMENT_SORTS,
    OVERDUE_AGES,
    DocumentDetail,
    DocumentList,
    DocumentRow,
    document_detail,
    list_documents,
)
from billabex_core.queries.tasks import TaskDetail, TaskRow, list_tasks, task_detail

__all__ = [
    "ACCOUNT_SORTS",
    "AGING_BUCKETS",
    "COMMUNICATION_PAGE_SIZE",
    "DOCUMENT_SORTS",
    "OVERDUE_AGES",
    "AccountDetail",
    "AccountRow",
    "CommunicationRow",
    "CurrencyFigures",
    "Dashboard",
    "DocumentDetail",
    "DocumentList",
    "DocumentRow",
    "Page",
    "Summary",
    "TaskDetail",
    "TaskRow",
    "account_detail",
    "dashboard",
    "document_detail",
    "list_accounts",
    "list_communications",
    "list_documents",
    "list_tasks",
    "summary",
    "task_detail",
]
