"""Property tests of the status and balance rules (domain.md §3–4), over generated figures."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from billabex_core.domain.enums import CreditNoteStatus, DocumentKind, InvoiceStatus, PaymentStatus
from billabex_core.domain.statuses import (
    ZERO,
    DocumentAmounts,
    DocumentFigures,
    account_figures,
    credit_note_figures,
    document_figures,
    invoice_figures,
)

TODAY = date(2026, 3, 2)
cents = st.integers(min_value=0, max_value=10_000_000).map(lambda c: Decimal(c) / 100)
positive = st.integers(min_value=1, max_value=10_000_000).map(lambda c: Decimal(c) / 100)
due_dates = st.one_of(st.none(), st.integers(-400, 400).map(lambda d: TODAY + timedelta(days=d)))


@given(total=positive, paid=cents, credited=cents, due=due_dates)
def test_invoice_statuses_agree_with_amounts(total: Decimal, paid: Decimal, credited: Decimal, due) -> None:
    fig = invoice_figures(total=total, paid=paid, credited=credited, due_date=due, today=TODAY)
    covered = paid + credited
    assert fig.paid + fig.credited == total - fig.remaining  # paid + credited = total - remaining
    assert (fig.invoice_status == InvoiceStatus.PAID) == (covered >= total)
    if fig.invoice_status != InvoiceStatus.PAID:
        assert (fig.invoice_status == InvoiceStatus.OVERDUE) == (due is not None and due < TODAY)
    expected = {
        covered == 0: PaymentStatus.UNPAID,
        0 < covered < total: PaymentStatus.PARTIALLY_PAID,
        covered == total: PaymentStatus.PAID,
        covered > total: PaymentStatus.OVERPAID,
    }[True]
    assert fig.payment_status == expected


@given(total=positive, remaining=cents, paid=cents)
def test_the_providers_remaining_amount_is_the_truth(
    total: Decimal, remaining: Decimal, paid: Decimal
) -> None:
    fig = invoice_figures(
        total=total, paid=paid, credited=ZERO, due_date=TODAY, today=TODAY, provider_remaining=remaining
    )
    assert fig.remaining == remaining
    assert (fig.invoice_status == InvoiceStatus.PAID) == (remaining <= 0)


@given(total=positive, applied=cents, provider=st.one_of(st.none(), cents))
def test_credit_note_figures(total: Decimal, applied: Decimal, provider) -> None:
    applied = min(applied, total)
    note = credit_note_figures(total=total, applied=applied, provider_remaining=provider)
    assert note.available >= ZERO
    if provider is None:
        assert note.available == total - applied
    expected = (
        CreditNoteStatus.OPEN
        if note.available >= total
        else CreditNoteStatus.SETTLED
        if note.available == 0
        else CreditNoteStatus.PARTIALLY_APPLIED
    )
    assert note.status == expected


documents = st.builds(
    DocumentAmounts,
    kind=st.sampled_from(DocumentKind),
    currency=st.sampled_from(["EUR", "EUR", "USD"]),
    total=positive,
    due_date=due_dates,
    provider_remaining=st.one_of(st.none(), cents),
    paid=cents,
    credited=cents,
)


@given(st.lists(documents, max_size=30))
def test_the_balance_is_invoices_remaining_minus_available_credit_in_the_accounts_currency(docs) -> None:
    figures = [document_figures(d, today=TODAY)[1] for d in docs]
    totals = account_figures("EUR", figures)
    owed = sum((f.remaining for f in figures if f.kind == DocumentKind.INVOICE and f.currency == "EUR"), ZERO)
    credit = sum(
        (f.remaining for f in figures if f.kind == DocumentKind.CREDIT_NOTE and f.currency == "EUR"), ZERO
    )
    assert totals.outstanding_balance == owed - credit
    assert totals.overdue_count == sum(f.overdue for f in figures)


def test_a_document_in_another_currency_never_moves_the_balance() -> None:
    usd = DocumentFigures(DocumentKind.INVOICE, "USD", Decimal("900.00"), overdue=True)
    eur = DocumentFigures(DocumentKind.INVOICE, "EUR", Decimal("100.00"))
    assert account_figures("EUR", [eur, usd]).outstanding_balance == Decimal("100.00")


@given(documents)
def test_stored_columns_match_the_kind(doc: DocumentAmounts) -> None:
    columns, fig = document_figures(doc, today=TODAY)
    if doc.kind == DocumentKind.INVOICE:
        assert set(columns) == {
            "paid_amount",
            "credited_amount",
            "remaining_amount",
            "payment_status",
            "invoice_status",
        }
    else:
        assert set(columns) == {"credited_amount", "remaining_amount", "credit_status"}
        assert not fig.overdue
    assert columns["remaining_amount"] == fig.remaining
