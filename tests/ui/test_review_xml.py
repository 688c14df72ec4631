"""Review of a standalone XML e-invoice: no page to render but the XML itself, and the named
e-invoice checks (XSD, EN 16931) in the checks area — a failing one as a warning."""

from __future__ import annotations

from dataclasses import replace

from streamlit.testing.v1 import AppTest

from billabex_core.services import imports
from tests.core.extraction.einvoice_samples import generate


def _texts(at: AppTest) -> str:
    items = [*at.markdown, *at.success, *at.info, *at.warning, *at.error, *at.caption]
    return "\n".join(str(x.value) for x in items)


def test_review_shows_the_xml_and_its_checks(app, db) -> None:
    sample = replace(generate(1)[0], syntax="ubl", broken="lines", number="XML-1")
    imports.upload_pdf(session=db, data=sample.xml(), file_name="XML-1.xml", actor="alice")
    db.commit()
    at = app("pages/review.py")
    assert not at.exception, at.exception
    text = _texts(at)
    assert "XML e-invoice: every field was read exactly from the XML" in text
    assert "cannot render the PDF" not in text
    assert "✅ XSD — XML schema: UBL 2.1 Invoice: valid" in text
    assert "⚠️ BR-CO-10 — Sum of the line net amounts: BT-106" in text and "≠" in text
    assert "✅ BR-CO-16 — Amount due = total with VAT − paid + rounding" in text
    assert any(c.language == "xml" and "XML-1" in c.value for c in at.code)
