"""Overdue aging buckets, as SQL conditions shared by the dashboard and the invoices filter.

A due date falls in exactly one bucket by the calendar days it is past ``today``: "not due"
(no due date, or due today or later), "1-30", "31-60", "61-90", "> 90".
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise
from typing import Any

import sqlalchemy as sa

AGING_BUCKETS = ("not due", "1-30", "31-60", "61-90", "> 90")
# Days past due where the "1-30", "31-60" and "61-90" buckets end.
_EDGES = (30, 60, 90)


def aging_conditions(due: sa.SQLColumnExpression[Any], today: date) -> dict[str, sa.ColumnElement[bool]]:
    """One condition per bucket, in ``AGING_BUCKETS`` order, on the due-date expression ``due``."""
    bounds = [today, *(today - timedelta(days=days) for days in _EDGES)]
    conditions: list[sa.ColumnElement[bool]] = [sa.or_(due.is_(None), due >= today)]
    for newer, older in pairwise(bounds):  # due in [older, newer)
        conditions.append(sa.and_(due < newer, due >= older))
    conditions.append(due < bounds[-1])
    return dict(zip(AGING_BUCKETS, conditions, strict=True))
