"""Property tests of the status edges (issue #12 point 6): more than the total is overpaid, also
when the billing tool's remaining amount says nothing remains; a zero total is paid, never unpaid."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from billabex_core.domain.enums import CreditNoteStatus, InvoiceStatus, PaymentStatus
from billabex_core.domain.statuses import ZERO, credit_note_figures, invoice_figures, payment_status

TODAY = date(2026, 3, 2)
amounts = st.integers(min_value=0, max_value=10_000_000).map(lambda c: Decimal(c) / 1000)
positive = st.integers(min_value=1, max_value=10_000_000).map(lambda c: Decimal(c) / 1000)
due_dates = st.one_of(st.none(), st.integers(-400, 400).map(lambda d: TODAY + timedelta(days=d)))


@given(total=amounts, paid=amounts, credited=amounts)
def test_payment_status_is_decided_by_covered_against_total(total, paid, credited) -> None:
    covered = paid + credited
    status = payment_status(covered, total)
    if covered > total:
        assert status == PaymentStatus.OVERPAID
    elif covered == total:
        assert status == PaymentStatus.PAID  # a zero total with nothing paid is paid
    elif covered == 0:
        assert status == PaymentStatus.UNPAID
    else:
        assert status == PaymentStatus.PARTIALLY_PAID


@given(paid=amounts, due=due_dates)
def test_a_zero_invoice_is_paid(paid, due) -> None:
    fig = invoice_figures(total=ZERO, paid=paid, credited=ZERO, due_date=due, today=TODAY)
    assert fig.invoice_status == InvoiceStatus.PAID
    assert fig.payment_status == (PaymentStatus.PAID if paid == 0 else PaymentStatus.OVERPAID)
    synced = invoice_figures(
        total=ZERO, paid=ZERO, credited=ZERO, due_date=due, today=TODAY, provider_remaining=ZERO
    )
    assert (synced.payment_status, synced.invoice_status) == (PaymentStatus.PAID, InvoiceStatus.PAID)


@given(total=positive, over=positive, remaining=st.one_of(st.just(ZERO), positive.map(lambda a: -a)))
def test_synced_invoice_paid_above_its_total_is_overpaid(total, over, remaining) -> None:
    """The tool says nothing (or less than nothing) remains and the payments we hold exceed the
    total: overpaid. The remaining amount stays the tool's."""
    fig = invoice_figures(
        total=total,
        paid=total + over,
        credited=ZERO,
        due_date=TODAY,
        today=TODAY,
        provider_remaining=remaining,
    )
    assert fig.remaining == remaining
    assert (fig.payment_status, fig.invoice_status) == (PaymentStatus.OVERPAID, InvoiceStatus.PAID)


@given(total=positive, remaining=positive, paid=amounts)
def test_while_the_tool_says_something_remains_it_is_not_overpaid(total, remaining, paid) -> None:
    fig = invoice_figures(
        total=total, paid=paid, credited=ZERO, due_date=TODAY, today=TODAY, provider_remaining=remaining
    )
    assert fig.payment_status != PaymentStatus.OVERPAID
    assert fig.remaining == remaining


def test_a_negative_provider_remaining_is_overpaid() -> None:
    fig = invoice_figures(
        total=Decimal("100"),
        paid=ZERO,
        credited=ZERO,
        due_date=TODAY,
        today=TODAY,
        provider_remaining=Decimal("-1"),
    )
    assert fig.payment_status == PaymentStatus.OVERPAID


@given(provider=st.one_of(st.none(), st.just(ZERO)))
def test_a_zero_credit_note_is_settled(provider) -> None:
    note = credit_note_figures(total=ZERO, applied=ZERO, provider_remaining=provider)
    assert (note.available, note.status) == (ZERO, CreditNoteStatus.SETTLED)
