"""Small constructed pages for the rule tests: one segment per ``(x, top, text)`` cell, cells
on the same top sharing a line, every glyph ``char`` points wide and ``height`` tall."""

from __future__ import annotations

from billabex_core.extraction.assemble import assemble
from billabex_core.extraction.base import ExtractionResult
from billabex_core.extraction.layout import Layout, Word, build_layout


def layout_of(
    cells: list[tuple[float, float, str]], *, char: float = 5.0, height: float = 9.0, gap: float = 2.5
) -> Layout:
    words = []
    for x, top, text in cells:
        cursor = x
        for token in text.split():
            words.append(Word(token, cursor, top, cursor + char * len(token), top + height, 1))
            cursor += char * len(token) + gap
    return build_layout(words, 1, {1: 842.0})


def result_of(cells: list[tuple[float, float, str]]) -> ExtractionResult:
    """What the text path makes of the page."""
    return assemble(layout_of(cells), source="text", org=None)
