"""Backend 2: the text layer, read with pdfplumber (words with positions)."""

from __future__ import annotations

import io
import logging

from billabex_core.extraction.assemble import assemble
from billabex_core.extraction.base import Document, ExtractionResult
from billabex_core.extraction.errors import CorruptPdfError
from billabex_core.extraction.layout import Word, build_layout

MIN_WORDS = 8  # fewer words than this on every page: a scanned document


def read_words(doc: Document) -> tuple[list[Word], dict[int, float]]:
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    words: list[Word] = []
    heights: dict[int, float] = {}
    try:
        with pdfplumber.open(io.BytesIO(doc.data)) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                doc.check_time()
                heights[number] = float(page.height)
                for w in page.extract_words(keep_blank_chars=False, use_text_flow=False, x_tolerance=3):
                    text = w["text"].strip()
                    if text:
                        words.append(Word(text, w["x0"], w["top"], w["x1"], w["bottom"], number))
                page.flush_cache()
    except RecursionError as exc:
        raise CorruptPdfError("object nesting too deep") from exc
    return words, heights


class TextExtractor:
    name = "text"

    def is_available(self) -> bool:
        return True

    def extract(self, doc: Document) -> ExtractionResult | None:
        words, heights = read_words(doc)
        if len(words) < MIN_WORDS or not any(any(c.isalpha() for c in w.text) for w in words):
            return None
        doc.check_time()
        return assemble(build_layout(words, doc.page_count, heights), source=self.name, org=doc.org)
