"""Rules of the read side checked without fixtures: aging buckets, dashboard figures, row columns,
LIKE patterns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from billabex_core.models import Task
from billabex_core.queries.aging import AGING_BUCKETS, aging_conditions
from billabex_core.queries.common import columns_for, like_pattern
from billabex_core.queries.dashboard import currency_figures

TODAY = date(2026, 3, 2)
ENGINE = sa.create_engine("sqlite://")


def expected_bucket(due: date | None, today: date) -> str:
    """The aging rule in words: calendar days past the due date."""
    if due is None or due >= today:
        return "not due"
    late = (today - due).days
    if late <= 30:
        return "1-30"
    if late <= 60:
        return "31-60"
    return "61-90" if late <= 90 else "> 90"


@given(
    due=st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2030, 12, 31))),
    today=st.dates(date(2024, 1, 1), date(2027, 12, 31)),
)
def test_each_due_date_falls_in_exactly_the_bucket_of_its_days_late(due: date | None, today: date) -> None:
    conditions = aging_conditions(sa.literal(due, sa.Date), today)
    assert tuple(conditions) == AGING_BUCKETS
    with ENGINE.connect() as conn:
        results = conn.execute(sa.select(*conditions.values())).one()
    matched = [name for name, result in zip(AGING_BUCKETS, results, strict=True) if result]
    assert matched == [expected_bucket(due, today)]


EDGES = [(-1, "not due"), (0, "not due"), (1, "1-30"), (30, "1-30"), (31, "31-60"), (60, "31-60")]
EDGES += [(61, "61-90"), (90, "61-90"), (91, "> 90")]


@pytest.mark.parametrize(("days_late", "bucket"), EDGES)
def test_bucket_edges(days_late: int, bucket: str) -> None:
    assert expected_bucket(TODAY - timedelta(days=days_late), TODAY) == bucket
    conditions = aging_conditions(sa.literal(TODAY - timedelta(days=days_late), sa.Date), TODAY)
    with ENGINE.connect() as conn:
        assert conn.execute(sa.select(conditions[bucket])).scalar_one()


cents = st.integers(min_value=0, max_value=10_000_000).map(lambda c: Decimal(c) / 100)
maybe_cents = st.one_of(st.none(), cents)


@given(aging=st.lists(maybe_cents, min_size=5, max_size=5), credit=maybe_cents, invoiced=maybe_cents)
def test_currency_figures(
    aging: list[Decimal | None], credit: Decimal | None, invoiced: Decimal | None
) -> None:
    fig = currency_figures(aging, credit, invoiced)
    amounts = [a or Decimal(0) for a in aging]
    assert list(fig.aging) == list(AGING_BUCKETS) and list(fig.aging.values()) == amounts
    assert fig.overdue == sum(amounts[1:])
    assert fig.outstanding == sum(amounts) - (credit or 0)
    assert fig.invoiced_90d == (invoiced or 0)
    if not invoiced:
        assert fig.dso_days is None
    else:
        exact = max(fig.outstanding, Decimal(0)) / invoiced * 90
        assert fig.dso_days is not None and abs(fig.dso_days - exact) <= Decimal("0.05")
        if fig.outstanding <= 0:
            assert fig.dso_days == 0


def test_dso_examples() -> None:
    half_unpaid = currency_figures([Decimal(500), *[None] * 4], None, Decimal(1000))
    assert half_unpaid.dso_days == Decimal("45.0")
    more_credit_than_owed = currency_figures([Decimal(10), *[None] * 4], Decimal(50), Decimal(100))
    assert more_credit_than_owed.outstanding == Decimal(-40) and more_credit_than_owed.dso_days == 0


@dataclass(frozen=True)
class _Row:
    id: int
    account_name: str
    subject: str


def test_columns_follow_the_row_fields() -> None:
    other = sa.literal("x").label("account_name")
    assert columns_for(_Row, Task, account_name=other) == [Task.id, other, Task.subject]
    with pytest.raises(ValueError, match="no field nmae"):
        columns_for(_Row, Task, nmae=other)


# Lower case only: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
texts = st.text(alphabet="ab%_\\ ", max_size=8)


@given(needle=texts, haystack=texts)
def test_a_like_pattern_matches_its_text_literally(needle: str, haystack: str) -> None:
    query = sa.select(sa.literal(haystack).like(like_pattern(needle), escape="\\"))
    with ENGINE.connect() as conn:
        assert bool(conn.execute(query).scalar_one()) == (needle in haystack)
