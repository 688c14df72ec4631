"""Document fields from labelled segments: number, dates, currency, kind and credited invoice."""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeVar

from billabex_core.extraction.amounts import find_amounts
from billabex_core.extraction.dates import find_dates
from billabex_core.extraction.labels import Found, LabelHit, Neighbours, value_for
from billabex_core.extraction.layout import Layout, Segment
from billabex_core.extraction.vocab import fold, language, title_pattern

T = TypeVar("T")

_ID_TOKEN = re.compile(
    r"(?<![\w/.-])([A-Z0-9][A-Z0-9_./-]*\d[A-Z0-9_./-]*|[A-Z0-9]*\d[A-Z0-9_./-]*)(?![\w])", re.I
)
_ID_PREFIX = re.compile(r"^(?:(?:n[°ºo]|nr|no|num|nummer|number|#|:|\(\d{3}\))\.?\s*)+", re.I)


def parse_id(text: str) -> tuple[str, int, int] | None:
    """A document number: the first token with a digit that is not a date or an amount."""
    prefix = _ID_PREFIX.match(text)
    offset = prefix.end() if prefix else 0
    m = _ID_TOKEN.search(text, offset)
    if not m or m.start() - offset > 3:
        return None
    token = m.group(1).rstrip("./-")
    if len(token) < 3 or find_dates(token) or re.fullmatch(r"\d{1,3}([.,]\d{2})", token):
        return None
    return token, m.start(), m.start() + len(token)


def parse_first_date(text: str) -> tuple[date, int, int] | None:
    dates = find_dates(text)
    if not dates or dates[0].start > 3:
        return None
    return dates[0].value, dates[0].start, dates[0].end


def best_hit_value(
    hits: list[LabelHit],
    role: str,
    nb: Neighbours,
    parse: Callable[[str], tuple[T, int, int] | None],
    *,
    across: bool = False,
) -> tuple[Found[T], LabelHit] | None:
    """The value of the most specific label of ``role`` (longest phrase, then first)."""
    ranked = sorted(
        (h for h in hits if h.role == role), key=lambda h: (-len(h.phrase), not h.at_start, h.segment.line)
    )
    for hit in ranked:
        found = value_for(hit, nb, parse, across=across)
        if found:
            return found, hit
    return None


def find_number(layout: Layout, hits: list[LabelHit], nb: Neighbours) -> tuple[Found[str], float] | None:
    got = best_hit_value(hits, "number", nb, parse_id)
    if got:
        return got[0], 0.9
    for kind in ("credit_note", "invoice"):
        pattern = title_pattern(kind)
        for seg in layout.segments:
            m = pattern.match(seg.folded)
            if not m:
                continue
            rest = seg.text[m.end() :]
            stripped = len(rest) - len(rest.lstrip(" :"))
            parsed = parse_id(rest.lstrip(" :"))
            if parsed:
                start = m.end() + stripped
                return Found(parsed[0], seg, start + parsed[1], start + parsed[2]), 0.75
    return _number_by_title_cell(layout, nb) or _number_dated(layout)


def _number_by_title_cell(layout: Layout, nb: Neighbours) -> tuple[Found[str], float] | None:
    """A title alone in its cell ("Factuur", "FACTURA") with the number to its right or below."""
    for seg in layout.segments:
        if seg.page != 1:
            continue
        for kind in ("credit_note", "invoice"):
            m = title_pattern(kind).match(seg.folded)
            if m and not seg.folded[m.end() :].strip(" .:"):
                for s in [*nb.right_of(seg, 1), *nb.below(seg, 2)[:1]]:
                    got = parse_id(s.text)
                    if got and got[1] == 0 and not find_amounts(s.text[got[1] : got[2]]):
                        return Found(got[0], s, got[1], got[2]), 0.6
    return None


_DATED_NUMBER = re.compile(r"\b(?:nr|no|n°|nº|num)\.?\s*(\S+)\s+(?:vom|du|of|dated|van|del)\s+", re.I)
_DATED_BY = re.compile(r"\b(?:vom|du|del|van|dated|of)\s+")


def line_view(line: list[Segment]) -> tuple[str, list[int]]:
    """The segments of one line joined by a space, with the start offset of each segment.

    OCR splits "Rechnung | Nr. 123 | vom | 30.10.2019" into several segments where the text
    layer keeps one, so rules that read a phrase across it work on the whole line.
    """
    starts, pos = [], 0
    for seg in line:
        starts.append(pos)
        pos += len(seg.text) + 1
    return " ".join(seg.text for seg in line), starts


def found_in_line(value: T, line: list[Segment], starts: list[int], start: int, end: int) -> Found[T]:
    """A value read at [start, end) of a line view, located in the segment holding its start."""
    index = max(i for i, s in enumerate(starts) if s <= start)
    seg, offset = line[index], starts[index]
    return Found(value, seg, start - offset, min(len(seg.text), end - offset))


def _number_dated(layout: Layout) -> tuple[Found[str], float] | None:
    """ "... Nr. TX-471102 vom 30.10.2019": a number followed by its date."""
    for line in layout.lines:
        text, starts = line_view(line)
        for m in _DATED_NUMBER.finditer(text):
            got = parse_id(m.group(1))
            rest = find_dates(text[m.end() :])
            if got and got[2] == len(m.group(1).rstrip(".,")) and rest and rest[0].start == 0:
                return found_in_line(got[0], line, starts, m.start(1), m.start(1) + got[2]), 0.6
    return None


def _issue_dated(layout: Layout) -> tuple[Found[date], float] | None:
    """ "Rechnung Nr. 123 vom 30.10.2019": the date after "vom/du/of" on a line with a title."""
    invoice, credit = title_pattern("invoice"), title_pattern("credit_note")
    for line in layout.lines:
        text, starts = line_view(line)
        folded = fold(text)
        if not (invoice.search(folded) or credit.search(folded)):
            continue
        for m in _DATED_BY.finditer(folded):
            d = find_dates(text[m.end() :])
            if d and d[0].start == 0:
                where = found_in_line(d[0].value, line, starts, m.end(), m.end() + d[0].end)
                return where, 0.8
    return None


def _not_issue_date_line(line: list[Segment]) -> bool:
    """A line that dates something else than the document ("Stylesheet-Version: 2.6 vom ...")."""
    folded = fold(" ".join(s.text for s in line))
    return any(re.search(rf"(?<!\w){re.escape(w)}", folded) for w in language()["not_issue_date_words"])


def find_kind(layout: Layout) -> tuple[str, Segment | None]:
    """``credit_note`` when a credit-note title heads a short segment, else ``invoice``."""
    credit = title_pattern("credit_note")
    for seg in layout.segments:
        if len(seg.words) <= 8 and credit.match(seg.folded) and not seg.text.rstrip().endswith(":"):
            return "credit_note", seg
    return "invoice", None


def find_issue_date(layout: Layout, hits: list[LabelHit], nb: Neighbours) -> tuple[Found[date], float] | None:
    got = best_hit_value(hits, "issue_date", nb, parse_first_date, across=True)
    if got:
        return got[0], 0.9 if len(got[1].phrase) > 5 else 0.75
    dated = _issue_dated(layout)
    if dated:
        return dated
    labelled = {id(h.segment) for h in hits if h.role != "issue_date"}
    for line in layout.lines:
        if line[0].page != 1 or _not_issue_date_line(line):
            continue
        for seg in line:
            if id(seg) not in labelled:
                d = find_dates(seg.text)
                if d:
                    return Found(d[0].value, seg, d[0].start, d[0].end), 0.4
    return None


def find_due_date(
    layout: Layout, hits: list[LabelHit], nb: Neighbours, issue: date | None
) -> tuple[Found[date] | None, date, float, str | None] | None:
    """(where, value, confidence, warning) of the due date, from its label or from payment terms."""
    got = best_hit_value(hits, "due_date", nb, parse_first_date, across=True)
    if got:
        return got[0], got[0].value, 0.9, None
    return _due_from_terms(layout, issue)


def _terms_segments(layout: Layout) -> list[Segment]:
    lang = language()
    keys = [fold(k) for k in (*lang["terms_labels"], *lang["terms_immediate"])]
    out = []
    for i, line in enumerate(layout.lines):
        text = fold(" ".join(s.text for s in line))
        if any(re.search(rf"(?<!\w){re.escape(k)}(?!\w)", text) for k in keys):
            out.extend(line)
            if i + 1 < len(layout.lines):
                out.extend(layout.lines[i + 1])
    return out


def _due_from_terms(
    layout: Layout, issue: date | None
) -> tuple[Found[date] | None, date, float, str | None] | None:
    lang = language()
    segments = _terms_segments(layout)
    for seg in segments:  # "zahlbar bis 04.07.2013"
        m = re.search(r"\b(?:bis|jusqu'au|avant le|by|before|until|voor|antes del|entro il)\s+", seg.folded)
        if m:
            d = find_dates(seg.text[m.end() :])
            if d and d[0].start == 0:
                found = Found(d[0].value, seg, m.end(), m.end() + d[0].end)
                return found, d[0].value, 0.8, "due date read from the payment terms"
    if issue is None:
        return None
    for seg in segments:
        for pattern in lang["terms_days"]:
            m = re.search(pattern, seg.folded)
            if m:
                due = issue + timedelta(days=int(m.group(1)))
                if "eom" in m.groupdict():
                    due = due.replace(day=calendar.monthrange(due.year, due.month)[1])
                found = Found(due, seg, m.start(), m.end())
                return (
                    found,
                    due,
                    0.6,
                    f"due date inferred from payment terms ({seg.text[m.start() : m.end()]})",
                )
        for phrase in lang["terms_immediate"]:
            m = re.search(rf"(?<!\w){re.escape(fold(phrase))}(?!\w)", seg.folded)
            if m:
                found = Found(issue, seg, m.start(), m.end())
                return (
                    found,
                    issue,
                    0.6,
                    f"due date inferred from payment terms ({seg.text[m.start() : m.end()]})",
                )
    return None


def find_currency(layout: Layout) -> tuple[str, Segment, float] | None:
    lang = language()
    codes = set(lang["currency_codes"])
    votes: Counter[str] = Counter()
    first: dict[str, Segment] = {}
    for seg in layout.segments:
        found = [a.currency for a in find_amounts(seg.text) if a.currency]
        found += [t for t in re.findall(r"\b[A-Z]{3}\b", seg.text) if t in codes]
        found += [
            code for word, code in lang["currency_words"].items() if re.search(rf"\b{word}\b", seg.folded)
        ]
        for code in found:
            votes[code] += 1
            first.setdefault(code, seg)
    if not votes:
        return None
    code, count = votes.most_common(1)[0]
    return code, first[code], 0.9 if count > 1 else 0.6


def find_credited(hits: list[LabelHit], nb: Neighbours) -> Found[str] | None:
    got = best_hit_value(hits, "credited", nb, parse_id)
    return got[0] if got else None
