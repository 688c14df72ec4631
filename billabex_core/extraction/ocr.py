"""Backend 3: OCR for scanned PDFs, pytesseract over pypdfium2 renders at 300 dpi (a scan of
lower resolution at its own), tints and table rules erased (``ocrimage``).

Renders are capped in pixels so a huge page cannot exhaust memory; the time budget is
checked between pages. Word boxes are converted back to PDF points so the Review screen can
draw them like text-layer boxes.

Tesseract runs with ``OMP_THREAD_LIMIT=1``: its OpenMP threads otherwise fight each other on a
small machine (4.5 s a page instead of 1.3 s on two cores). The pages of a document are OCRed
by ``WORKERS`` tesseract processes at once; pdfium renders them one after the other in the
calling thread (it is not thread-safe), at most ``WORKERS`` pages ahead of the OCR.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from typing import Any

from billabex_core.extraction.assemble import assemble
from billabex_core.extraction.base import ExtractionJob, ExtractionResult
from billabex_core.extraction.errors import CorruptPdfError, OcrUnavailableError
from billabex_core.extraction.layout import Word, build_layout
from billabex_core.extraction.ocrimage import prepare_page, unread_ink
from billabex_core.extraction.ocrwords import page_words

DPI = 300
MIN_SCAN_DPI = 200  # a coarser scan is enlarged to this
MAX_PIXELS = 40_000_000  # about A3 at 300 dpi
OCR_CONFIDENCE = 0.85  # field confidences are scaled down on OCR
WORKERS = 2  # tesseract processes per document
TESSERACT_CONFIG = "--psm 3"
UNREAD_CONFIG = "--psm 11"  # sparse text: every blob of ink, whatever the page layout around it
UNREAD_INK = 0.0005  # share of the page's pixels left as ink after the first pass: read it again


@cache
def tesseract_languages() -> tuple[str, ...]:
    try:
        import pytesseract

        return tuple(pytesseract.get_languages(config=""))
    except Exception:  # noqa: BLE001 - tesseract missing or broken
        return ()


def _lang() -> str:
    have = tesseract_languages()
    wanted = [lang for lang in ("fra", "deu", "eng") if lang in have]
    return "+".join(wanted) or "eng"


def scan_dpi(page: Any) -> float | None:
    """The resolution of the image that covers most of the page (a scan), if there is one."""
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    best = None
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        if (right - left) * (top - bottom) < 0.5 * width * height:
            continue
        pixels = max(obj.get_px_size())
        best = max(best or 0.0, pixels * 72 / max(1.0, right - left, top - bottom))
    return best


def render_dpi(page: Any) -> float:
    """``DPI``, or the scan's own resolution when it is lower (no less than ``MIN_SCAN_DPI``):
    a 200 dpi scan rendered at 300 dpi gives tesseract no more to read, only more pixels."""
    scanned = scan_dpi(page)
    return DPI if scanned is None else max(MIN_SCAN_DPI, min(DPI, scanned))


def render_pages(job: ExtractionJob) -> Iterator[tuple[int, Any, float, float]]:
    """Yield (page number, PIL image, points-per-pixel, page height) for each page."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(job.data)
    except pdfium.PdfiumError as exc:
        raise CorruptPdfError(str(exc)) from exc
    try:
        for index in range(len(pdf)):
            job.check_time()
            page = pdf[index]
            width, height = page.get_size()
            scale = render_dpi(page) / 72
            if width * height * scale * scale > MAX_PIXELS:
                scale = (MAX_PIXELS / max(1.0, width * height)) ** 0.5
            image = page.render(scale=scale).to_pil().convert("L")
            page.close()
            yield index + 1, image, 1 / scale, height
    finally:
        pdf.close()


def _tesseract(image: Any, timeout: float, config: str = TESSERACT_CONFIG) -> dict[str, list[Any]]:
    """Tesseract's TSV output of one page (a process of its own), as columns."""
    import pytesseract

    data: dict[str, list[Any]] = pytesseract.image_to_data(
        image, lang=_lang(), config=config, output_type=pytesseract.Output.DICT, timeout=timeout
    )
    return data


def _ocr_page(image: Any, number: int, k: float, timeout: float) -> list[Word]:
    """One page through tesseract (tints and table rules erased first), as words in PDF points.

    Tesseract's page layout analysis skips regions it takes for pictures: a title box beside a
    logo, a framed totals box. What ink the first pass did not read (its words painted white)
    is read again as sparse text, when there is enough of it to hold words."""
    page = prepare_page(image, 72 / k)
    data = _tesseract(page, timeout)
    unread = unread_ink(page, data, UNREAD_INK)
    if unread is None:
        return page_words(data, number, k)
    return page_words(data, number, k) + page_words(_tesseract(unread, timeout, UNREAD_CONFIG), number, k)


def ocr_words(job: ExtractionJob) -> tuple[list[Word], dict[int, float]]:
    if not os.environ.get("OMP_THREAD_LIMIT"):  # unset or empty: one thread (read by tesseract)
        os.environ["OMP_THREAD_LIMIT"] = "1"
    heights: dict[int, float] = {}
    pending: list[Future[list[Word]]] = []
    done: list[list[Word]] = []
    budget = max(1.0, job.budget_s)
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="ocr") as pool:
        try:
            for number, image, k, height in render_pages(job):
                heights[number] = height
                pending.append(pool.submit(_ocr_page, image, number, k, budget))
                while len(pending) > WORKERS:  # render no further ahead than the OCR
                    done.append(pending.pop(0).result())
                    job.check_time()
            for future in pending:
                done.append(future.result())
        finally:
            for future in pending:
                future.cancel()
    job.check_time()
    return [w for page in done for w in page], heights


class OcrExtractor:
    name = "ocr"

    def is_available(self) -> bool:
        return shutil.which("tesseract") is not None and bool(tesseract_languages())

    def extract(self, job: ExtractionJob) -> ExtractionResult | None:
        if not self.is_available():
            raise OcrUnavailableError()
        words, heights = ocr_words(job)
        if not words:
            return None
        layout = build_layout(words, job.page_count, heights)
        return assemble(layout, source=self.name, org=job.org, scale=OCR_CONFIDENCE)
