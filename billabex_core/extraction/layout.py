"""Words with positions grouped into lines and segments (runs of words separated by wide gaps).

Both the text layer (pdfplumber) and OCR (tesseract) produce ``Word`` objects; everything
downstream works on ``Segment`` objects, so the field logic is the same for both.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from billabex_core.extraction.vocab import fold

Bbox = tuple[float, float, float, float]


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    page: int


@dataclass
class Segment:
    words: list[Word]
    page: int
    line: int  # index of the line in the document, top to bottom, page after page
    text: str = ""
    folded: str = ""
    offsets: list[int] = field(default_factory=list)  # start offset of each word in text

    def __post_init__(self) -> None:
        parts, pos = [], 0
        for w in self.words:
            self.offsets.append(pos)
            parts.append(w.text)
            pos += len(w.text) + 1
        self.text = " ".join(parts)
        self.folded = fold(self.text)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def height(self) -> float:
        return max(1.0, self.bottom - self.top)

    def bbox(self, start: int = 0, end: int | None = None) -> Bbox:
        """Bounding box of the words covering text[start:end]."""
        end = len(self.text) if end is None else end
        chosen = [
            w
            for w, off in zip(self.words, self.offsets, strict=True)
            if off < end and off + len(w.text) > start
        ] or self.words
        return (
            min(w.x0 for w in chosen),
            min(w.top for w in chosen),
            max(w.x1 for w in chosen),
            max(w.bottom for w in chosen),
        )


@dataclass
class Layout:
    segments: list[Segment]
    lines: list[list[Segment]]
    page_count: int
    page_heights: dict[int, float]
    # what several finders ask of the same page, computed once per extraction (``find_vats``)
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


def _group_lines(words: list[Word]) -> list[list[Word]]:
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.top + w.bottom) / 2):
        mid = (w.top + w.bottom) / 2
        if lines:
            last = lines[-1]
            ref_top = sum(x.top for x in last) / len(last)
            ref_bottom = sum(x.bottom for x in last) / len(last)
            tol = max(2.0, (ref_bottom - ref_top) * 0.45)
            if abs(mid - (ref_top + ref_bottom) / 2) <= tol:
                last.append(w)
                continue
        lines.append([w])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def _split_segments(line: list[Word]) -> list[list[Word]]:
    segments = [[line[0]]]
    for prev, w in itertools.pairwise(line):
        height = max(1.0, min(prev.bottom - prev.top, w.bottom - w.top))
        if w.x0 - prev.x1 > max(height * 0.9, 3.0) or w.text in ("·", "|") or prev.text in ("·", "|"):
            segments.append([w])
        else:
            segments[-1].append(w)
    return [
        [w for w in seg if w.text not in ("·", "|")]
        for seg in segments
        if any(w.text not in ("·", "|") for w in seg)
    ]


def _join_spaced_letters(words: list[Word]) -> list[Word]:
    """A letter-spaced heading ("I N V O I C E") read as one word: runs of three or more
    single letters become the word they spell."""
    out: list[Word] = []
    run: list[Word] = []

    def flush() -> None:
        if len(run) >= 3:
            out.append(
                Word(
                    "".join(w.text for w in run),
                    run[0].x0,
                    min(w.top for w in run),
                    run[-1].x1,
                    max(w.bottom for w in run),
                    run[0].page,
                )
            )
        else:
            out.extend(run)
        run.clear()

    for w in words:
        if len(w.text) == 1 and w.text.isalpha():
            run.append(w)
        else:
            flush()
            out.append(w)
    flush()
    return out


def build_layout(words: list[Word], page_count: int, page_heights: dict[int, float]) -> Layout:
    segments: list[Segment] = []
    lines: list[list[Segment]] = []
    for page in sorted({w.page for w in words}):
        for line_words in _group_lines([w for w in words if w.page == page]):
            line = [
                Segment(_join_spaced_letters(seg), page, len(lines)) for seg in _split_segments(line_words)
            ]
            if line:
                lines.append(line)
                segments.extend(line)
    return Layout(segments, lines, page_count, page_heights)


def layout_of_cells(
    cells: list[tuple[float, float, str]], *, char: float = 5.0, height: float = 9.0, gap: float = 2.5
) -> Layout:
    """A made-up page of one segment per ``(x, top, text)`` cell, every glyph ``char`` points wide
    and ``height`` tall (the extraction's warm-up, and the rule tests' small pages)."""
    words = []
    for x, top, text in cells:
        cursor = x
        for token in text.split():
            words.append(Word(token, cursor, top, cursor + char * len(token), top + height, 1))
            cursor += char * len(token) + gap
    return build_layout(words, 1, {1: 842.0})
