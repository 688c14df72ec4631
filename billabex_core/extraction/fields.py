"""Document fields from labelled segments: dates, currency, kind and credited invoice (the number
is ``numbers.py``)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from babel.numbers import get_territory_currencies

from billabex_core.extraction.amounts import find_amounts
from billabex_core.extraction.dates import find_dates
from billabex_core.extraction.due import due_from_dates, due_from_terms
from billabex_core.extraction.labels import Found, LabelHit, Neighbours, inner_hits, value_for
from billabex_core.extraction.layout import Layout, Segment
from billabex_core.extraction.numbers import found_in_line, line_view, parse_id
from billabex_core.extraction.vocab import fold, language, title_pattern, vocab_cache

T = TypeVar("T")


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


@vocab_cache
def _dated_by() -> re.Pattern[str]:
    words = "|".join(re.escape(fold(w)) for w in language()["dated_words"])
    return re.compile(rf"(?<!\w)(?:{words})\s+")


def _issue_dated(layout: Layout) -> tuple[Found[date], float] | None:
    """ "Rechnung Nr. 123 vom 30.10.2019": the date after "vom/du/of" on a line with a title."""
    invoice, credit = title_pattern("invoice"), title_pattern("credit_note")
    for line in layout.lines:
        text, starts = line_view(line)
        folded = fold(text)
        if not (invoice.search(folded) or credit.search(folded)):
            continue
        for m in _dated_by().finditer(folded):
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


def line_date_columns(layout: Layout, hits: list[LabelHit]) -> list[Segment]:
    """Date headers of an item table: a bare date label ("Date", "Datum") whose column holds a
    date on two rows or more, without a wide gap or another label between, dates lines, not the
    document."""
    out = []
    labelled = {id(h.segment) for h in hits}
    for hit in hits:
        seg = hit.segment
        if hit.role != "issue_date" or find_dates(seg.text):
            continue
        rows, last = 0, seg.bottom
        for line in layout.lines[seg.line + 1 : seg.line + 9]:
            cells = [s for s in line if s.x0 < seg.x1 + 2 and s.x1 > seg.x0 - 2]
            if line[0].page != seg.page or min(s.top for s in line) - last > 3 * seg.height:
                break  # the column ends at a wide gap
            if any(id(s) in labelled for s in cells):
                break  # or at another label: a header row of values ("Zahlbar bis", "Vervaldatum")
            rows += any(find_dates(s.text) for s in cells)
            last = max([last, *(s.bottom for s in cells)])
        if rows >= 2:
            out.append(seg)
    return out


def in_columns(seg: Segment, headers: list[Segment]) -> bool:
    """Whether ``seg`` stands under one of ``headers``, in its column."""
    return any(
        h.page == seg.page and h.line < seg.line and seg.x0 < h.x1 + 2 and seg.x1 > h.x0 - 2 for h in headers
    )


def find_issue_date(layout: Layout, hits: list[LabelHit], nb: Neighbours) -> tuple[Found[date], float] | None:
    columns = line_date_columns(layout, hits)
    skip = {id(s) for s in columns}
    document_hits = [h for h in hits if id(h.segment) not in skip]
    got = best_hit_value(document_hits, "issue_date", nb, parse_first_date, across=True)
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
            if id(seg) not in labelled and not in_columns(seg, columns):
                d = find_dates(seg.text)
                if d:
                    return Found(d[0].value, seg, d[0].start, d[0].end), 0.4
    return None


def find_due_date(
    layout: Layout, hits: list[LabelHit], nb: Neighbours, issue: Found[date] | None
) -> tuple[Found[date] | None, date, float, str | None] | None:
    """(where, value, confidence, warning) of the due date, from its label, from payment terms,
    else the date to pay by named by a label the vocabularies do not know."""
    got = best_hit_value(hits, "due_date", nb, parse_first_date, across=True)
    if got:
        return got[0], got[0].value, 0.9, None
    for hit in inner_hits(hits, "due_date"):
        found = value_for(hit, nb, parse_first_date, below=False)
        if found:
            return found, found.value, 0.8, None
    return due_from_terms(layout, issue.value if issue else None) or due_from_dates(layout, issue)


@vocab_cache
def _currency_words_re() -> re.Pattern[str]:
    words = sorted(language()["currency_words"], key=len, reverse=True)
    return re.compile(rf"\b(?:{'|'.join(words)})\b" if words else r"(?!x)x")


def find_currency(layout: Layout) -> tuple[str, Segment, float] | None:
    lang = language()
    codes = set(lang["currency_codes"])
    words = lang["currency_words"]
    votes: Counter[str] = Counter()
    first: dict[str, Segment] = {}
    for seg in layout.segments:
        found = [a.currency for a in find_amounts(seg.text) if a.currency]
        found += [t for t in re.findall(r"\b[A-Z]{3}\b", seg.text) if t in codes]
        if _currency_words_re().search(seg.folded):  # one pass first: most segments name none
            found += [code for word, code in words.items() if re.search(rf"\b{word}\b", seg.folded)]
        for code in found:
            votes[code] += 1
            first.setdefault(code, seg)
    if not votes:
        return None
    code, count = votes.most_common(1)[0]
    return code, first[code], 0.9 if count > 1 else 0.6


def currency_of_country(country: str) -> str | None:
    """The one legal tender of a country today (CLDR, through Babel), else None."""
    if len(country) != 2 or not country.isalpha():
        return None
    try:
        codes = get_territory_currencies(country.upper(), tender=True)
    except (KeyError, ValueError):
        return None
    return codes[0] if len(codes) == 1 else None


def find_credited(hits: list[LabelHit], nb: Neighbours) -> Found[str] | None:
    got = best_hit_value(hits, "credited", nb, parse_id)
    return got[0] if got else None
