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
                if "eom" in m.groupdict():  # "30 jours fin de mois": the days, then the month's end
                    due = due.replace(day=calendar.monthrange(due.year, due.month)[1])
                elif "after_eom" in m.groupdict():  # "Net 30 EOM": the month's end, then the days
                    month_end = issue.replace(day=calendar.monthrange(issue.year, issue.month)[1])
                    due = month_end + timedelta(days=int(m.group(1)))
                return _inferred(seg, m, due)
        m = terms.immediate.search(seg.folded)
        if m:
            return _inferred(seg, m, issue)
    return None


@vocab_cache
def _other_dates() -> re.Pattern[str]:
    """Words of a label dating something else than the payment (delivery, order, service
    period, version: ``other_date_words``, ``not_issue_date_words``); a word of five letters or
    more also opens a compound ("Lieferdatum", "Leistungsdatum")."""
    lang = language()
    words = lang["other_date_words"] + lang["not_issue_date_words"]
    stems = [w for w in words if len(w) >= 5]
    return re.compile(rf"(?<!\w)(?:{_alternation(stems)})|(?<!\w)(?:{_alternation(words)})(?!\w)")


def _label_of(layout: Layout, seg: Segment, start: int) -> str | None:
    """The words naming a value that starts at ``start`` in ``seg``: before it in its cell, else
    the cell on its left, else the cell above it (a header) — text only, five words at most."""
    before = seg.text[:start].strip(" :.-–\t")
    if not before:
        left = [s for s in layout.lines[seg.line] if s.x1 <= seg.x0 + 1]
        above = [
            s
            for line in layout.lines[max(0, seg.line - 2) : seg.line]
            for s in line
            if s.page == seg.page and s.x0 < seg.x1 + 2 and s.x1 > seg.x0 - 2
        ]
        before = left[-1].text if left else above[-1].text if above else ""
    if not before or any(c.isdigit() for c in before) or len(before.split()) > 5:
        return None
    return before


def due_from_dates(layout: Layout, issue: Found[date] | None) -> Due | None:
    """No due label, no terms: a date printed later than the issue date with words
    naming it — on a line about paying ("Payable on or before 5/24/2024", "Payment term:
    02/04/2021"), else labelled in the header of page 1 ("Eräpäivä: 01.01.2015") with a label
    that does not date something else (delivery, order, service: ``_other_dates``). Invoices
    print their issue date and the date to pay by; other dates of the header are named."""
    if issue is None:
        return None
    paying = {id(s) for s in terms_segments(layout)}
    best: tuple[int, int, Found[date]] | None = None
    for seg in layout.segments:
        dates = find_dates(seg.text)
        if len(dates) != 1 or (seg is issue.segment and dates[0].start == issue.start):
            continue
        d = dates[0]
        if not issue.value < d.value <= issue.value + timedelta(days=366):
            continue
        label = _label_of(layout, seg, d.start)
        rank = 0 if id(seg) in paying else 1
        if rank == 1 and (seg.page != 1 or label is None or _other_dates().search(fold(label))):
            continue
        if best is None or (rank, seg.line) < best[:2]:
            best = (rank, seg.line, Found(d.value, seg, d.start, d.end))
    if best is None:
        return None
    found = best[2]
    return found, found.value, 0.5, "due date: the date to pay by, read without a known label"


def _inferred(seg: Segment, m: re.Match[str], due: date) -> Due:
    found = Found(due, seg, m.start(), m.end())
    return found, due, 0.6, f"due date inferred from payment terms ({seg.text[m.start() : m.end()]})"
