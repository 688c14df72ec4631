"""Property tests of the rules for what a billing tool reports only in part: the settled part no
payment explains, and the currency of an account derived from its documents."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from billabex_core.domain.provider_figures import (
    ZERO,
    CurrencyUse,
    account_currency,
    is_provider_settlement,
    settled_in_provider,
)

cents = st.integers(min_value=0, max_value=10_000_000).map(lambda c: Decimal(c) / 100)
CURRENCIES = ("EUR", "GBP", "USD", "CHF")
documents = st.lists(
    st.tuples(
        st.sampled_from(CURRENCIES), st.integers(0, 800).map(lambda d: date(2024, 1, 1) + timedelta(d))
    ),
    max_size=12,
)


@given(total=st.integers(0, 10_000_000), data=st.data())
def test_paid_and_credited_explain_exactly_what_the_tool_settled(total: int, data: st.DataObject) -> None:
    remaining = data.draw(st.integers(0, total), label="remaining")
    credited = data.draw(st.integers(0, total - remaining), label="credited")
    paid = data.draw(st.integers(0, total - remaining - credited), label="payments")
    amounts = [Decimal(v) / 100 for v in (total, remaining, paid, credited)]
    extra = settled_in_provider(
        total=amounts[0], provider_remaining=amounts[1], paid=amounts[2], credited=amounts[3]
    )
    assert extra >= ZERO
    assert amounts[2] + extra + amounts[3] == amounts[0] - amounts[1]  # the settlement identity
    assert (extra == 0) == (paid + credited == total - remaining)


@given(total=cents, remaining=cents, paid=cents, credited=cents)
def test_never_negative_when_more_is_reported(total, remaining, paid, credited) -> None:
    extra = settled_in_provider(total=total, provider_remaining=remaining, paid=paid, credited=credited)
    assert extra >= 0 and (extra == 0 or paid + credited + extra == total - remaining)


def _uses(docs: list[tuple[str, date]]) -> dict[str, CurrencyUse]:
    counts = Counter(c for c, _ in docs)
    return {c: CurrencyUse(n, max(d for cur, d in docs if cur == c)) for c, n in counts.items()}


@given(invoices=documents, notes=documents, current=st.sampled_from(CURRENCIES))
def test_account_currency_is_that_of_most_invoices(invoices, notes, current) -> None:
    chosen = account_currency(invoices=_uses(invoices), credit_notes=_uses(notes), current=current)
    source = invoices or notes
    if not source:
        assert chosen == current
        return
    counts = Counter(c for c, _ in source)
    assert counts[chosen] == max(counts.values())
    tied = [c for c, n in counts.items() if n == counts[chosen]]
    latest = {c: max(d for cur, d in source if cur == c) for c in tied}
    assert latest[chosen] == max(latest.values())  # a tie goes to the latest document's currency


def test_account_currency_examples() -> None:
    gbp_first = {"GBP": CurrencyUse(3, date(2025, 1, 1)), "EUR": CurrencyUse(1, date(2026, 1, 1))}
    assert account_currency(invoices=gbp_first, credit_notes={}, current="EUR") == "GBP"
    tie = {"GBP": CurrencyUse(2, date(2025, 1, 1)), "USD": CurrencyUse(2, date(2025, 6, 1))}
    assert account_currency(invoices=tie, credit_notes={}, current="EUR") == "USD"
    only_notes = {"CHF": CurrencyUse(1, None)}
    assert account_currency(invoices={}, credit_notes=only_notes, current="EUR") == "CHF"
    assert (
        is_provider_settlement("settled:42")
        and not is_provider_settlement("42:9")
        and not is_provider_settlement(None)
    )
