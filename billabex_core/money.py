"""Money and identifiers: parsing, validation and the one locale-aware formatter.

Every amount shown to a user goes through ``format_money`` (Babel patterns per currency and
locale); every amount typed by a person goes through ``parse_amount`` (French forms accepted:
"1 234,56"); amounts from files and programs (a plain "1234.56") through ``parse_money``.
Floats are never accepted.

Decimals per currency (``domain/amounts.py``, re-exported here): ``minor_units`` is the
currency's own (Babel/CLDR, raised to ISO 4217's three for the three-decimal currencies, where
CLDR gives IQD none); ``amount_places`` is what an amount of that currency keeps: at least the cent (a JPY amount is stored as before), three for
TND, KWD, BHD, JOD, OMR, LYD and IQD. The money columns store thousandths, so nothing beyond
three decimals exists (CLF's fourth is rounded).
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.numbers import (
    NumberPattern,
    format_currency,
    get_currency_symbol,
    list_currencies,
    parse_pattern,
)
from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren

from billabex_core.domain.amounts import THREE_DECIMAL_CURRENCIES as THREE_DECIMAL_CURRENCIES
from billabex_core.domain.amounts import amount_places as amount_places
from billabex_core.domain.amounts import minor_units as minor_units
from billabex_core.domain.amounts import to_money
from billabex_core.errors import ValidationError

MAX_AMOUNT = Decimal("999999999999.99")  # NUMERIC(15,3) holds twelve digits before the point


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def check_currency(code: str | None, *, field: str = "currency") -> str:
    value = (code or "").strip().upper()
    if value not in _currencies():
        raise ValidationError(
            f"unknown currency code: {code!r} (expected ISO 4217, e.g. EUR)",
            field=field,
            code="currency.unknown",
            params={"value": code or ""},
        )
    return value


def parse_money(
    value: Decimal | int | str | None,
    *,
    field: str = "amount",
    allow_negative: bool = False,
    currency: str | None = None,
) -> Decimal:
    """Parse a plain decimal ("1234.50") to a Decimal rounded (half up) to the currency's places
    (the cent without a currency); refuse floats and junk."""
    if isinstance(value, float):
        raise ValidationError(
            f"{field}: amounts must not be floats",
            field=field,
            code="amount.invalid",
            params={"value": value},
        )
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(f"{field} is required", field=field, code="required")
    try:
        plain = value.strip().replace(" ", "") if isinstance(value, str) else value
        amount = to_money(plain, amount_places(currency))
    except (InvalidOperation, ValueError):
        raise _not_an_amount(field, value) from None
    if not amount.is_finite():
        raise _not_an_amount(field, value)
    if amount < 0 and not allow_negative:
        raise ValidationError(
            f"{field} must not be negative ({amount})",
            field=field,
            code="amount.negative",
            params={"value": amount},
        )
    if abs(amount) > MAX_AMOUNT:
        raise ValidationError(
            f"{field} is too large ({amount})", field=field, code="amount.too_large", params={"value": amount}
        )
    return amount


def _not_an_amount(field: str, value: object) -> ValidationError:
    return ValidationError(
        f"{field}: not an amount: {value!r}", field=field, code="amount.invalid", params={"value": str(value)}
    )


_SPACES = re.compile(r"[\s'’]+")  # \s covers the no-break and narrow no-break spaces
_SYMBOLS = "€$£¥"


def _canonical(text: str, currency: str | None) -> tuple[str, str] | None:
    """A typed amount as (plain decimal, its fraction digits), or None when it is not one.

    The last "," or "." is the decimal mark unless it repeats with no other mark ("1.234.567");
    spaces, apostrophes and the other mark group thousands, by threes only.
    """
    s = _SPACES.sub(" ", text).strip().strip(_SYMBOLS).strip()
    if currency and s.upper().startswith(currency.upper()):
        s = s[len(currency) :].strip()
    if currency and s.upper().endswith(currency.upper()):
        s = s[: -len(currency)].strip()
    sign = ""
    if s and s[0] in "+-":
        sign, s = s[0], s[1:].strip()
    if not s or not re.fullmatch(r"[\d .,]+", s):
        return None
    last = max(s.rfind(","), s.rfind("."))
    whole, frac = s, ""
    if last >= 0:
        mark, before = s[last], s[:last]
        other = "." if mark == "," else ","
        if not (mark in before and other not in before):
            whole, frac = before, s[last + 1 :]
            if not frac.isdigit():
                return None
    separators = set(re.findall(r"[ .,]", whole))
    groups = re.split(r"[ .,]", whole)
    if len(separators) > 1:
        return None
    if separators and not (
        1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]) and all(g.isdigit() for g in groups)
    ):
        return None
    digits = "".join(groups)
    if not (digits.isdigit() or (not digits and frac)):
        return None
    return f"{sign}{digits or '0'}" + (f".{frac}" if frac else ""), frac


def parse_amount(
    value: Decimal | int | str | None,
    *,
    currency: str | None = None,
    field: str = "amount",
    allow_negative: bool = False,
) -> Decimal:
    """An amount typed by a person: "500.00", "500,00", "1 234,56" (any space, the no-break
    ones too), "1.234,56", "1,234.56", "500 €". More decimals than the currency has are refused,
    never rounded ("1,000" is not a thousand euros, nor one)."""
    plain: Decimal | int | str | None
    if isinstance(value, str):
        parsed = _canonical(value, currency)
        if parsed is None:
            raise _not_an_amount(field, value)
        plain, frac = parsed
        places = len(frac)
    elif isinstance(value, Decimal) and value.is_finite():
        plain, places = value, max(-int(value.normalize().as_tuple().exponent), 0)
    else:
        plain, places = value, 0  # an int, or what parse_money refuses
    allowed = amount_places(currency) if currency else 2
    if places > allowed:
        label = f"{currency.upper()} amounts" if currency else "amounts"
        raise ValidationError(
            f"{field}: {label} have at most {allowed} decimals: {value}",
            field=field,
            code="amount.decimals",
            params={"value": str(value), "places": allowed},
        )
    return parse_money(plain, field=field, allow_negative=allow_negative, currency=currency)


def format_money(amount: Decimal | None, currency: str, *, locale: str = "en") -> str:
    """The amount in the locale's currency pattern, with the currency's own decimals."""
    if amount is None:
        return ""
    loc, pattern = _currency_pattern(currency, locale)
    if pattern is None:  # a pattern naming the currency in words (its plural): Babel's own way
        return format_currency(
            amount, currency, locale=loc, currency_digits=False, format=_standard(currency, loc)
        )
    return pattern.apply(amount, loc, currency_digits=False)


def _standard(currency: str, loc: Locale) -> NumberPattern:
    pattern = copy.copy(parse_pattern(loc.currency_formats["standard"]))
    places = minor_units(currency)
    pattern.frac_prec = (places, places)
    return pattern


@lru_cache(maxsize=1024)
def _currency_pattern(currency: str, locale: str) -> tuple[Locale, NumberPattern | None]:
    """Parsed once per currency and locale (a run formats tens of thousands of amounts): the
    locale and its standard currency pattern with the currency's decimals and its symbol and code
    already in place — what Babel's ``format_currency`` does on every call."""
    loc = Locale.parse(locale)
    pattern = _standard(currency, loc)
    affixes = (*pattern.prefix, *pattern.suffix)
    if any("¤¤¤" in affix for affix in affixes):
        return loc, None
    symbol = get_currency_symbol(currency, loc)
    code = currency.upper()
    positive, negative, *suffixes = (affix.replace("¤¤", code).replace("¤", symbol) for affix in affixes)
    pattern.prefix, pattern.suffix = (positive, negative), (suffixes[0], suffixes[1])
    return loc, pattern


def normalise_vat(value: str | None, *, field: str = "vat") -> str | None:
    """Upper-case, no spaces; validated when it is an EU VAT number (python-stdnum)."""
    if not value or not value.strip():
        return None
    compact = "".join(value.split()).replace(".", "").replace("-", "").upper()
    prefix = compact[:2]
    is_eu = prefix.isalpha() and prefix.lower() in eu_vat.MEMBER_STATES | {"el", "xi"}
    if is_eu and not eu_vat.is_valid(compact):
        raise ValidationError(
            f"invalid VAT number: {value}", field=field, code="vat.invalid", params={"value": value}
        )
    return compact


def normalise_siren(value: str | None, *, field: str = "siren") -> str | None:
    """SIREN: 9 digits with a valid Luhn checksum (a 14-digit SIRET gives its SIREN)."""
    if not value or not value.strip():
        return None
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) == 14:
        digits = digits[:9]
    if len(digits) != 9 or not fr_siren.is_valid(digits):
        raise ValidationError(
            f"invalid SIREN: {value}", field=field, code="siren.invalid", params={"value": value}
        )
    return digits
