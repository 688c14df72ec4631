"""The document number beside or under a title the vocabularies lack: the biggest text of the
first page and an identifier printed in its size (constructed layouts, no PDF)."""

from __future__ import annotations

import pytest

from billabex_core.extraction.assemble import assemble
from billabex_core.extraction.layout import Word, build_layout


def _layout(cells: list[tuple[float, float, str, float]]):
    """One segment per (x, top, text, font size) cell; cells on the same top share a line."""
    words = []
    for x, top, text, size in cells:
        cursor = x
        for token in text.split():
            width = 0.55 * size * len(token)
            words.append(Word(token, cursor, top, cursor + width, top + size, 1))
            cursor += width + 0.3 * size
    return build_layout(words, 1, {1: 842.0})


def _number(cells: list[tuple[float, float, str, float]]) -> str | None:
    return assemble(_layout(cells), source="text", org=None).value("number")


_BODY = [
    (40, 120, "Kappa Systems", 10),
    (40, 134, "12 Station Road", 9),
    (340, 134, "Date", 9),
    (440, 134, "2026-03-15", 9),
    (40, 200, "Consulting", 9),
    (480, 200, "61,00", 9),
]


@pytest.mark.parametrize("title", ["SZÁMLA", "Račun", "Reikningur", "Arve"])
def test_an_identifier_under_a_title_of_any_language_in_the_titles_size(title: str) -> None:
    cells = [(40, 40, title, 28), (40, 72, "INV/2024/00005", 28), *_BODY]
    assert _number(cells) == "INV/2024/00005"


def test_an_identifier_beside_the_title_in_its_size() -> None:
    cells = [(40, 40, "Sąskaita", 20), (200, 40, "LT-2024-17", 20), *_BODY]
    assert _number(cells) == "LT-2024-17"


def test_a_street_number_under_a_big_company_name_is_not_the_number() -> None:
    cells = [(40, 40, "Nordwind", 24), (40, 70, "1234 High Street", 10), *_BODY]
    assert _number(cells) is None


def test_an_identifier_in_a_smaller_size_under_the_title_is_not_taken_for_it() -> None:
    cells = [(40, 40, "Nordwind", 24), (40, 70, "PO-7781", 10), *_BODY]
    assert _number(cells) is None


def test_a_labelled_invoice_number_wins_over_the_title_block() -> None:
    cells = [(40, 40, "Nordwind", 24), (40, 70, "C-00412", 24), (340, 100, "Invoice No.", 9)]
    assert _number([*cells, (440, 100, "F-0042", 9), *_BODY]) == "F-0042"


def test_where_every_text_has_the_same_size_there_is_no_title_block() -> None:
    cells = [(40, 40, "Lieferant", 9), (200, 40, "Käufer", 9), (40, 54, "GLN 4333741000005", 9)]
    cells += [(200, 54, "GLN 4304171000002", 9), (340, 80, "Datum", 9), (440, 80, "2026-03-15", 9)]
    assert _number(cells) is None
