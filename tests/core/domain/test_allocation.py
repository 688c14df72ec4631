"""Property tests of the credit allocation order (domain.md §4)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from billabex_core.domain.allocation import OpenInvoice, allocate

cents = st.integers(min_value=0, max_value=1_000_000).map(lambda c: Decimal(c) / 100)
invoices = st.lists(
    st.builds(
        OpenInvoice,
        id=st.integers(1, 10_000),
        currency=st.sampled_from(["EUR", "EUR", "GBP"]),
        remaining=cents,
        due_date=st.one_of(
            st.none(), st.integers(0, 365).map(lambda d: date(2026, 1, 1) + timedelta(days=d))
        ),
        issue_date=st.one_of(st.none(), st.just(date(2025, 12, 1))),
    ),
    max_size=25,
    unique_by=lambda i: i.id,
)


@given(credit=cents, open_invoices=invoices, named=st.one_of(st.none(), st.integers(1, 10_000)))
def test_allocation_never_over_applies(credit: Decimal, open_invoices, named) -> None:
    shares = allocate(credit, "EUR", open_invoices, named_invoice_id=named)
    by_id = {i.id: i for i in open_invoices}
    assert sum((s.amount for s in shares), Decimal(0)) <= credit
    assert len({s.invoice_id for s in shares}) == len(shares)
    for share in shares:
        invoice = by_id[share.invoice_id]
        assert Decimal(0) < share.amount <= invoice.remaining
        assert invoice.currency == "EUR"


@given(credit=cents, open_invoices=invoices)
def test_credit_goes_oldest_due_date_first_and_is_used_up_before_stopping(
    credit: Decimal, open_invoices
) -> None:
    shares = allocate(credit, "EUR", open_invoices)
    eligible = [i for i in open_invoices if i.currency == "EUR" and i.remaining > 0]
    given_to = {s.invoice_id: s.amount for s in shares}
    # every eligible invoice with an earlier due date than a credited one is fully covered first
    for share in shares[:-1]:
        assert share.amount == next(i.remaining for i in eligible if i.id == share.invoice_id)
    dues = [next(i for i in eligible if i.id == s.invoice_id).due_date or date.max for s in shares]
    assert dues == sorted(dues)
    left = credit - sum(given_to.values(), Decimal(0))
    if left > 0:  # credit left over only when every eligible invoice is covered
        assert all(given_to.get(i.id) == i.remaining for i in eligible)


def test_the_named_invoice_comes_first() -> None:
    old = OpenInvoice(1, "EUR", Decimal("50"), date(2026, 1, 1))
    named = OpenInvoice(2, "EUR", Decimal("50"), date(2026, 6, 1))
    shares = allocate(Decimal("60"), "EUR", [old, named], named_invoice_id=2)
    assert [(s.invoice_id, s.amount) for s in shares] == [(2, Decimal("50")), (1, Decimal("10"))]
