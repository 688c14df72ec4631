"""Money and identifiers: parsing, validation and the one locale-aware formatter.

Every amount shown to a user goes through ``format_money`` (Babel patterns per currency and
locale); every amount typed by a user goes through ``parse_money``. Floats are never accepted.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import format_currency, list_currencies
from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren

from billabex_core.db.types import to_money
from billabex_core.errors import ValidationError

MAX_AMOUNT = Decimal("999999999999.99")  # NUMERIC(14,2)


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def check_currency(code: str | None, *, field: str = "currency") -> str:
    value = (code or "").strip().upper()
    if value not in _currencies():
        raise ValidationError(f"unknown currency code: {code!r} (expected ISO 4217, e.g. EUR)", field=field)
    return value


def parse_money(
    value: Decimal | int | str | None, *, field: str = "amount", allow_negative: bool = False
) -> Decimal:
    """Parse a plain decimal ("1234.50") to a cent-exact Decimal; refuse floats and junk."""
    if isinstance(value, float):
        raise ValidationError(f"{field}: amounts must not be floats", field=field)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(f"{field} is required", field=field)
    try:
        amount = to_money(value.strip().replace(" ", "") if isinstance(value, str) else value)
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{field}: not an amount: {value!r}", field=field) from None
    if not amount.is_finite():
        raise ValidationError(f"{field}: not an amount: {value!r}", field=field)
    if amount < 0 and not allow_negative:
        raise ValidationError(f"{field} must not be negative ({amount})", field=field)
    if abs(amount) > MAX_AMOUNT:
        raise ValidationError(f"{field} is too large ({amount})", field=field)
    return amount


def format_money(amount: Decimal | None, currency: str, *, locale: str = "en") -> str:
    if amount is None:
        return ""
    return format_currency(amount, currency, locale=locale)


def normalise_vat(value: str | None, *, field: str = "vat") -> str | None:
    """Upper-case, no spaces; validated when it is an EU VAT number (python-stdnum)."""
    if not value or not value.strip():
        return None
    compact = "".join(value.split()).replace(".", "").replace("-", "").upper()
    prefix = compact[:2]
    is_eu = prefix.isalpha() and prefix.lower() in eu_vat.MEMBER_STATES | {"el", "xi"}
    if is_eu and not eu_vat.is_valid(compact):
        raise ValidationError(f"invalid VAT number: {value}", field=field)
    return compact


def normalise_siren(value: str | None, *, field: str = "siren") -> str | None:
    """SIREN: 9 digits with a valid Luhn checksum (a 14-digit SIRET gives its SIREN)."""
    if not value or not value.strip():
        return None
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) == 14:
        digits = digits[:9]
    if len(digits) != 9 or not fr_siren.is_valid(digits):
        raise ValidationError(f"invalid SIREN: {value}", field=field)
    return digits
