"""Fixtures for the extraction tests: golden PDFs, the shared corpus, PDF builders."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "fixtures" / "extraction"
CORPUS = REPO.parent / "shared" / "corpus"


def make_pdf(lines: list[str], pages: int = 1) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="pt")
    for _ in range(pages):
        pdf.add_page()
        pdf.set_font("Helvetica", size=10)
        for i, line in enumerate(lines):
            pdf.text(40, 50 + 14 * i, line)
    return bytes(pdf.output())


@pytest.fixture
def sample_invoice_pdf() -> bytes:
    return (FIXTURES / "fr_invoice.pdf").read_bytes()


@pytest.fixture
def simple_pdf_bytes() -> bytes:
    return make_pdf(["Invoice", "Invoice number: A-1", "Invoice date: 2026-01-05", "Total 12.00 EUR"])


@pytest.fixture
def encrypted_pdf_bytes() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(make_pdf(["Invoice 1", "Total 1.00"]))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("shared corpus not available")
    return CORPUS
