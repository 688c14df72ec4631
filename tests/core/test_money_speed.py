"""``format_money`` at the scale of an agent run: the locale and the currency pattern are parsed
once per currency and locale, not on every amount (a daily run formats tens of thousands)."""

from __future__ import annotations

import copy
from decimal import Decimal

import babel.core
import pytest
from babel import Locale
from babel.numbers import format_currency, get_currency_precision, parse_pattern

from billabex_core import money


def test_format_money_parses_each_locale_once(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    parse = babel.core.Locale.parse

    def counting(identifier, *args, **kwargs):
        if isinstance(identifier, str):
            parsed.append(identifier)
        return parse(identifier, *args, **kwargs)

    monkeypatch.setattr(babel.core.Locale, "parse", counting)
    money.format_money.__globals__["_currency_pattern"].cache_clear()
    shown = [money.format_money(Decimal(n) / 100, "EUR", locale="fr") for n in range(1, 201)]
    assert shown[-1] == "2,00\u00a0€"
    assert parsed.count("fr") <= 1


def _babel(value: Decimal, currency: str, locale: str) -> str:
    """Babel's own way, on every call (what ``format_money`` did before it cached)."""
    places = money.minor_units(currency)
    if places == get_currency_precision(currency):
        return format_currency(value, currency, locale=locale)
    loc = Locale.parse(locale)
    pattern = copy.copy(parse_pattern(loc.currency_formats["standard"]))
    pattern.frac_prec = (places, places)
    return pattern.apply(value, loc, currency=currency, currency_digits=False)


@pytest.mark.parametrize("locale", ["en", "fr", "de_CH", "en_IN", "ar", "ja", "fa", "he", "ps"])
@pytest.mark.parametrize("currency", ["EUR", "JPY", "CHF", "USD", "INR", "TND", "KWD", "IQD", "CLF"])
def test_the_cached_pattern_formats_as_babel(locale: str, currency: str) -> None:
    for amount in ["0", "-0", "0.005", "-1234.5", "1234567.891", "999999999999.99", "12"]:
        value = Decimal(amount)
        assert money.format_money(value, currency, locale=locale) == _babel(value, currency, locale)
