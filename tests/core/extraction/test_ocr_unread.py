"""Ink the first OCR pass did not read is read again as sparse text (``ocr._ocr_page``): tesseract's
page layout analysis skips regions it takes for pictures (a title box beside a dark logo, a
framed totals box), and with them the invoice number or the totals."""

from __future__ import annotations

from typing import Any

import pytest
from PIL import Image, ImageDraw

from billabex_core.extraction import ocr
from billabex_core.extraction.ocrimage import unread_ink

K = 72 / 300  # points per pixel at 300 dpi


def _data(*words: tuple[str, int, int, int, int]) -> dict[str, list[Any]]:
    """Tesseract's output columns for ``words`` (text, left, top, width, height), one line each."""
    columns: dict[str, list[Any]] = {
        k: [] for k in ("text", "conf", "left", "top", "width", "height", "block_num", "par_num", "line_num")
    }
    for n, (text, x, y, w, h) in enumerate(words):
        for key, value in zip(columns, (text, 95.0, x, y, w, h, n + 1, 1, 1), strict=True):
            columns[key].append(value)
    return columns


def _page() -> Image.Image:
    """A white page with two words of ink: one at the top left, one in a box at the right."""
    page = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(page)
    draw.rectangle((200, 200, 600, 250), fill=0)  # "ACME SARL"
    draw.rectangle((1700, 200, 2100, 250), fill=0)  # "F20260025", skipped by the first pass
    return page


def test_the_ink_left_unread_is_what_the_first_pass_skipped() -> None:
    page = _page()
    left = unread_ink(page, _data(("ACME", 200, 200, 400, 50)), 0.0005)
    assert left is not None
    assert left.getpixel((400, 225)) == 255 and left.getpixel((1900, 225)) == 0
    assert (
        unread_ink(page, _data(("ACME", 200, 200, 400, 50), ("F20260025", 1700, 200, 400, 50)), 0.0005)
        is None
    )


def test_specks_left_unread_cost_no_second_pass() -> None:
    page = _page()
    ImageDraw.Draw(page).rectangle((1700, 200, 2100, 250), fill=255)
    ImageDraw.Draw(page).rectangle((1000, 1000, 1010, 1010), fill=0)  # a speck
    assert unread_ink(page, _data(("ACME", 200, 200, 400, 50)), 0.0005) is None


def test_the_words_of_both_passes_make_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, int]] = []

    def tesseract(
        image: Image.Image, timeout: float, config: str = ocr.TESSERACT_CONFIG
    ) -> dict[str, list[Any]]:
        calls.append((config, image.getpixel((400, 225))))
        if config == ocr.TESSERACT_CONFIG:
            return _data(("ACME", 200, 200, 400, 50))
        return _data(("F20260025", 1700, 200, 400, 50))

    monkeypatch.setattr(ocr, "_tesseract", tesseract)
    words = ocr._ocr_page(_page(), 1, K, 10.0)
    assert [w.text for w in words] == ["ACME", "F20260025"]
    assert calls == [(ocr.TESSERACT_CONFIG, 0), (ocr.UNREAD_CONFIG, 255)]  # the read word painted out
    assert words[1].x0 == pytest.approx(1700 * K)
