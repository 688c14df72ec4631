"""Backend 2: the text layer, read as words with positions.

Two word readers give the same ``Word`` objects: pdfium (pypdfium2 text pages: character
boxes and the spaces pdfium infers; about twenty times faster) and pdfplumber (pdfminer's
layout). ``TextExtractor(reader="pdfium")`` is the default; a page that pdfium cannot read
as plain upright text (a rotated page) is read with pdfplumber, and ``reader="pdfplumber"``
uses pdfplumber for every page.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from typing import Literal

from billabex_core.extraction.assemble import assemble
from billabex_core.extraction.base import ExtractionJob, ExtractionResult
from billabex_core.extraction.errors import CorruptPdfError
from billabex_core.extraction.layout import Word, build_layout

MIN_WORDS = 8  # fewer words than this on every page: a scanned document
Reader = Literal["pdfium", "pdfplumber"]
_BREAKS = frozenset(" \t\r\n\xa0\u2002\u2003\u2009\x00\ufffe")
_GAP = 3.0  # points between two glyphs that split a word (pdfplumber's x_tolerance)


def _plumber_page(page, number: int) -> list[Word]:
    words = []
    for w in page.extract_words(keep_blank_chars=False, use_text_flow=False, x_tolerance=_GAP):
        text = w["text"].strip()
        if text:
            words.append(Word(text, w["x0"], w["top"], w["x1"], w["bottom"], number))
    return words


def read_words_pdfplumber(
    job: ExtractionJob, only: set[int] | None = None
) -> tuple[list[Word], dict[int, float]]:
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    words: list[Word] = []
    heights: dict[int, float] = {}
    try:
        with pdfplumber.open(io.BytesIO(job.data)) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                if only is not None and number not in only:
                    continue
                job.check_time()
                heights[number] = float(page.height)
                words += _plumber_page(page, number)
                page.flush_cache()
    except RecursionError as exc:
        raise CorruptPdfError("object nesting too deep") from exc
    return words, heights


def _pdfium_page(page, number: int) -> list[Word]:
    """Words from pdfium's characters: split at spaces (given or inferred), line changes, gaps."""
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        text = textpage.get_text_range(0, count) if count else ""
        if len(text) != count:  # characters outside the BMP: index by index
            text = "".join(textpage.get_text_range(i, 1)[:1] or " " for i in range(count))
        return _words_of(text, _char_boxes(page, textpage), number)
    finally:
        textpage.close()


def _char_boxes(page, textpage) -> Callable[[int], tuple[float, float, float, float]]:
    """The loose box of character ``i`` as (x0, top, x1, bottom) from the top-left of the page's
    effective box. One rectangle reused by the raw call: this runs once per character."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    x_origin, _, _, y_top = page.get_bbox()  # the effective (inherited, cropped) page box
    rect = pdfium_c.FS_RECTF()
    ref, raw, get = ctypes.byref(rect), textpage.raw, pdfium_c.FPDFText_GetLooseCharBox

    def box(i: int) -> tuple[float, float, float, float]:
        get(raw, i, ref)
        return rect.left - x_origin, y_top - rect.top, rect.right - x_origin, y_top - rect.bottom

    return box


def _words_of(
    text: str, char_box: Callable[[int], tuple[float, float, float, float]], number: int
) -> list[Word]:
    words: list[Word] = []
    start = -1  # index in ``text`` of the word being built
    x0 = top = x1 = bottom = 0.0
    for i, ch in enumerate(text):
        if ch in _BREAKS or not ch.isprintable():
            if start >= 0:
                _add_word(words, text[start:i], x0, top, x1, bottom, number)
                start = -1
            continue
        cx0, ctop, cx1, cbottom = char_box(i)
        if start >= 0:
            height = max(1.0, min(cbottom - ctop, bottom - top))
            if abs(ctop + cbottom - top - bottom) > height or cx0 - x1 > _GAP or cx0 < x0 - 1:
                _add_word(words, text[start:i], x0, top, x1, bottom, number)
                start = -1
        if start >= 0:
            x0, top = min(x0, cx0), min(top, ctop)
            x1, bottom = max(x1, cx1), max(bottom, cbottom)
        else:
            start, x0, top, x1, bottom = i, cx0, ctop, cx1, cbottom
    if start >= 0:
        _add_word(words, text[start:], x0, top, x1, bottom, number)
    return words


def _add_word(
    words: list[Word], text: str, x0: float, top: float, x1: float, bottom: float, number: int
) -> None:
    word = text.strip()
    if word:
        words.append(Word(word, x0, top, x1, bottom, number))


def read_words_pdfium(job: ExtractionJob) -> tuple[list[Word], dict[int, float]]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(job.data)
    except pdfium.PdfiumError as exc:
        raise CorruptPdfError(str(exc)) from exc
    words: list[Word] = []
    heights: dict[int, float] = {}
    rotated: set[int] = set()
    try:
        for index in range(len(pdf)):
            job.check_time()
            page = pdf[index]
            try:
                heights[index + 1] = float(page.get_height())
                if page.get_rotation() % 360:
                    rotated.add(index + 1)
                else:
                    words += _pdfium_page(page, index + 1)
            finally:
                page.close()
    finally:
        pdf.close()
    if rotated:
        more, more_heights = read_words_pdfplumber(job, rotated)
        words += more
        heights.update(more_heights)
    return words, heights


READERS = {"pdfium": read_words_pdfium, "pdfplumber": read_words_pdfplumber}


def read_words(job: ExtractionJob, reader: Reader = "pdfium") -> tuple[list[Word], dict[int, float]]:
    return READERS[reader](job)


class TextExtractor:
    name = "text"

    def __init__(self, reader: Reader = "pdfium") -> None:
        self.reader = reader

    def is_available(self) -> bool:
        return True

    def extract(self, job: ExtractionJob) -> ExtractionResult | None:
        words, heights = read_words(job, self.reader)
        if len(words) < MIN_WORDS or not any(any(c.isalpha() for c in w.text) for w in words):
            return None
        job.check_time()
        return assemble(build_layout(words, job.page_count, heights), source=self.name, org=job.org)
