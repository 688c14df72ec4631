"""Dates as printed (numeric or written in fr/en/de/nl/es/it) to ``datetime.date``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date

from billabex_core.extraction.vocab import fold, month_regex, months, vocab_cache


@vocab_cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    m = month_regex()
    return (
        ("ymd", re.compile(r"(?<!\d)(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?!\d)")),
        ("dmy", re.compile(r"(?<![\d.,])(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})(?![\d]|[.,]\d)")),
        (
            "d_month_y",
            re.compile(
                rf"(?<!\d)(\d{{1,2}})(?:er|st|nd|rd|th)?\.?\s*(?:de\s+)?({m})\.?,?\s*(?:de\s+)?"
                rf"(\d{{4}}|\d{{2}}(?![:.,]?\d|\s?[h%]))(?!\d)"
            ),
        ),
        ("month_d_y", re.compile(rf"(?<![\w])({m})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*(\d{{4}})(?!\d)")),
        ("compact", re.compile(r"(?<![\d.,/-])(20\d{2})(\d{2})(\d{2})(?![\d.,/-])")),
    )


_MONTH_FIRST: ContextVar[bool] = ContextVar("month_first", default=False)
_NUMERIC = re.compile(r"(?<![\d.,])(\d{1,2})[/.-](\d{1,2})[/.-](?:\d{4}|\d{2})(?![\d]|[.,]\d)")


def month_first_in(texts: Iterable[str]) -> bool:
    """Whether a document writes its numeric dates month first: some date shows it ("10/20/2025",
    "7/14/19") and none shows the day first ("25/03/2026")."""
    day_first = month_first = 0
    for text in texts:
        for m in _NUMERIC.finditer(text):
            a, b = int(m.group(1)), int(m.group(2))
            day_first += a > 12 >= b
            month_first += b > 12 >= a
    return month_first > day_first


@contextmanager
def date_order(month_first: bool) -> Iterator[None]:
    """Read ambiguous numeric dates ("11/03/2025") in this order while the block runs."""
    token = _MONTH_FIRST.set(month_first)
    try:
        yield
    finally:
        _MONTH_FIRST.reset(token)


@dataclass(frozen=True)
class FoundDate:
    value: date
    start: int
    end: int


def _make(y: int, m: int, d: int) -> date | None:
    if y < 100:
        y += 2000
    if not 1970 <= y <= 2100:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str, *, month_first: bool | None = None) -> list[FoundDate]:
    """Every date in ``text``, left to right, without overlaps. Ambiguous numeric dates are read
    day first unless ``month_first`` (default: the order of the document, ``date_order``)."""
    if month_first is None:
        month_first = _MONTH_FIRST.get()
    folded = fold(text)
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _patterns():
        for m in pattern.finditer(folded):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            value = _from_match(kind, m.groups(), month_first)
            if value:
                found.append(FoundDate(value, m.start(), m.end()))
                taken.append((m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def _from_match(kind: str, g: tuple[str, ...], month_first: bool) -> date | None:
    table = months()
    if kind in ("ymd", "compact"):
        return _make(int(g[0]), int(g[1]), int(g[2]))
    if kind == "dmy":
        a, b, y = int(g[0]), int(g[1]), int(g[2])
        first, second = ((b, a), (a, b)) if month_first else ((a, b), (b, a))
        return _make(y, first[1], first[0]) or _make(y, second[1], second[0])
    if kind == "d_month_y":
        return _make(int(g[2]), table[g[1]], int(g[0]))
    return _make(int(g[2]), table[g[0]], int(g[1]))


def parse_date(text: str) -> date | None:
    dates = find_dates(text)
    return dates[0].value if dates else None
