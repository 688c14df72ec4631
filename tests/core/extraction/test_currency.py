"""The currency: printed, else the seller's country's (a low-confidence guess Review asks about)."""

from __future__ import annotations

import pytest

from billabex_core.extraction.fields import currency_of_country

from .cells import result_of

_WARNING = "no currency printed: {}, the currency of the seller's country ({})"


def _page(*, vats: tuple[str, ...], amount: str = "1.000,00") -> list[tuple[float, float, str]]:
    cells = [(60, 40, "Faktura č. 2016001"), (60, 60, "Datum vydání 05/03/2016")]
    cells += [(60 + 240 * i, 100 + 0 * i, f"DIČ: {vat}") for i, vat in enumerate(vats)]
    return [
        *cells,
        (60, 300, "Konzultace 2 hod"),
        (300, 300, amount),
        (200, 340, "Celkem:"),
        (300, 340, amount),
    ]


def test_no_currency_printed_takes_the_seller_countrys_at_a_low_confidence() -> None:
    result = result_of(_page(vats=("CZ56565656", "CZ56565656")))
    assert result.value("currency") == "CZK"
    assert result.fields["currency"].confidence <= 0.3
    assert _WARNING.format("CZK", "CZ") in result.warnings


def test_a_printed_currency_wins() -> None:
    result = result_of(_page(vats=("CZ56565656",), amount="1.000,00 EUR"))
    assert result.value("currency") == "EUR"
    assert not any(w.startswith("no currency printed") for w in result.warnings)


def test_vat_ids_of_two_countries_and_no_seller_decide_nothing() -> None:
    result = result_of(_page(vats=("CZ56565656", "DE123456789")))
    assert result.value("currency") in (None, "CZK")  # the seller's VAT id may be told apart
    result = result_of(_page(vats=()))
    assert result.value("currency") is None


@pytest.mark.parametrize(
    ("country", "code"),
    [
        ("CZ", "CZK"),
        ("PL", "PLN"),
        ("FR", "EUR"),
        ("GR", "EUR"),
        ("CH", "CHF"),
        ("XI", None),
        ("1A", None),
        ("", None),
    ],
)
def test_currency_of_a_country(country: str, code: str | None) -> None:
    assert currency_of_country(country) == code
