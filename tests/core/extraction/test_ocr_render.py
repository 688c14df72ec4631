"""Scanned pages are rendered at the scan's own resolution (up to ``ocr.DPI``), not above it."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from billabex_core.extraction import ocr
from billabex_core.extraction.base import ExtractionJob, SniffedPdf

from .conftest import make_pdf

PAGE = (144.0, 216.0)  # points: a small page, small images


def _scan_pdf(dpi: float) -> bytes:
    """One page that is a single greyscale image of ``dpi`` pixels per inch."""
    from fpdf import FPDF

    size = (round(PAGE[0] / 72 * dpi), round(PAGE[1] / 72 * dpi))
    buffer = io.BytesIO()
    Image.new("L", size, 255).save(buffer, format="PNG")
    pdf = FPDF(format=PAGE, unit="pt")
    pdf.add_page()
    pdf.image(io.BytesIO(buffer.getvalue()), x=0, y=0, w=PAGE[0], h=PAGE[1])
    return bytes(pdf.output())


def _rendered_width(data: bytes) -> int:
    job = ExtractionJob(SniffedPdf(data, 1))
    (_, image, _, _), *_ = list(ocr.render_pages(job))
    return int(image.size[0])


@pytest.mark.parametrize(
    ("scan", "rendered"), [(200, 200), (240, 240), (600, ocr.DPI), (100, ocr.MIN_SCAN_DPI)]
)
def test_a_scan_is_rendered_at_its_resolution(scan: int, rendered: int) -> None:
    assert abs(_rendered_width(_scan_pdf(scan)) - PAGE[0] / 72 * rendered) <= 2


def test_a_page_of_text_is_rendered_at_the_full_resolution() -> None:
    assert abs(_rendered_width(make_pdf(["Invoice 12"])) - 595.28 / 72 * ocr.DPI) <= 2  # A4
