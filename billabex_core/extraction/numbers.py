"""The document number: the label decides.

A number label is a few words before the value holding a number word ("n°", "no", "nr", "#",
"number", "nummer", "numéro"), alone or with a document word ("Facture n°", "Rechnungsnr.",
"INV#"), or a number label of the vocabulary. A label holding a word that names something else
("client", "commande", "ligne", "Kunde", "Bestellung", "order", "customer", "TVA", "page", a
credited invoice's "origine") never gives the document number, wherever it stands.

Candidates, best first: a document word with a number word; a vocabulary label; a title
followed by its number ("INVOICE I/00000"); a title alone in its cell with the number beside or
below it ("Factuur" over "2024-001"); the biggest text of page 1 with an identifier of the same
size beside or below it (a title the vocabularies lack); a bare number word ("No. 123"); a
number word with a word the vocabularies do not know ("Devis n°", "Sąskaitos numeris");
"Nr. X vom <date>"; on a credit note, a label naming another invoice ("N° de facture liée").
A value under a title that has a label of its own is that label's. Among equals, page 1 and
the topmost line win. How a label is weighed: ``numberlabels.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from billabex_core.extraction.amounts import find_amounts
from billabex_core.extraction.dates import find_dates
from billabex_core.extraction.labels import Found, LabelHit, Neighbours
from billabex_core.extraction.layout import Layout, Segment
from billabex_core.extraction.numberlabels import (
    classify_label,
    label_score,
    names_a_number,
    names_another_invoice,
)
from billabex_core.extraction.vocab import fold, language, title_pattern, vocab_cache

_ID_TOKEN = re.compile(
    r"(?<![\w/.-])([A-Z0-9][A-Z0-9_./-]*\d[A-Z0-9_./-]*|[A-Z0-9]*\d[A-Z0-9_./-]*)(?![\w])", re.I
)
_ID_PREFIX = re.compile(r"^(?:(?:n[°ºo]|nr|no|num|nummer|number|#|:|\(\d{3}\))\.?\s*)+", re.I)
_SPLIT_ID = re.compile(r"([A-Z]{1,4}) (\d[\w/.-]*\d)(?![\w])")  # "FV 7/2021"
TITLE_SIZE = 1.4  # a title stands out: this many times the height of the page's median text

SCORE_VOCABULARY = 2.5
SCORE_TITLE_VALUE = 2.2
SCORE_TITLE_CELL = 1.8
SCORE_BIG_TITLE = 1.7
SCORE_DATED = 1.2
SCORE_ANOTHER_INVOICE = 0.5


def parse_id(text: str, *, short_ok: bool = False, dates_ok: bool = False) -> tuple[str, int, int] | None:
    """A document number: the first token with a digit that is not a date or an amount.

    ``short_ok`` accepts a number of one or two characters when "#", "No." or "N°" stands just
    before it ("#1"). A date is refused unless "#" is glued to it or ``dates_ok`` (a label that
    names the invoice number: "Numer faktury 2/11/2023").
    """
    prefix = _ID_PREFIX.match(text)
    offset = prefix.end() if prefix else 0
    split = _SPLIT_ID.match(text, offset)
    if split:
        return split.group(0), split.start(), split.end()
    m = _ID_TOKEN.search(text, offset)
    if not m or m.start() - offset > 3:
        return None
    token = m.group(1).rstrip("./-")
    explicit = prefix is not None and bool(prefix.group(0).strip(" :"))
    if len(token) < (1 if short_ok and explicit else 3) or re.fullmatch(r"\d{1,3}([.,]\d{2})", token):
        return None
    hashed = m.start() > 0 and text[m.start() - 1] == "#"
    dates = [] if dates_ok or hashed else find_dates(text[m.start() :])
    if dates and dates[0].start == 0 and dates[0].end >= len(token):
        return None
    return token, m.start(), m.start() + len(token)


@dataclass(frozen=True)
class Candidate:
    found: Found[str]
    score: float

    @property
    def rank(self) -> tuple[float, int, int]:
        return (-self.score, self.found.segment.page, self.found.segment.line)


def value_after(seg: Segment, start: int, nb: Neighbours, *, dates_ok: bool = False) -> Found[str] | None:
    """The number after a label ending at ``start``: in the segment, to its right, or below."""
    rest = seg.text[start:]
    got = parse_id(rest, short_ok=True, dates_ok=dates_ok)
    if got:
        return Found(got[0], seg, start + got[1], start + got[2])
    if rest.strip(" :.-–#/()*"):
        return None  # words after the label that are not a number
    for s in nb.right_of(seg, 1):
        got = parse_id(s.text, short_ok=True, dates_ok=dates_ok)
        if got:
            return Found(got[0], s, got[1], got[2])
    for s in nb.below(seg, 2)[:1]:
        got = parse_id(s.text, short_ok=True, dates_ok=dates_ok)
        if got and not is_amount(s.text[got[1] : got[2]]):
            return Found(got[0], s, got[1], got[2], below=True)
    return None


def is_amount(token: str) -> bool:
    """A token that reads as money (decimals or a currency), not as a number."""
    return any(a.has_decimals or a.currency for a in find_amounts(token))


def label_end(seg: Segment) -> int:
    """Where the label part of a segment ends: at its first word with a digit ("N°123" keeps
    its "N°"), else at its end."""
    m = re.search(r"(?<!\()\b\S*\d(?!\d*\))", seg.text)  # "(380)", a type code, is part of the label
    if not m:
        return len(seg.text)
    glued = re.match(r"(?:n[°º]|#)[:.]?", m.group(0), re.I)
    if glued:
        return m.start() + glued.end()
    letters = re.search(r"(?<=\s)[A-Z]{1,4} $", seg.text[: m.start()])  # "Faktura nr FV 7/2021"
    return letters.start() if letters and letters.start() > 0 else m.start()


def labelled_candidates(
    layout: Layout, hits: list[LabelHit], nb: Neighbours, *, credit: bool = False
) -> list[Candidate]:
    """Every number read after a number label (generic or from the vocabulary); on a credit
    note (``credit``), a label naming an invoice with a word of its own ("N° de facture liée")
    names the credited invoice: last, taken only when nothing else numbers the document
    ("Corrected invoice No." on a credit note)."""
    vocab_hits = {id(h.segment): h for h in hits if h.role == "number"}
    foreign = {id(h.segment) for h in hits if h.role == "credited"}
    out = []
    for seg in layout.segments:
        if id(seg) in foreign:
            continue
        end = label_end(seg)
        score = label_score(seg.text[:end])
        hit = vocab_hits.get(id(seg))
        if (
            hit is not None
            and hit.end <= max(end, hit.end)
            and not classify_label(seg.text[: max(end, hit.end)])[2]
        ):
            score = max(score or 0.0, SCORE_VOCABULARY)
            end = max(end, hit.end)
        if score is None:
            continue
        if credit and names_another_invoice(seg.text[:end]):
            score = SCORE_ANOTHER_INVOICE
        found = value_after(seg, end, nb, dates_ok=score >= SCORE_VOCABULARY)
        if found is not None:
            out.append(Candidate(found, score))
    return out


def _title_candidates(layout: Layout, nb: Neighbours) -> list[Candidate]:
    """ "INVOICE I/00000", "Avoir AV-1": a title and its number; a title alone in its cell."""
    out = []
    for seg in layout.segments:
        for kind in ("credit_note", "invoice"):
            m = title_pattern(kind).match(seg.folded)
            if not m:
                continue
            rest = seg.text[m.end() :]
            if rest.strip(" .:"):
                stripped = len(rest) - len(rest.lstrip(" :"))
                got = parse_id(rest.lstrip(" :"), short_ok=rest.lstrip(" :").startswith(("#", "N", "n")))
                if got:
                    start = m.end() + stripped
                    found = Found(got[0], seg, start + got[1], start + got[2])
                    out.append(Candidate(found, SCORE_TITLE_VALUE))
            elif seg.page == 1:
                cell = value_after(seg, len(seg.text), nb)
                if (
                    cell is not None
                    and not is_amount(cell.value)
                    and not _labelled_value(cell, seg, layout, nb)
                ):
                    out.append(Candidate(cell, SCORE_TITLE_CELL))
            break
    return out


def _labelled_value(found: Found[str], title: Segment, layout: Layout, nb: Neighbours) -> bool:
    """A value read under a title with a label of its own just left of it ("Devis n° | 25-578")
    or above it, between the title and the value ("Client n°" over "C-09061" in a header row):
    that label's value, not the title's. A label is a cell without a digit."""
    if not found.below:
        return False
    seg = found.segment
    left = [s for s in layout.lines[seg.line] if s.x1 <= seg.x0 + 1]
    owners = [max(left, key=lambda s: s.x1)] if left else []
    owners += [
        s
        for line in layout.lines[title.line + 1 : seg.line]
        for s in line
        if s.x0 < seg.x1 and s.x1 > seg.x0 and s is not title
    ]
    return any(_label_cell(s, nb) for s in owners)


def _label_cell(seg: Segment, nb: Neighbours) -> bool:
    if any(c.isdigit() for c in seg.text):
        return False  # a cell holding its own value ("Tel. 01 23 45", "58099 Hamburg")
    return id(seg) in nb.labelled or seg.text.rstrip().endswith(":") or names_a_number(seg.text)


def _big_title_candidates(layout: Layout, nb: Neighbours) -> list[Candidate]:
    """The biggest text of page 1 as a title, whatever its language ("FACTURA", "Számla",
    "Račun"), when it stands out (``TITLE_SIZE`` times the median text): up to three words
    without a digit, alone in their cell; an identifier printed in the same size beside or just
    under them, alone in its cell, is the document's number."""
    first = [s for s in layout.segments if s.page == 1]
    heights = sorted(s.height for s in first)
    if not heights or heights[-1] < TITLE_SIZE * heights[len(heights) // 2]:
        return []  # no text stands out as a title
    tallest = heights[-1]
    for seg in first:
        if seg.height < tallest * 0.95 or len(seg.words) > 3 or any(c.isdigit() for c in seg.text):
            continue
        for cell in nb.right_of(seg, 1) + nb.below(seg, 3)[:1]:
            got = parse_id(cell.text)
            if (
                got
                and not cell.text[got[2] :].strip()
                and abs(cell.height - seg.height) <= 0.15 * seg.height
                and not is_amount(got[0])
            ):
                found = Found(got[0], cell, got[1], got[2], below=cell.line != seg.line)
                return [] if _labelled_value(found, seg, layout, nb) else [Candidate(found, SCORE_BIG_TITLE)]
    return []


@vocab_cache
def _dated_number() -> re.Pattern[str]:
    dated = "|".join(re.escape(fold(w)) for w in language()["dated_words"])
    return re.compile(rf"\b(?:nr|no|n°|nº|num)\.?\s*(\S+)\s+(?:{dated})\s+", re.I)


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


def found_in_line(value, line: list[Segment], starts: list[int], start: int, end: int) -> Found:
    """A value read at [start, end) of a line view, located in the segment holding its start."""
    index = max(i for i, s in enumerate(starts) if s <= start)
    seg, offset = line[index], starts[index]
    return Found(value, seg, start - offset, min(len(seg.text), end - offset))


def _dated_candidates(layout: Layout) -> list[Candidate]:
    """ "... Nr. TX-471102 vom 30.10.2019": a number followed by its date."""
    for line in layout.lines:
        text, starts = line_view(line)
        for m in _dated_number().finditer(text):
            got = parse_id(m.group(1))
            rest = find_dates(text[m.end() :])
            if got and got[2] == len(m.group(1).rstrip(".,")) and rest and rest[0].start == 0:
                found = found_in_line(got[0], line, starts, m.start(1), m.start(1) + got[2])
                return [Candidate(found, SCORE_DATED)]
    return []


def find_number(
    layout: Layout, hits: list[LabelHit], nb: Neighbours, *, credit: bool = False
) -> tuple[Found[str], float] | None:
    """The document number and a confidence (``credit``: the document is a credit note)."""
    cands = labelled_candidates(layout, hits, nb, credit=credit)
    cands += _title_candidates(layout, nb) + _big_title_candidates(layout, nb) + _dated_candidates(layout)
    if not cands:
        return None
    best = min(cands, key=lambda c: c.rank)
    return best.found, min(0.9, 0.3 + 0.2 * best.score)
