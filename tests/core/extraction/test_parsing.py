"""Amounts, dates, VAT helpers and vocabularies."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billabex_core.extraction.amounts import find_amounts, format_amount, parse_amount
from billabex_core.extraction.dates import find_dates, parse_date
from billabex_core.extraction.normalize import clean_vat, siren_from_vat, valid_vat
from billabex_core.extraction.vocab import label_set, labels


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,56", "1234.56"),
        ("1.234,56 €", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1'234.56", "1234.56"),
        ("-12,00", "-12.00"),
        ("(12.00)", "-12.00"),
        ("12,00-", "-12.00"),
        ("€ 49,99", "49.99"),
        ("EUR 49,99", "49.99"),
        ("$4.11", "4.11"),
        ("- €1.00", "-1.00"),
        ("1.500", "1500"),
    ],
)
def test_amount_styles(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


def test_amounts_skip_percentages_and_dates() -> None:
    assert [a.value for a in find_amounts("TVA 20 % le 31/01/2022 : 12,50")] == [Decimal("12.50")]


def test_currency_is_read_from_symbol_and_code() -> None:
    assert find_amounts("1.234,56 €")[0].currency == "EUR"
    assert find_amounts("GBP 10.00")[0].currency == "GBP"


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_amount_roundtrip_in_every_style(value: Decimal) -> None:
    whole, cents = f"{value:.2f}".split(".")
    groups = f"{int(whole):,}"
    for text in (
        f"{groups}.{cents}",
        f"{groups.replace(',', '.')},{cents}",
        f"{groups.replace(',', ' ')},{cents}",
        f"{groups.replace(',', chr(39))}.{cents}",
    ):
        assert parse_amount(text) == value, text
    assert format_amount(-value) == f"{value:.2f}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 mars 2026", date(2026, 3, 15)),
        ("March 15, 2026", date(2026, 3, 15)),
        ("15. März 2026", date(2026, 3, 15)),
        ("15 de marzo de 2026", date(2026, 3, 15)),
        ("19 april 2014", date(2014, 4, 19)),
        ("31/01/2022", date(2022, 1, 31)),
        ("05.06.2013", date(2013, 6, 5)),
        ("8-9-2022", date(2022, 9, 8)),
        ("2022-01-31", date(2022, 1, 31)),
        ("Order date: 28 Jan 15", date(2015, 1, 28)),
        ("le 3 mars 26", date(2026, 3, 3)),
    ],
)
def test_dates(text: str, expected: date) -> None:
    assert parse_date(text) == expected


def test_impossible_dates_are_ignored() -> None:
    assert find_dates("32/13/2022") == []


def test_a_written_day_and_month_before_a_time_or_a_rate_is_no_date() -> None:
    assert find_dates("le 2 juin 15:00") == []
    assert find_dates("remise 5 mai 10 %") == []


def test_vat_helpers() -> None:
    assert clean_vat("fr 40 303 265 045") == "FR40303265045"
    assert valid_vat("FR40303265045")
    assert not valid_vat("FR00303265045")
    assert siren_from_vat("FR40303265045") == "303265045"


def test_every_language_has_labels_for_every_role() -> None:
    for role, per_lang in labels().items():
        assert set(per_lang) >= {"fr", "en", "de", "nl", "es", "it"}, role
    assert label_set().entries
