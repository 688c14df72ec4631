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
    x_origin, _, _, y_top = page.get_bbox()  # the effective (inherited, cropped) page box
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        text = textpage.get_text_range(0, count) if count else ""
        if len(text) != count:  # characters outside the BMP: index by index
            text = "".join(textpage.get_text_range(i, 1)[:1] or " " for i in range(count))
        words: list[Word] = []
        chars: list[str] = []
        box = [0.0, 0.0, 0.0, 0.0]  # x0, top, x1, bottom of the word being built

        def flush() -> None:
            word = "".join(chars).strip()
            if word:
                words.append(Word(word, box[0], box[1], box[2], box[3], number))
            chars.clear()

        for i, ch in enumerate(text):
            if ch in _BREAKS or not ch.isprintable():
                flush()
                continue
            left, bottom, right, top = textpage.get_charbox(i, loose=True)
            x0, x1, y0, y1 = left - x_origin, right - x_origin, y_top - top, y_top - bottom
            if chars:
                mid, prev_mid = (y0 + y1) / 2, (box[1] + box[3]) / 2
                height = max(1.0, min(y1 - y0, box[3] - box[1]))
                if abs(mid - prev_mid) > height * 0.5 or x0 - box[2] > _GAP or x0 < box[0] - 1:
                    flush()
            if chars:
                box[0], box[1] = min(box[0], x0), min(box[1], y0)
                box[2], box[3] = max(box[2], x1), max(box[3], y1)
            else:
                box[:] = [x0, y0, x1, y1]
            chars.append(ch)
        flush()
        return words
    finally:
        textpage.close()


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
