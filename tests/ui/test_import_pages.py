"""Upload and Review pages: upload → review → correct → validate → add the contact; duplicates,
discard and bad files."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from billabex_core.config import MEGABYTE, Settings, reset_settings
from billabex_core.models import (
    Account,
    AuditEvent,
    Contact,
    Document,
    DraftStatus,
    ImportDraft,
    Task,
    TaskStatus,
)
from tests.ui.conftest import shown

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "extraction"
FR = (FIXTURES / "fr_invoice.pdf").read_bytes()


def _texts(at: AppTest) -> str:
    items = [*at.markdown, *at.success, *at.info, *at.warning, *at.error, *at.caption]
    return "\n".join(str(x.value) for x in items)


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="upload_file").upload(name, data, "application/pdf")
    return at.run()


def _field(at: AppTest, name: str):
    return next(t for t in at.text_input if t.key and t.key.endswith(f"_{name}"))


def test_upload_review_validate_and_add_contact(app, db) -> None:
    at = _upload(app("pages/upload.py"), "facture.pdf", FR)
    assert not at.exception, at.exception
    assert "Draft #1 created from the text layer" in _texts(at)
    next(b for b in at.button if b.label == "Review it now").click()
    at.run()
    assert at.title[0].value == "Review"
    assert _field(at, "number").value == "F-2026-0042"
    assert ":material/check_circle: Number, dates, currency and totals are consistent" in _texts(at)
    _field(at, "number").input("F-2026-0042-B")
    next(b for b in at.button if b.label == "Validate").click()
    at.run()
    assert not at.exception, at.exception
    text = _texts(at)
    assert "F-2026-0042-B** validated" in text and "Boulangerie Martin SARL** created" in text
    assert "€1,000.00" in text and "A task asks for a contact." in text
    at.text_input(key="vc_email").input("comptabilite@martin.example")
    at.selectbox(key="vc_language").select("fr")
    next(b for b in at.button if b.label == "Add the contact").click()
    at.run()
    assert "Contact comptabilite (comptabilite@martin.example) added" in shown(_texts(at))
    db.expire_all()
    doc = db.exec(select(Document)).one()
    assert doc.number == "F-2026-0042-B"
    contact = db.exec(select(Contact)).one()
    assert contact.name == "comptabilite" and contact.language == "fr"
    assert db.exec(select(Task)).one().status == TaskStatus.CLOSED
    assert db.exec(select(ImportDraft)).one().status == DraftStatus.VALIDATED


def test_same_bytes_lead_to_the_existing_draft(app, db) -> None:
    at = _upload(app("pages/upload.py"), "a.pdf", FR)
    at2 = _upload(app("pages/upload.py"), "b.pdf", FR)
    assert "already waiting for review (draft #1)" in _texts(at2)
    assert len(db.exec(select(ImportDraft)).all()) == 1
    assert not at.exception


def test_duplicate_refused_with_link(app, db) -> None:
    at = _upload(app("pages/upload.py"), "a.pdf", FR)
    at = app("pages/review.py")
    next(b for b in at.button if b.label == "Validate").click()
    at.run()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(FR)))
    writer.add_metadata({"/Title": "resent"})
    copy = io.BytesIO()
    writer.write(copy)
    _upload(app("pages/upload.py"), "copy.pdf", copy.getvalue())
    at = app("pages/review.py")
    assert (
        ":material/cancel: duplicate: invoice F-2026-0042 already exists for this account (document #1)"
        in shown(_texts(at))
    )
    assert any(b.label == "Open the existing document #1" for b in at.button)
    next(b for b in at.button if b.label == "Validate").click()
    at.run()
    assert any("duplicate" in w.value for w in at.warning)
    db.expire_all()
    assert len(db.exec(select(Document)).all()) == 1


def test_correction_is_checked_before_validation(app, db) -> None:
    _upload(app("pages/upload.py"), "a.pdf", FR)
    at = app("pages/review.py")
    _field(at, "tax_amount").input("1.00")
    next(b for b in at.button if b.label == "Save corrections").click()
    at.run()
    assert ":material/cancel: total excl. tax €1,234.56 + tax €1.00" in _texts(
        at
    )  # amounts in the user's format
    next(b for b in at.button if b.label == "Validate").click()
    at.run()
    assert any("not the total incl. tax" in w.value for w in at.warning)
    assert db.exec(select(Account)).all() == []


def test_discard(app, db) -> None:
    _upload(app("pages/upload.py"), "a.pdf", FR)
    at = app("pages/review.py")
    at.text_input(key="discard_reason_1").input("sent to us by mistake")
    at.button(key="discard_1").click()
    at.run()
    assert "No draft is waiting for review." in _texts(at)
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "draft.discarded")).one()
    assert event.details["reason"] == "sent to us by mistake"


def test_bad_file_message(app, db) -> None:
    at = _upload(app("pages/upload.py"), "notes.pdf", b"just some text")
    assert any("notes.pdf: not a PDF file. Nothing was stored." in e.value for e in at.error)
    assert db.exec(select(ImportDraft)).all() == []
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "upload.rejected")).one()


def test_too_large_file_message(app, db, monkeypatch) -> None:
    monkeypatch.setenv("BILLABEX_MAX_UPLOAD_MB", "1")
    reset_settings()
    at = _upload(app("pages/upload.py"), "big.pdf", FR + b"%" * (1024 * 1024))
    assert any(
        shown(e.value) == "big.pdf: file too large: 1.1 MB (limit 1 MB). Nothing was stored."
        for e in at.error
    ), [e.value for e in at.error]
    assert "up to 1 MB" in _texts(at)
    assert db.exec(select(ImportDraft)).all() == []


def test_streamlit_upload_cap_is_the_core_limit() -> None:
    """Streamlit refuses bigger files before the app sees them, in megabytes of 1024 × 1024 bytes
    like ``config.MEGABYTE``: its cap and the core's default limit are one number."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == Settings.model_fields["max_upload_mb"].default
    assert MEGABYTE == 1024 * 1024


def test_review_empty_state(app) -> None:
    at = app("pages/review.py")
    assert "No draft is waiting for review." in _texts(at)


def _second_invoice() -> bytes:
    """Another invoice (other bytes, other number), with a 'paid' stamp, on two pages."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="pt")
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    for x, y, text in [
        (40, 50, "Atelier Lumen SARL"),
        (40, 64, "12 rue des Lilas"),
        (40, 78, "75011 Paris"),
        (400, 50, "FACTURE"),
        (320, 130, "Facturé à :"),
        (320, 144, "Nordwind SAS"),
        (320, 158, "8 avenue Voltaire"),
        (320, 172, "69001 Lyon"),
        (40, 250, "Facture n° F-2026-0099"),
        (40, 264, "Date : 15/02/2026"),
        (40, 278, "Échéance : 14/03/2026"),
    ]:
        pdf.text(x, y, text)
    pdf.add_page()
    for x, y, text in [
        (340, 100, "Total HT"),
        (480, 100, "100,00 EUR"),
        (340, 114, "TVA 20 %"),
        (480, 114, "20,00 EUR"),
        (340, 128, "Total TTC"),
        (480, 128, "120,00 EUR"),
        (60, 200, "PAYÉE"),
    ]:
        pdf.text(x, y, text)
    return bytes(pdf.output())


def test_review_opens_the_draft_just_uploaded(app, db) -> None:
    _upload(app("pages/upload.py"), "first.pdf", FR)
    at = _upload(app("pages/upload.py"), "second.pdf", _second_invoice())
    at.switch_page("pages/review.py").run()
    assert not at.exception, at.exception
    assert _field(at, "number").value == "F-2026-0099"  # not the first of the queue


def test_checks_follow_the_fields_as_they_are_typed(app, db) -> None:
    _upload(app("pages/upload.py"), "a.pdf", FR)
    at = app("pages/review.py")
    _field(at, "tax_amount").input("1.00")
    at.run()  # no Save
    assert ":material/cancel: total excl. tax €1,234.56 + tax €1.00" in _texts(
        at
    )  # amounts in the user's format
    db.expire_all()
    assert db.exec(select(ImportDraft)).one().values["tax_amount"] == "246.91"  # nothing saved
    _field(at, "tax_amount").input("246.91")
    at.run()
    assert ":material/check_circle: Number, dates, currency and totals are consistent" in _texts(at)


def test_pages_zoom_paid_stamp_and_payment_at_validation(app, db) -> None:
    at = _upload(app("pages/upload.py"), "paid.pdf", _second_invoice())
    at.switch_page("pages/review.py").run()
    page = at.selectbox(key=next(s.key for s in at.selectbox if s.key and s.key.startswith("page_")))
    assert page.options[0].startswith("Page 1 of 2") and "fields" in page.options[0]
    page.select_index(1)
    at.run()
    assert at.selectbox(key=page.key).value == 2 and not at.exception
    next(b for b in at.button if b.label == ":material/zoom_in: Zoom").click()
    at.run()
    assert not at.exception, at.exception
    paid = next(c for c in at.checkbox if c.key and c.key.startswith("paid_"))
    assert paid.value and "PAYÉE" in paid.label
    next(b for b in at.button if b.label == "Validate").click()
    at.run()
    assert not at.exception, at.exception
    db.expire_all()
    doc = db.exec(select(Document)).one()
    assert doc.number == "F-2026-0099" and str(doc.remaining_amount) == "0.00"


def test_a_supplier_invoice_warns_before_validation(app, db) -> None:
    from billabex_core.services.org import get_organisation

    org = get_organisation(session=db)
    org.name, org.vat = "Boulangerie Martin SARL", "FR40303265045"
    db.commit()
    at = _upload(app("pages/upload.py"), "supplier.pdf", _second_invoice())
    at.switch_page("pages/review.py").run()
    assert any("supplier's invoice" in w.value for w in at.warning), [w.value for w in at.warning]
