"""Amounts as printed, in every separator style, to ``Decimal``.

Handles ``1 234,56``, ``1.234,56``, ``1,234.56``, ``1'234.56``, ``-12,00``, ``(12.00)``,
``12,00-``, ``- €1.00`` and a currency symbol or code before or after the number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from billabex_core.extraction.vocab import bounded_vocab_cache, language, vocab_cache

_SEP = r"[ .,'’\u00a0\u202f]"
_NUMBER = rf"\d{{1,3}}(?:{_SEP}\d{{3}})+(?:[.,]\d{{1,2}})?|\d+(?:[.,]\d{{1,2}})?"


def _currency_alternation() -> str:
    lang = language()
    tokens = sorted({*lang["currency_symbols"], *lang["currency_codes"]}, key=len, reverse=True)
    return "|".join(re.escape(t) for t in tokens)


@vocab_cache
def amount_re() -> re.Pattern[str]:
    cur = _currency_alternation()
    return re.compile(
        rf"(?<![\w.,/:-])(?P<open>\()?(?P<neg>[-−–])?\s?(?:(?P<cur>{cur})\s?)?(?P<neg2>[-−–]\s?)?"
        rf"(?P<num>{_NUMBER})(?![\d/]|[.,]\d|\.\d)(?:\s?(?P<cur2>{cur})(?!\w))?(?P<trail>-(?!\d))?(?P<close>\))?"
        rf"(?!\s?%|[\w.]\d)"
    )


@dataclass(frozen=True)
class Amount:
    value: Decimal
    start: int
    end: int
    currency: str | None
    has_decimals: bool


def _to_decimal(num: str) -> Decimal | None:
    digits = re.sub(r"[ '’\u00a0\u202f]", "", num)
    last_dot, last_comma = digits.rfind("."), digits.rfind(",")
    decimal_pos = max(last_dot, last_comma)
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", digits):
        decimal_pos = -1  # "1.234" / "1,234,567": thousands only
    if decimal_pos >= 0:
        whole = re.sub(r"[.,]", "", digits[:decimal_pos])
        digits = f"{whole}.{digits[decimal_pos + 1 :]}"
    else:
        digits = re.sub(r"[.,]", "", digits)
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None


def find_amounts(text: str) -> list[Amount]:
    """Every amount in ``text``, left to right (percentages and dates excluded)."""
    return list(_amounts_in(text))


@bounded_vocab_cache(8192)
def _amounts_in(text: str) -> tuple[Amount, ...]:
    """``find_amounts``, remembered: the finders of one page ask for the same segments' amounts
    several times."""
    symbols = language()["currency_symbols"]
    found = []
    for m in amount_re().finditer(text):
        value = _to_decimal(m.group("num"))
        if value is None:
            continue
        negative = bool(m.group("neg") or m.group("neg2") or m.group("trail"))
        negative |= bool(m.group("open") and m.group("close"))
        cur = m.group("cur") or m.group("cur2")
        currency = symbols.get(cur, cur) if cur else None
        has_dec = bool(re.search(r"[.,]\d{2}$", m.group("num")))
        found.append(Amount(-value if negative else value, m.start(), m.end(), currency, has_dec))
    return tuple(found)


def parse_amount(text: str) -> Decimal | None:
    """The single amount of ``text`` (e.g. ``"1.234,56 €"``), or None."""
    amounts = find_amounts(text.strip())
    return amounts[-1].value if amounts else None


def format_amount(value: Decimal) -> str:
    """Contract format: plain, dot decimal, two places, positive."""
    return str(abs(value).quantize(Decimal("0.01")))
