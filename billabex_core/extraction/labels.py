"""Finding labels on the page and the value printed next to (or below) each label."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from billabex_core.extraction.layout import Layout, Segment
from billabex_core.extraction.vocab import LabelSet, label_set

T = TypeVar("T")
_SEPARATORS = " :.-–#/()*"


@dataclass(frozen=True)
class LabelHit:
    role: str
    phrase: str
    segment: Segment
    start: int
    end: int

    @property
    def at_start(self) -> bool:
        return self.start <= 2


@dataclass(frozen=True)
class Found(Generic[T]):
    """A parsed value with where it was read (``Found[date]``, ``Found[str]``...)."""

    value: T
    segment: Segment
    start: int
    end: int
    below: bool = False

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return self.segment.bbox(self.start, self.end)


def find_hits(layout: Layout) -> list[LabelHit]:
    """Label hits, at most one per segment: the earliest, then the longest."""
    labels = label_set()
    hits = []
    for seg in layout.segments:
        best: LabelHit | None = None
        for i in labels.candidates(seg.folded):  # longest first
            role, phrase, pattern = labels.entries[i]
            m = pattern.search(seg.folded)
            if m and (best is None or m.start() < best.start):
                best = LabelHit(role, phrase, seg, m.start(), m.end())
                if m.start() == 0:
                    break
        if best and best.role == "issue_date":
            best = _qualified(best, labels) or best
        if best:
            hits.append(best)
    return hits


def inner_hits(hits: list[LabelHit], role: str) -> list[LabelHit]:
    """Labels of ``role`` further in segments that carry another label first: "TOTAL AMOUNT
    DUE ON August 3, 2014" names the amount due and the due date."""
    labels = label_set()
    out = []
    for hit in hits:
        seg = hit.segment
        if hit.role == role:
            continue
        for i in labels.candidates(seg.folded[hit.start :]):
            other, phrase, pattern = labels.entries[i]
            m = pattern.search(seg.folded, hit.start)
            if other == role and m and m.end() > hit.end - 1:
                out.append(LabelHit(role, phrase, seg, m.start(), m.end()))
                break
    return out


def _qualified(hit: LabelHit, labels: LabelSet) -> LabelHit | None:
    """A due-date label in the same label as a bare date word: "Fecha de vencimiento", "Datum
    der Fälligkeit" name the due date, whatever the vocabulary knows of the whole phrase."""
    seg = hit.segment
    end = next((i for i, c in enumerate(seg.folded) if c.isdigit()), len(seg.folded))
    for i in labels.candidates(seg.folded[:end]):
        role, phrase, pattern = labels.entries[i]
        m = pattern.search(seg.folded, 0, end)
        if role == "due_date" and m:
            return LabelHit(role, phrase, seg, m.start(), m.end())
    return None


class Neighbours:
    """Segments to the right of and below a segment, and which segments carry a label."""

    def __init__(self, layout: Layout, hits: list[LabelHit]) -> None:
        self.layout = layout
        self.labelled = {id(h.segment) for h in hits}
        self.roles = {id(h.segment): h.role for h in hits}
        self.headed = {  # segments that open with a label ("L'ACHETEUR" does not)
            id(h.segment)
            for h in hits
            if h.at_start and not any(c.isalnum() for c in h.segment.folded[: h.start])
        }

    def right_of(self, seg: Segment, limit: int = 3) -> list[Segment]:
        line = self.layout.lines[seg.line]
        after = [s for s in line if s.x0 >= seg.x1 - 1]
        out = []
        for s in after[:limit]:
            if id(s) in self.labelled:
                break
            out.append(s)
        return out

    def below(self, seg: Segment, max_lines: int = 3) -> list[Segment]:
        out: list[Segment] = []
        lines = self.layout.lines
        last_bottom = seg.bottom  # the gap is measured from the last line of the column
        for idx in range(seg.line + 1, min(len(lines), seg.line + 1 + max_lines)):
            for s in lines[idx]:
                if s.page != seg.page or s.top - last_bottom > 4 * seg.height:
                    return out
                if s.x0 < seg.x1 + 2 and s.x1 > seg.x0 - 2:
                    out.append(s)
                    last_bottom = max(last_bottom, s.bottom)
        return out


def _across(
    seg: Segment, rest_start: int, right: list[Segment], parse: Callable[[str], tuple[T, int, int] | None]
) -> Found[T] | None:
    """A value split over cells: OCR cuts "August 3 | , | 2014" at the gap before a comma.

    The rest of the label's segment and the segments to its right are read as one text; the
    value is located in the piece where it starts.
    """
    pieces = [(seg, rest_start)] if rest_start < len(seg.text) else []
    pieces += [(s, 0) for s in right]
    if len(pieces) < 2:
        return None
    starts, pos = [], 0
    for s, start in pieces:
        starts.append(pos)
        pos += len(s.text) - start + 1
    got = parse(" ".join(s.text[start:] for s, start in pieces))
    if not got:
        return None
    index = max(i for i, p in enumerate(starts) if p <= got[1])
    s, start = pieces[index]
    local = got[1] - starts[index] + start
    return Found(got[0], s, local, min(len(s.text), local + got[2] - got[1]))


def value_for(
    hit: LabelHit,
    nb: Neighbours,
    parse: Callable[[str], tuple[T, int, int] | None],
    *,
    below: bool = True,
    across: bool = False,
) -> Found[T] | None:
    """The value after the label in its segment, else to its right, else below it.

    ``across`` also reads the label's rest and the cells to its right as one text (dates that
    OCR split at a comma).
    """
    seg = hit.segment
    rest_start = hit.end
    while rest_start < len(seg.text) and seg.text[rest_start] in _SEPARATORS:
        rest_start += 1
    rest = seg.text[rest_start:]
    if rest:
        got = parse(rest)
        if got:
            return Found(got[0], seg, rest_start + got[1], rest_start + got[2])
    right = nb.right_of(seg)
    for s in right:
        got = parse(s.text)
        if got:
            return Found(got[0], s, got[1], got[2])
    joined = _across(seg, rest_start, right, parse) if across else None
    if joined:
        return joined
    if below:
        for s in nb.below(seg, 2):
            if id(s) in nb.labelled:
                continue
            got = parse(s.text)
            if got:
                return Found(got[0], s, got[1], got[2], below=True)
    return None
