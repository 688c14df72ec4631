"""Business days: Monday–Friday minus the public holidays of a country (``holidays`` library).

"N business days before/after D" counts N business days, not counting D itself.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=256)
def _holidays(country: str, year: int) -> frozenset[date]:
    try:
        return frozenset(holidays.country_holidays(country, years=year))
    except NotImplementedError:
        return frozenset()


def supported(country: str | None) -> bool:
    if not country:
        return False
    try:
        holidays.country_holidays(country, years=2026)
    except NotImplementedError:
        return False
    return True


def is_business_day(day: date, country: str) -> bool:
    return day.weekday() < 5 and day not in _holidays(country, day.year)


def on_or_after(day: date, country: str) -> date:
    """``day`` when it is a business day of the country, else the next one."""
    return day if is_business_day(day, country) else shift(day, 1, country)


def shift(day: date, n: int, country: str) -> date:
    """The n-th business day after ``day`` (before it when n < 0), ``day`` itself not counted."""
    step = timedelta(days=1 if n >= 0 else -1)
    remaining = abs(n)
    current = day
    while remaining:
        current += step
        if is_business_day(current, country):
            remaining -= 1
    return current
