"""Page images for the Review screen, with a coloured box where each field was read.

Boxes are in PDF points with a top-left origin (``[x0, top, x1, bottom]``, as pdfplumber gives
them); green for confident fields, orange for low confidence.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from billabex_core.domain.fields import FIELD_BY_NAME
from billabex_core.errors import ExtractionError
from billabex_core.services.draft_review import FieldView
from billabex_core.services.files import read_pdf

MAX_PREVIEW_PAGES = 5
CONFIDENT = (31, 111, 92)
UNSURE = (230, 126, 34)


@dataclass(frozen=True)
class Box:
    label: str
    page: int  # 1-based
    bbox: tuple[float, float, float, float]
    confident: bool


def field_boxes(fields: Sequence[FieldView]) -> tuple[Box, ...]:
    """A box for every field that has a value and was read at a known place on a page."""
    boxes = []
    for f in fields:
        if f.page and f.bbox and f.value:
            x0, top, x1, bottom = f.bbox
            # The label without its parenthesis keeps the box caption short ("Amount due").
            label = FIELD_BY_NAME[f.name].label.split(" (")[0]
            boxes.append(Box(label, f.page, (x0, top, x1, bottom), not f.low_confidence))
    return tuple(boxes)


def page_count(sha256: str) -> int:
    try:
        pdf = pdfium.PdfDocument(read_pdf(sha256))
    except pdfium.PdfiumError as exc:
        raise ExtractionError(f"cannot render the PDF: {exc}") from None
    try:
        return len(pdf)
    finally:
        pdf.close()


def render_page(sha256: str, page: int, boxes: list[Box], *, scale: float = 1.5) -> bytes:
    """PNG of one page (1-based) with the boxes of the fields read on it."""
    try:
        pdf = pdfium.PdfDocument(read_pdf(sha256))
    except pdfium.PdfiumError as exc:
        raise ExtractionError(f"cannot render the PDF: {exc}") from None
    try:
        if not 1 <= page <= len(pdf):
            raise ExtractionError(f"page {page} does not exist (the PDF has {len(pdf)})")
        image: Image.Image = pdf[page - 1].render(scale=scale).to_pil().convert("RGB")
    finally:
        pdf.close()
    draw = ImageDraw.Draw(image)
    for box in boxes:
        if box.page != page:
            continue
        x0, top, x1, bottom = (v * scale for v in box.bbox)
        colour = CONFIDENT if box.confident else UNSURE
        draw.rectangle((x0 - 2, top - 2, x1 + 2, bottom + 2), outline=colour, width=3)
        draw.text((x0, max(top - 14, 0)), box.label, fill=colour)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
