"""Small normalisers shared by the backends: one-line strings, VAT ids, SIREN."""

from __future__ import annotations

import re

from stdnum import luhn
from stdnum.ch import vat as ch_vat
from stdnum.eu import vat as eu_vat
from stdnum.gb import vat as gb_vat


def one_line(text: str) -> str:
    return " ".join(text.split())


def clean_vat(raw: str) -> str:
    return re.sub(r"[\s.\-]", "", raw).upper()


def valid_vat(vat: str) -> bool:
    """An EU VAT number, or a British or Swiss one, that python-stdnum validates."""
    try:
        if vat.startswith("GB"):
            return bool(gb_vat.is_valid(vat))
        if vat.startswith("CHE"):
            return bool(ch_vat.is_valid(vat))
        return bool(eu_vat.is_valid(vat))
    except Exception:  # noqa: BLE001 - stdnum raises on unknown country prefixes
        return False


def valid_siren(digits: str) -> bool:
    return len(digits) == 9 and digits.isdigit() and luhn.is_valid(digits)


def siren_from_vat(vat: str | None) -> str | None:
    """A French VAT id is FR + 2-digit key + SIREN."""
    if vat and re.fullmatch(r"FR[0-9A-Z]{2}\d{9}", vat):
        return vat[4:]
    return None
