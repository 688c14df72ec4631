"""The OCR path: tesseract limited to one OpenMP thread, pages OCRed two at a time, in order."""

from __future__ import annotations

import os
import threading
import time

import pytest

from billabex_core.extraction import ocr
from billabex_core.extraction.base import ExtractionJob, SniffedPdf
from billabex_core.extraction.layout import Word

from .conftest import make_pdf


def test_pages_are_ocred_by_two_workers_in_page_order(monkeypatch: pytest.MonkeyPatch) -> None:
    running, peak, seen = 0, 0, []
    lock = threading.Lock()

    def fake_page(image, number: int, k: float, timeout: float) -> list[Word]:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
            seen.append(os.environ.get("OMP_THREAD_LIMIT"))
        time.sleep(0.05)
        with lock:
            running -= 1
        return [Word(f"page{number}", 10, 10, 40, 20, number)]

    monkeypatch.setenv("OMP_THREAD_LIMIT", "")  # empty counts as unset
    monkeypatch.setattr(ocr, "_ocr_page", fake_page)
    monkeypatch.setattr(ocr, "DPI", 20)  # small renders: the test is about scheduling
    job = ExtractionJob(SniffedPdf(make_pdf(["Invoice"], pages=5), 5))
    words, heights = ocr.ocr_words(job)
    assert [w.text for w in words] == [f"page{n}" for n in range(1, 6)]
    assert sorted(heights) == [1, 2, 3, 4, 5]
    assert peak == ocr.WORKERS == 2
    assert set(seen) == {"1"}
