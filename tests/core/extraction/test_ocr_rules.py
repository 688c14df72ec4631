"""OCR-tolerant field rules, on word lists shaped like tesseract output (no OCR run)."""

from __future__ import annotations

from datetime import date
from functools import partial

from billabex_core.extraction.fields import find_issue_date
from billabex_core.extraction.labels import Neighbours, find_hits
from billabex_core.extraction.numbers import find_number, line_view

from .cells import layout_of

_layout = partial(layout_of, char=6, height=10, gap=3)


def _fields(layout):
    hits = find_hits(layout)
    nb = Neighbours(layout, hits)
    return find_number(layout, hits, nb), find_issue_date(layout, hits, nb)


# An e-invoice visualisation page: a stylesheet version date first, then the heading that OCR
# splits into cells at its wide gaps.
STYLESHEET_PAGE = [
    (40, 100, "Stylesheet-Version:"),
    (200, 100, "2.6 vom 10.11.2025"),
    (40, 140, "Handelsrechnung (380)"),
    (220, 140, "Nr. 47110815"),
    (330, 140, "vom"),
    (380, 140, "01.12.2025"),
    (40, 160, "Währung:"),
    (200, 160, "EUR"),
]


def test_line_view_joins_the_cells_of_a_line() -> None:
    layout = _layout(STYLESHEET_PAGE)
    line = layout.lines[1]
    assert len(line) == 4
    text, starts = line_view(line)
    assert text == "Handelsrechnung (380) Nr. 47110815 vom 01.12.2025"
    assert [text[s : s + len(seg.text)] for seg, s in zip(line, starts, strict=True)] == [
        seg.text for seg in line
    ]


def test_number_and_date_read_across_ocr_cells() -> None:
    number, issue = _fields(_layout(STYLESHEET_PAGE))
    assert number is not None and number[0].value == "47110815"
    assert number[0].segment.text == "Nr. 47110815"
    assert issue is not None and issue[0].value == date(2025, 12, 1)
    assert issue[0].segment.text == "01.12.2025"


def test_dated_number_without_a_title_word() -> None:
    layout = _layout(
        [(40, 140, "Accounting information (751)"), (260, 140, "Nr. TX-4711"), (340, 140, "vom 30.10.2019")]
    )
    number, _ = _fields(layout)
    assert number is not None and number[0].value == "TX-4711"


def test_version_lines_do_not_give_the_issue_date() -> None:
    layout = _layout(
        [
            (40, 100, "Stylesheet-Version:"),
            (200, 100, "2.6 vom 10.11.2025"),
            (40, 140, "Lieferung 03.10.2025"),
        ]
    )
    _, issue = _fields(layout)
    assert issue is not None and issue[0].value == date(2025, 10, 3) and issue[1] < 0.5


def test_labelled_date_split_at_a_comma() -> None:
    # tesseract leaves a wide gap before the comma of "August 3, 2014": three cells
    layout = _layout(
        [(40, 100, "Invoice Date:"), (160, 100, "August 3"), (230, 100, ","), (260, 100, "2014")]
    )
    assert len(layout.lines[0]) == 4
    _, issue = _fields(layout)
    assert issue is not None and issue[0].value == date(2014, 8, 3)
    assert issue[0].segment.text == "August 3" and issue[1] >= 0.75


def test_amount_cells_are_not_joined_into_a_date() -> None:
    layout = _layout([(40, 100, "Invoice Date:"), (160, 100, "3"), (230, 100, "12"), (300, 100, "2014")])
    _, issue = _fields(layout)
    assert issue is None or issue[1] < 0.5
