"""Bad input never crashes nor hangs: each case raises an ExtractionError subclass."""

from __future__ import annotations

import contextlib
import random
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billabex_core.config import reset_settings
from billabex_core.errors import ExtractionError
from billabex_core.extraction import extract, registry, sniff_pdf
from billabex_core.extraction.base import ExtractionJob, SniffedPdf
from billabex_core.extraction.errors import (
    CorruptPdfError,
    EmptyFileError,
    EncryptedPdfError,
    ExtractionTimeoutError,
    FileTooLargeError,
    NotAPdfError,
    OcrUnavailableError,
    TooManyPagesError,
)

from .conftest import make_pdf


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", EmptyFileError),
        (b"   \n", EmptyFileError),
        (b"hello world, not a pdf", NotAPdfError),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, NotAPdfError),
        (b"%PDF-1.7\n1 0 obj <<>> endobj\n", CorruptPdfError),
        (b"%PDF-1.4\ngarbage garbage\n%%EOF\n", CorruptPdfError),
    ],
)
def test_rejected_bytes(data: bytes, error: type[ExtractionError]) -> None:
    with pytest.raises(error) as info:
        sniff_pdf(data)
    assert "\n" not in str(info.value)
    with pytest.raises(error):
        extract(data)


def test_truncated(simple_pdf_bytes: bytes) -> None:
    with pytest.raises(CorruptPdfError):
        extract(simple_pdf_bytes[: len(simple_pdf_bytes) // 2])


def test_encrypted(encrypted_pdf_bytes: bytes) -> None:
    with pytest.raises(EncryptedPdfError):
        sniff_pdf(encrypted_pdf_bytes)


def test_a_pdf_protected_only_against_editing_is_read(simple_pdf_bytes: bytes) -> None:
    """An owner password alone (no password to open, as invoicing tools often set to prevent
    editing) is not a refusal: every viewer opens the file, and so does the import."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(simple_pdf_bytes)))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    assert sniff_pdf(out.getvalue()).page_count == 1
    assert extract(out.getvalue()).to_contract()["fields"]["number"]["value"] == "A-1"


def test_limits(monkeypatch: pytest.MonkeyPatch, simple_pdf_bytes: bytes) -> None:
    monkeypatch.setenv("BILLABEX_MAX_PAGES", "2")
    monkeypatch.setenv("BILLABEX_MAX_UPLOAD_MB", "1")
    reset_settings()
    try:
        with pytest.raises(TooManyPagesError):
            sniff_pdf(make_pdf(["x"], pages=3))
        with pytest.raises(FileTooLargeError):
            sniff_pdf(simple_pdf_bytes + b"%" * (1024 * 1024))
    finally:
        reset_settings()


def test_too_large_message_never_reads_as_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BILLABEX_MAX_UPLOAD_MB", "1")
    reset_settings()
    try:
        with pytest.raises(FileTooLargeError, match=r"^file too large: 1\.1 MB \(limit 1 MB\)$"):
            sniff_pdf(b"%PDF-1.7\n" + b"0" * (1024 * 1024))
    finally:
        reset_settings()


def test_a_sniffed_pdf_is_not_checked_again(monkeypatch: pytest.MonkeyPatch, simple_pdf_bytes: bytes) -> None:
    import billabex_core.extraction as extraction

    pdf = sniff_pdf(simple_pdf_bytes)
    assert isinstance(pdf, SniffedPdf) and pdf.page_count == 1 and pdf.data == simple_pdf_bytes

    def refuse(data: bytes) -> SniffedPdf:
        raise AssertionError("sniffed twice")

    monkeypatch.setattr(extraction, "sniff_pdf", refuse)
    assert extract(pdf).kind == "invoice"


def test_time_budget_is_enforced() -> None:
    job = ExtractionJob(SniffedPdf(b"", 1), budget_s=0.0, started=time.monotonic() - 1)
    with pytest.raises(ExtractionTimeoutError):
        job.check_time()


def test_deep_nesting_is_rejected_quickly() -> None:
    body = b"[" * 200_000 + b"]" * 200_000
    data = b"%PDF-1.4\n1 0 obj\n" + body + b"\nendobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
    start = time.monotonic()
    with pytest.raises(ExtractionError):
        extract(data)
    assert time.monotonic() - start < 30


def test_scanned_without_tesseract(monkeypatch: pytest.MonkeyPatch) -> None:
    from billabex_core.extraction import ocr

    monkeypatch.setattr(ocr.shutil, "which", lambda name: None)
    assert not registry["ocr"].is_available()
    blank = make_pdf([])
    with pytest.raises(OcrUnavailableError, match="OCR is not installed"):
        extract(blank)


def _mutations(seed: int, data: bytes, count: int) -> list[bytes]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        buf = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            i = rng.randrange(len(buf))
            buf[i] = rng.randrange(256)
        if rng.random() < 0.3:
            cut = rng.randrange(len(buf))
            buf = buf[:cut] + buf[cut + rng.randint(1, 200) :]
        out.append(bytes(buf))
    return out


def test_mutated_pdfs_never_crash(sample_invoice_pdf: bytes) -> None:
    for data in _mutations(1234, sample_invoice_pdf, 60):
        try:
            extract(data, mode="text")
        except ExtractionError as exc:
            assert "\n" not in str(exc)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash(blob: bytes) -> None:
    for data in (blob, b"%PDF-1.4\n" + blob + b"\n%%EOF\n"):
        with contextlib.suppress(ExtractionError):
            extract(data, mode="text")
