"""Property tests of the follow-up plan (domain.md §6b): whatever the invoices, the history and
the day, the next message exists, is never dated in the past, falls on a business day of the
customer, and an account never gets two messages the same day."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from billabex_core.domain.business_days import is_business_day
from billabex_core.domain.plan import AccountState, OpenInvoice, Recipient, SentStep, plan_account

START = date(2025, 1, 1)
days = st.integers(0, 2 * 365).map(lambda d: START + timedelta(days=d))
countries = st.sampled_from(["FR", "DE", "GB", "ES", "IT", "NL", "BE"])
MAIN = Recipient(1, "Alice", "alice@acme.example", "fr", False, False)


@st.composite
def states(draw: st.DrawFn) -> tuple[AccountState, date]:
    today = draw(days)
    count = draw(st.integers(1, 5))
    invoices = tuple(
        OpenInvoice(
            i,
            f"F-{i}",
            due := today + timedelta(days=draw(st.integers(-300, 60))),
            min(today, due - timedelta(days=draw(st.integers(0, 60)))),
            Decimal("10.00"),
            draw(st.sampled_from(["EUR", "EUR", "EUR", "USD"])),
        )
        for i in range(1, count + 1)
    )
    sent = draw(st.lists(st.integers(-200, 0), max_size=4, unique=True))
    history = tuple(
        SentStep(f"overdue:1:{n}", today + timedelta(days=offset), True, draw(st.booleans()))
        for n, offset in enumerate(sorted(sent), 1)
    )
    state = AccountState(
        1, "ACME", draw(countries), "EUR", Decimal("10.00"), False, invoices, (MAIN,), history
    )
    return state, today


@settings(max_examples=300, deadline=None)
@given(case=states(), pre_due=st.integers(0, 10))
def test_the_next_message_exists_on_a_business_day_never_in_the_past(
    case: tuple[AccountState, date], pre_due: int
) -> None:
    state, today = case
    plan = plan_account(state, today=today, pre_due_days=pre_due)
    in_currency = [i for i in state.invoices if i.currency == state.currency]
    assert bool(plan) == bool(in_currency)  # something is always planned while anything is owed
    dates = [m.scheduled_for for m in plan]
    assert all(d >= today and is_business_day(d, state.country) for d in dates)
    assert dates == sorted(set(dates))  # one message a day at most
    invoices = {i.id: i for i in state.invoices}
    for message in plan:
        listed = [invoices[i] for i in message.invoice_ids]
        assert listed and all(i.currency == state.currency for i in listed)
        if message.overdue:  # exactly the invoices overdue on its day
            assert {i.id for i in listed} == {i.id for i in in_currency if i.due_date < message.scheduled_for}
        else:
            assert message.scheduled_for <= listed[0].due_date
    assert sum(m.overdue for m in plan) <= 1
