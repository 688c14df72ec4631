"""Boxes for values read from the embedded XML: found on the page in their printed form."""

from __future__ import annotations

from pathlib import Path

import pytest

from billabex_core.extraction import extract
from billabex_core.extraction.layout import Segment, Word
from billabex_core.extraction.locate import _find_amount, _find_date, _find_text


def _segment(*texts: str, top: float = 100.0) -> Segment:
    words, x = [], 10.0
    for text in texts:
        words.append(Word(text, x, top, x + 6 * len(text), top + 10, 1))
        x += 6 * len(text) + 4
    return Segment(words, 1, 0)


def test_amount_in_any_printed_format_bottom_most() -> None:
    header = _segment("Total", "1 234,50", top=50)
    footer = _segment("Net", "à", "payer", "1.234,50", "€", top=700)
    page, bbox = _find_amount("1234.50", [header, footer])
    assert page == 1 and bbox[1] == 700  # the bottom-most occurrence
    assert _find_amount("99.00", [header, footer]) is None


def test_date_written_out() -> None:
    seg = _segment("Date", "d'émission", ":", "15", "mars", "2026")
    _page, bbox = _find_date("2026-03-15", [seg])
    assert bbox[0] == seg.words[3].x0 and bbox[2] == seg.words[5].x1


def test_text_ignores_spaces_and_case() -> None:
    seg = _segment("TVA", "FR", "40", "303", "265", "045")
    _page, bbox = _find_text("FR40303265045", [seg])
    assert bbox[0] == seg.words[1].x0 and bbox[2] == seg.words[5].x1
    assert _find_text("FR99", [seg]) is None


CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus"


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not available")
def test_xml_fields_get_boxes() -> None:
    data = (CORPUS / "Securibox__facturx" / "Avoir_FR_type381_BASIC.pdf").read_bytes()
    result = extract(data)
    assert result.source == "facturx"
    for name in ("number", "issue_date", "total_incl_tax", "buyer_name", "buyer_vat"):
        field = result.fields[name]
        assert field.confidence == 1.0 and field.page == 1 and field.bbox is not None, name
