"""The business day. Timestamps are aware UTC; "today" is the calendar day where the team works.

``BILLABEX_TODAY`` (YYYY-MM-DD) pins the day for demos and tests; ``BILLABEX_TIMEZONE``
(default Europe/Paris) says where the team's day starts.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

from billabex_core.config import get_settings


def business_today() -> date:
    pinned = os.environ.get("BILLABEX_TODAY")
    if pinned:
        return date.fromisoformat(pinned)
    return datetime.now(ZoneInfo(get_settings().timezone)).date()
