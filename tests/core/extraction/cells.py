"""Small constructed pages for the rule tests: one segment per ``(x, top, text)`` cell, cells
on the same top sharing a line, every glyph ``char`` points wide and ``height`` tall."""

from __future__ import annotations

from billabex_core.extraction.assemble import assemble
from billabex_core.extraction.base import ExtractionResult
from billabex_core.extraction.layout import Layout, layout_of_cells


def layout_of(
    cells: list[tuple[float, float, str]], *, char: float = 5.0, height: float = 9.0, gap: float = 2.5
) -> Layout:
    return layout_of_cells(cells, char=char, height=height, gap=gap)


def result_of(cells: list[tuple[float, float, str]]) -> ExtractionResult:
    """What the text path makes of the page."""
    return assemble(layout_of(cells), source="text", org=None)
