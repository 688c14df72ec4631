"""Page images for the Review screen, with a coloured box where each field was read.

Boxes are in PDF points with a top-left origin (``[x0, top, x1, bottom]``, as pdfplumber gives
them); green for confident fields, orange for low confidence.

An uploaded PDF is untrusted: its page count and its page images are computed in the capped child
process of ``services.isolation`` (``MEMORY_LIMIT``, ``PREVIEW_SECONDS``), never in the server's
process (issue #17 point 6). A decompression bomb or a page too costly to draw ends in one
``PreviewError`` ("this page cannot be shown: …"); a huge page is drawn smaller, at most
``MAX_PIXELS``.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from billabex_core.domain.fields import FIELD_BY_NAME
from billabex_core.errors import ExtractionError
from billabex_core.extraction.errors import CorruptPdfError, ExtractionTimeoutError
from billabex_core.services.files import read_pdf
from billabex_core.services.isolation import (
    MEGABYTE,
    MEMORY_LIMIT,
    ResourceLimitError,
    isolation_enabled,
    run_isolated,
)

if TYPE_CHECKING:  # the child process that draws pages need not load the review's models
    from billabex_core.services.draft_review import FieldView

MAX_PREVIEW_PAGES = 5
MAX_PIXELS = 24_000_000  # a page image at most this big (72 MB as RGB): a larger page is drawn smaller
PREVIEW_SECONDS = 20.0
T = TypeVar("T")
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


class PreviewError(ExtractionError):
    """A page that cannot be shown (the PDF is still stored; its fields can still be typed)."""


def page_count(sha256: str) -> int:
    """The number of pages of a stored PDF, read in the capped child process."""
    return _isolated(_count, read_pdf(sha256))


def render_page(sha256: str, page: int, boxes: list[Box], *, scale: float = 1.5) -> bytes:
    """PNG of one page (1-based) with the boxes of the fields read on it, drawn in the capped child
    process."""
    return _isolated(_render, read_pdf(sha256), page, tuple(boxes), scale)


def _isolated(fn: Callable[..., T], *args: Any) -> T:
    if not isolation_enabled():
        return fn(*args)
    try:
        value: T = run_isolated(fn, *args, timeout=PREVIEW_SECONDS).value
    except ResourceLimitError:
        raise PreviewError(
            f"this page cannot be shown: drawing it needs more than {MEMORY_LIMIT // MEGABYTE} MB of memory",
            code="preview.memory",
            params={"limit": MEMORY_LIMIT // MEGABYTE},
        ) from None
    except CorruptPdfError as exc:  # the reader died in the child (pdfium aborts when refused memory)
        raise PreviewError(
            f"this page cannot be shown: {exc}", code="preview.failed", params={"error": exc}
        ) from None
    except ExtractionTimeoutError:
        raise PreviewError(
            f"this page cannot be shown: drawing it takes more than {PREVIEW_SECONDS:g} s",
            code="preview.timeout",
            params={"seconds": PREVIEW_SECONDS},
        ) from None
    return value


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ExtractionError(
            f"cannot render the PDF: {exc}", code="preview.unreadable", params={"detail": str(exc)}
        ) from None


def _count(data: bytes) -> int:
    pdf = _open(data)
    try:
        return len(pdf)
    finally:
        pdf.close()


def _render(data: bytes, page: int, boxes: tuple[Box, ...], scale: float) -> bytes:
    pdf = _open(data)
    try:
        if not 1 <= page <= len(pdf):
            raise ExtractionError(
                f"page {page} does not exist (the PDF has {len(pdf)})",
                code="preview.no_page",
                params={"page": page, "pages": len(pdf)},
            )
        sheet = pdf[page - 1]
        width, height = sheet.get_size()
        scale = min(scale, 0.99 * math.sqrt(MAX_PIXELS / max(width * height, 1.0)))  # sizes round up
        image: Image.Image = sheet.render(scale=scale).to_pil().convert("RGB")
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
