"""Golden tests: generated PDFs (tests/fixtures/extraction) and their expected fields."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from billabex_core.extraction import FIELD_NAMES, OrgIdentity, extract, registry
from billabex_core.extraction.base import ExtractionJob, SniffedPdf
from billabex_core.extraction.text import TextExtractor, read_words

from .conftest import FIXTURES

TEXT_CASES = sorted(p.stem for p in FIXTURES.glob("*.pdf") if not p.stem.startswith("scanned"))


def _check(pdf: Path, mode: str = "auto") -> dict:
    expected = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))
    result = extract(pdf.read_bytes(), mode=mode)  # type: ignore[arg-type]
    got = {k: (result.kind if k == "kind" else result.value(k)) for k in expected}
    assert got == expected
    return result.to_contract()


@pytest.mark.parametrize("case", TEXT_CASES)
def test_golden_text(case: str) -> None:
    contract = _check(FIXTURES / f"{case}.pdf")
    assert contract["source"] == "text"
    assert set(contract["fields"]) == set(FIELD_NAMES)
    number = contract["fields"]["number"]
    assert number["page"] == 1 and len(number["bbox"]) == 4 and 0 < number["confidence"] <= 1


def test_payment_terms_inference_is_warned() -> None:
    result = extract((FIXTURES / "de_invoice.pdf").read_bytes())
    assert any("payment terms" in w for w in result.warnings)


def test_org_identity_marks_the_seller() -> None:
    org = OrgIdentity(name="Atelier Dupont SAS", vat="FR40303265045", siren="303265045")
    result = extract((FIXTURES / "fr_invoice.pdf").read_bytes(), org=org)
    assert result.value("seller_name") == "ATELIER DUPONT SAS"
    assert result.value("seller_vat") == "FR40303265045"


@pytest.mark.slow
def test_golden_scanned_page_goes_through_ocr() -> None:
    if not registry["ocr"].is_available():
        pytest.skip("tesseract not installed")
    contract = _check(FIXTURES / "scanned_fr_invoice.pdf")
    assert contract["source"] == "ocr"


@pytest.mark.parametrize("case", ["fr_invoice", "de_letter_window", "nl_table_header"])
def test_pdfplumber_reader_gives_the_same_fields(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry, "text", TextExtractor(reader="pdfplumber"))
    _check(FIXTURES / f"{case}.pdf")


def test_pdfium_words_are_in_page_coordinates() -> None:
    """Both readers place words alike (top-left origin, the page box inherited from /Pages)."""
    data = (FIXTURES / "de_letter_window.pdf").read_bytes()
    job = ExtractionJob(SniffedPdf(data, 1))
    fast, _ = read_words(job, "pdfium")
    slow, _ = read_words(job, "pdfplumber")
    once = {w.text for w in slow if sum(x.text == w.text for x in slow) == 1}
    by_text = {w.text: w for w in slow if w.text in once}
    pairs = [(w, by_text[w.text]) for w in fast if w.text in by_text]
    assert len(pairs) > 20
    for a, b in pairs:
        assert abs(a.x0 - b.x0) < 2 and abs((a.top + a.bottom) / 2 - (b.top + b.bottom) / 2) < 3
