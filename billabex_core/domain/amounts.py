"""How many decimals an amount keeps, per currency: pure, so connectors (which may not reach the
storage) round a provider's amounts the way the money columns and exports do (``money.py`` and
``db/types.py`` re-export these names).

``minor_units`` is the currency's own (Babel/CLDR, raised to ISO 4217's three for the
three-decimal currencies, where CLDR gives IQD none): EUR 2, JPY 0, KWD 3. ``amount_places`` is
what a stored amount of that currency keeps: at least the cent (a JPY amount reads "1234.00"),
three for TND, KWD, BHD, JOD, OMR, LYD and IQD. The money columns store thousandths.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision

STORED_PLACES = 3  # the scale of every money column
# ISO 4217's three-decimal currencies (CLDR, hence Babel, gives IQD zero: its cash rounding).
THREE_DECIMAL_CURRENCIES = frozenset({"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"})


def to_money(value: Decimal | int | str, places: int = STORED_PLACES) -> Decimal:
    """Quantise to ``places`` decimals (half up, as on an invoice); by default to what the
    columns store, the thousandth. Floats are refused."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def minor_units(currency: str) -> int:
    """The currency's decimals (EUR 2, JPY 0, TND 3), at most the three the columns store."""
    code = currency.upper()
    if code in THREE_DECIMAL_CURRENCIES:
        return 3
    return min(get_currency_precision(code), STORED_PLACES)


def amount_places(currency: str | None) -> int:
    """Decimals an amount of ``currency`` keeps: its minor units, at least two (the cent)."""
    return max(2, minor_units(currency)) if currency else 2
