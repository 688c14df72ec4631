"""The due date: labelled, or read from the payment terms printed on the document.

Payment terms are looked for on every line that names a payment ("conditions de paiement",
"Zahlbar", "Pagamento", "Te betalen", "Payment due", a payment word's stem: ``payment_words``)
and on the line after it. In order: a date after "bis / before / avant le / on or before"
("zahlbar bis 04.07.2013", "Payable on or before 5/24/2024"); a date right after a terms label
("Payment term: 02/04/2021"); a number of days after the issue date ("30 jours fin de mois",
"Net 45", "innerhalb 14 Tagen", "a 30 días", "binnen 30 dagen"); payment on receipt (the issue
date). Every word list is data (``language.json``).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from billabex_core.extraction.dates import find_dates
from billabex_core.extraction.labels import Found
from billabex_core.extraction.layout import Layout, Segment
from billabex_core.extraction.vocab import fold, language, vocab_cache

Due = tuple[Found[date] | None, date, float, str | None]


def _unaccented(pattern: str) -> str:
    """A lower-case pattern matched on folded text: its accents go ("días" reads "dias")."""
    return "".join(ch if ch.isascii() else fold(ch) for ch in pattern)


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(fold(w)) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class _Terms:
    lines: re.Pattern[str]  # a line that speaks about paying
    labels: re.Pattern[str]  # a terms label, a date may follow
    by: re.Pattern[str]  # "bis", "before", "avant le": a date follows
    days: tuple[re.Pattern[str], ...]
    immediate: re.Pattern[str]


@vocab_cache
def _terms() -> _Terms:
    lang = language()
    labels = _alternation(lang["terms_labels"])
    immediate = _alternation(lang["terms_immediate"])
    stems = _alternation(lang["payment_words"])
    return _Terms(
        lines=re.compile(rf"(?<!\w)(?:{labels}|{immediate})(?!\w)|(?<!\w)(?:{stems})"),
        labels=re.compile(rf"(?<!\w)(?:{labels})\s*[:.]?\s*"),
        by=re.compile(rf"(?<!\w)(?:{_alternation(lang['due_by_words'])})(?!\w)\s*[:.]?\s*"),
        days=tuple(re.compile(_unaccented(p)) for p in lang["terms_days"]),
        immediate=re.compile(rf"(?<!\w)(?:{immediate})(?!\w)"),
    )


def terms_segments(layout: Layout) -> list[Segment]:
    """The segments of the lines that speak about paying, and of the line after each."""
    pattern = _terms().lines
    out: list[Segment] = []
    taken: set[int] = set()
    for i, line in enumerate(layout.lines):
        if pattern.search(fold(" ".join(s.text for s in line))):
            for j in (i, i + 1):
                if j < len(layout.lines) and j not in taken:
                    taken.add(j)
                    out.extend(layout.lines[j])
    return out


def _dated(layout: Layout, segments: list[Segment]) -> Due | None:
    """A date printed in the terms: after "bis / before", or right after a terms label (in the
    same cell, or alone in the next one: "Payment until: | 30.07.2023")."""
    terms = _terms()
    for pattern in (terms.by, terms.labels):
        for seg in segments:
            for m in pattern.finditer(seg.folded):
                where, start = seg, m.end()
                if not seg.text[start:].strip():
                    after = [s for s in layout.lines[seg.line] if s.x0 >= seg.x1 - 1]
                    where, start = (after[0], 0) if after else (seg, start)
                d = find_dates(where.text[start:])
                if d and d[0].start == 0:
                    found = Found(d[0].value, where, start, start + d[0].end)
                    return found, d[0].value, 0.8, "due date read from the payment terms"
    return None


def due_from_terms(layout: Layout, issue: date | None) -> Due | None:
    segments = terms_segments(layout)
    dated = _dated(layout, segments)
    if dated or issue is None:
        return dated
    terms = _terms()
    for seg in segments:
        for pattern in terms.days:
            m = pattern.search(seg.folded)
            if m:
                due = issue + timedelta(days=int(m.group(1)))
                if "eom" in m.groupdict():
                    due = due.replace(day=calendar.monthrange(due.year, due.month)[1])
                return _inferred(seg, m, due)
        m = terms.immediate.search(seg.folded)
        if m:
            return _inferred(seg, m, issue)
    return None


def _inferred(seg: Segment, m: re.Match[str], due: date) -> Due:
    found = Found(due, seg, m.start(), m.end())
    return found, due, 0.6, f"due date inferred from payment terms ({seg.text[m.start() : m.end()]})"
