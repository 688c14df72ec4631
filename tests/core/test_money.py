"""Money: the one parser of typed amounts, minor units per currency, 3-decimal currencies exact."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billabex_core.errors import ValidationError
from billabex_core.models import Account, Document, PaymentStatus
from billabex_core.money import amount_places, format_money, minor_units, parse_amount, parse_money
from billabex_core.services.accounts import create_account
from billabex_core.services.export import export_rows
from billabex_core.services.payments import record_payment

D = Decimal


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("500,00", "500.00"),
        ("500.00", "500.00"),
        ("500", "500.00"),
        ("12,5", "12.50"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),  # non-breaking space (what a French keyboard or Excel gives)
        ("1\u202f234,56", "1234.56"),  # narrow non-breaking space (Babel's French grouping)
        (" 1 234 567,8 ", "1234567.80"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1.234.567", "1234567.00"),
        ("1234,56 €", "1234.56"),
        ("EUR 1234.56", "1234.56"),
        (Decimal("7.5"), "7.50"),
        (12, "12.00"),
    ],
)
def test_amounts_typed_the_french_way(typed, expected: str) -> None:
    amount = parse_amount(typed, currency="EUR")
    assert amount == D(expected) and str(amount) == expected


@pytest.mark.parametrize(
    "typed",
    ["", "abc", "1,2,3", "1 23,45", "1.234,567.8", "1,", "12,345", "1,000", "--5", 1.5, None, "1e3", "NaN"],
)
def test_what_is_not_a_euro_amount_is_refused(typed) -> None:
    with pytest.raises(ValidationError):
        parse_amount(typed, currency="EUR")


def test_a_euro_amount_with_three_decimals_says_why() -> None:
    with pytest.raises(ValidationError, match="EUR amounts have at most 2 decimals"):
        parse_amount("1,234", currency="EUR")


def test_three_decimal_currencies() -> None:
    for code in ("TND", "KWD", "BHD", "JOD", "OMR", "LYD", "IQD"):
        assert minor_units(code) == 3 and amount_places(code) == 3
    assert (minor_units("EUR"), minor_units("JPY")) == (2, 0)
    assert amount_places("JPY") == 2  # stored at least to the cent, as before
    assert parse_amount("1,234", currency="TND") == D("1.234")
    assert str(parse_money("1.234", currency="TND")) == "1.234"
    assert parse_money("1.234") == D("1.23")  # no currency: to the cent, as before
    assert parse_money("1.235", currency="EUR") == D("1.24")
    assert format_money(D("1.234"), "IQD", locale="fr") == "1,234\u00a0IQD"
    assert format_money(D("1234.5"), "TND", locale="en") == "TND1,234.500"
    assert format_money(D("1234.5"), "EUR", locale="fr") == "1\u202f234,50\u00a0€"


@given(cents=st.integers(min_value=0, max_value=99_999_999_999))
def test_a_formatted_french_amount_parses_back(cents: int) -> None:
    amount = D(cents) / 100
    shown = format_money(amount, "EUR", locale="fr")
    assert parse_amount(shown, currency="EUR") == amount


def test_tnd_stays_exact_from_import_to_export(session, add_document, today) -> None:
    """A TND 1.234 invoice: created, paid in two parts, statuses, balance and export, all exact."""
    acc = create_account(session=session, name="Tunis SARL", actor="t", currency="TND", country="TN")
    session.commit()
    inv = add_document(acc, "T-1", "1.234", currency="TND", due=today - timedelta(days=2)).document
    session.expire_all()
    assert session.get(Document, inv.id).total_incl_tax == D("1.234")
    assert session.get(Account, acc.id).outstanding_balance == D("1.234")
    record_payment(session=session, document_id=inv.id, amount="0,617", paid_on=today, actor="t", today=today)
    session.commit()
    session.expire_all()
    doc = session.get(Document, inv.id)
    assert (doc.paid_amount, doc.remaining_amount, doc.payment_status) == (
        D("0.617"),
        D("0.617"),
        PaymentStatus.PARTIALLY_PAID,
    )
    record_payment(session=session, document_id=inv.id, amount="0.617", paid_on=today, actor="t", today=today)
    session.commit()
    session.expire_all()
    doc = session.get(Document, inv.id)
    assert doc.payment_status == PaymentStatus.PAID and doc.remaining_amount == 0
    assert session.get(Account, acc.id).outstanding_balance == 0
    row = export_rows(session=session, entity="invoices")[0]
    assert (row["total_incl_tax"], row["paid_amount"], row["remaining_amount"]) == ("1.234", "1.234", "0.000")
    assert [p["amount"] for p in export_rows(session=session, entity="payments")] == ["0.617", "0.617"]
    assert export_rows(session=session, entity="accounts")[0]["outstanding_balance"] == "0.000"


def test_euro_amounts_still_read_back_to_the_cent(session, account, add_document) -> None:
    inv = add_document(account, "F-1", "1234.50").document
    session.expire_all()
    assert str(session.get(Document, inv.id).total_incl_tax) == "1234.50"
    assert export_rows(session=session, entity="invoices")[0]["total_incl_tax"] == "1234.50"
