"""Property tests of business days (domain.md §6): shifts land on business days of the country."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from billabex_core.domain.business_days import is_business_day, shift

days = st.integers(0, 3 * 365).map(lambda d: date(2025, 1, 1) + timedelta(days=d))
countries = st.sampled_from(["FR", "DE", "GB", "ES", "IT", "NL", "BE", "US"])


@given(day=days, n=st.integers(-15, 15).filter(bool), country=countries)
def test_a_shift_lands_on_a_business_day_and_counts_exactly_n(day: date, n: int, country: str) -> None:
    landed = shift(day, n, country)
    assert is_business_day(landed, country)
    if n > 0:  # (day, landed]
        span = [day + timedelta(days=i) for i in range(1, (landed - day).days + 1)]
    else:  # [landed, day)
        span = [landed + timedelta(days=i) for i in range((day - landed).days)]
    assert sum(is_business_day(d, country) for d in span) == abs(n)
