"""XML e-invoices through the import path: embedded in a PDF (UBL too), uploaded alone as a
draft with its checks, shown on Review, validated; and the ``import`` command."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, NameObject

from billabex_core.cli import main
from billabex_core.extraction import extract
from billabex_core.models import Document
from billabex_core.services import drafts, imports, isolation
from billabex_core.services.draft_review import review_draft
from billabex_core.services.files import pdf_path

from .conftest import make_pdf
from .einvoice_samples import generate

SAMPLES = generate(8)


def _pdf_with(attachments: list[tuple[str, bytes]]) -> bytes:
    page = make_pdf(["Facture", "Numéro de facture : PAGE-1", "Total TTC 1 234,00 EUR"])
    writer = PdfWriter(clone_from=io.BytesIO(page))
    for name, data in attachments:
        writer.add_attachment(name, data)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("name", ["ubl.xml", "invoice.xml", "xrechnung.xml", "attachment.bin"])
def test_ubl_embedded_in_a_pdf_is_read_exactly(name: str) -> None:
    sample = replace(SAMPLES[0], syntax="ubl")
    result = extract(_pdf_with([(name, sample.xml())]))
    assert result.source == "facturx" and result.kind == "invoice"
    assert {k: f.value for k, f in result.fields.items()} == sample.truth()
    assert [c.rule for c in result.checks][:2] == ["XSD", "BR-CO-10"]
    assert all(c.ok is True for c in result.checks)


def test_ubl_attached_only_as_an_associated_file() -> None:
    """PDF/A-3: the XML in the catalog's /AF, not in the EmbeddedFiles name tree."""
    page = make_pdf(["Invoice", "Invoice number: PAGE-2", "Total 10.00 EUR"])
    writer = PdfWriter(clone_from=io.BytesIO(page))
    sample = replace(SAMPLES[2], syntax="ubl")
    writer.add_attachment("xrechnung.xml", sample.xml())
    catalog = writer._root_object
    spec = catalog["/Names"]["/EmbeddedFiles"]["/Names"][1]
    catalog[NameObject("/AF")] = ArrayObject([spec])
    del catalog["/Names"][NameObject("/EmbeddedFiles")]
    out = io.BytesIO()
    writer.write(out)
    result = extract(out.getvalue())
    assert result.source == "facturx" and result.value("number") == sample.number


def test_ubl_credit_note_embedded_next_to_other_xml() -> None:
    """A non-invoice XML attached first (metadata) does not hide the UBL credit note."""
    sample = replace(SAMPLES[3], syntax="ubl", kind="credit_note", credited="FA-1")
    pdf = _pdf_with([("metadata.xml", b"<meta><a>1</a></meta>"), ("creditnote.xml", sample.xml())])
    result = extract(pdf)
    assert result.source == "facturx" and result.kind == "credit_note"
    assert result.value("credited_invoice_number") == "FA-1"


def test_cii_embedded_still_works() -> None:
    sample = replace(SAMPLES[1], syntax="cii")
    result = extract(_pdf_with([("factur-x.xml", sample.xml())]))
    assert result.source == "facturx" and result.value("number") == sample.number


def test_upload_an_xml_keeps_a_draft_with_its_checks(session, today) -> None:
    sample = replace(SAMPLES[2], syntax="cii")
    out = imports.upload_pdf(session=session, data=sample.xml(), file_name="FA.xml", actor="alice")
    session.commit()
    draft = out.draft
    assert draft is not None and draft.extraction_source == "xml"
    assert draft.values["number"] == sample.number and draft.values["kind"] == "invoice"
    assert draft.extraction["checks"][0]["rule"] == "XSD"
    assert pdf_path(draft.sha256).read_bytes() == sample.xml()
    review = review_draft(session=session, draft_id=draft.id)
    shown = [c for c in review.checks if c.name.startswith(("XSD", "BR-CO"))]
    assert shown and all(c.ok and not c.warning for c in shown)
    assert any(c.message.startswith("BR-CO-16 — Amount due") for c in shown)
    again = imports.upload_pdf(session=session, data=sample.xml(), file_name="copy.xml", actor="alice")
    assert again.existing and again.draft.id == draft.id
    done = drafts.validate_draft(session=session, draft_id=draft.id, actor="alice", today=today)
    session.commit()
    assert isinstance(done.document, Document) and done.document.number == sample.number
    assert done.document.total_incl_tax == Decimal(sample.truth()["total_incl_tax"])


def test_a_failing_xml_is_importable_and_its_checks_say_why(session, today) -> None:
    sample = replace(SAMPLES[0], syntax="ubl", broken="lines", number="BROKEN-1")  # BT-106 off by 1.00
    out = imports.upload_pdf(session=session, data=sample.xml(), file_name="broken.xml", actor="alice")
    session.commit()
    review = review_draft(session=session, draft_id=out.draft.id)
    failing = [c for c in review.checks if c.name in ("BR-CO-10", "BR-CO-13")]
    assert len(failing) == 2 and all(c.warning and "≠" in c.message for c in failing)
    assert any("e-invoice checks failed: BR-CO-10, BR-CO-13" in w for w in review.warnings)
    skipped = [c for c in review.checks if c.skipped]
    assert all(c.ok for c in skipped)
    assert review.ready  # a warning never blocks validation
    drafts.validate_draft(session=session, draft_id=out.draft.id, actor="alice", today=today)


def test_cli_import_xml(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sample = replace(SAMPLES[4], syntax="ubl")
    path = tmp_path / "FA.xml"
    path.write_bytes(sample.xml())
    assert main(["--db", db_url, "import", str(path), "--json", "--validate"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "validated" and out["number"] == sample.number
    assert main(["--db", db_url, "import", str(path)]) == 1  # the same file again: a duplicate
    assert "duplicate" in capsys.readouterr().err


def test_small_xml_is_read_in_process_large_xml_and_pdfs_in_a_child(monkeypatch: pytest.MonkeyPatch) -> None:
    """No child process (its start-up re-imports the main module) for an XML e-invoice up to
    XML_IN_PROCESS; a PDF, or a larger XML, still goes to one."""
    monkeypatch.setenv("BILLABEX_ISOLATE_EXTRACTION", "1")
    calls: list[str] = []

    def child(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(fn.__name__)
        return isolation.Isolated(fn(*args), 0)

    monkeypatch.setattr(isolation, "run_isolated", child)
    xml = SAMPLES[0].xml()
    assert isolation.extract_isolated(isolation.sniff_isolated(xml)).source == "xml"
    assert calls == []
    pdf = _pdf_with([("ubl.xml", xml)])
    assert isolation.extract_isolated(isolation.sniff_isolated(pdf)).source == "facturx"
    assert calls == ["_pages", "_extract"]
    monkeypatch.setattr(isolation, "XML_IN_PROCESS", len(xml) - 1)
    assert isolation.extract_isolated(isolation.sniff_isolated(xml)).source == "xml"
    assert calls == ["_pages", "_extract", "_pages", "_extract"]
