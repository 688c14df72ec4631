"""Manual import: upload → draft → review → validate / discard, and every bad file."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from sqlmodel import select

from billabex_core.config import reset_settings
from billabex_core.errors import ConflictError, DuplicateDocumentError, ExtractionError, ValidationError
from billabex_core.models import (
    Account,
    AuditEvent,
    Document,
    DocumentKind,
    DraftStatus,
    ImportDraft,
    Payment,
    Task,
    TaskKind,
)
from billabex_core.services import draft_review, drafts, imports
from billabex_core.services.accounts import create_account
from billabex_core.services.files import pdf_path
from billabex_core.services.org import get_organisation
from billabex_core.services.preview import Box, field_boxes, page_count, render_page

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "extraction"


@pytest.fixture
def fr_pdf() -> bytes:
    return (FIXTURES / "fr_invoice.pdf").read_bytes()


def _upload(session, data: bytes, name: str = "f.pdf") -> imports.UploadOutcome:
    out = imports.upload_pdf(session=session, data=data, file_name=name, actor="alice")
    session.commit()
    return out


def test_upload_creates_a_draft_and_stores_the_file(session, fr_pdf) -> None:
    out = _upload(session, fr_pdf, "facture.pdf")
    assert out.draft is not None and out.document is None and not out.existing
    draft = out.draft
    assert draft.status == DraftStatus.PENDING and draft.kind == DocumentKind.INVOICE
    assert draft.values["number"] == "F-2026-0042" and draft.values["total_incl_tax"] == "1481.47"
    assert pdf_path(draft.sha256).read_bytes() == fr_pdf
    # same bytes again: the same draft, nothing new
    again = _upload(session, fr_pdf, "copy.pdf")
    assert again.existing and again.draft.id == draft.id
    assert len(session.exec(select(ImportDraft)).all()) == 1


def test_review_then_validate_creates_account_document_prepayment_and_task(session, fr_pdf, today) -> None:
    draft = _upload(session, fr_pdf).draft
    review = draft_review.review_draft(session=session, draft_id=draft.id)
    assert review.ready, [c.message for c in review.checks if not c.ok]
    assert review.account_match is None
    number = next(f for f in review.fields if f.name == "number")
    assert number.page == 1 and number.bbox and number.confidence > 0
    drafts.save_draft(
        session=session,
        draft_id=draft.id,
        values={"number": "F-2026-0042-A"},
        actor="alice",
        version=draft.version,
    )
    session.commit()
    out = drafts.validate_draft(
        session=session, draft_id=draft.id, actor="alice", today=today, version=draft.version
    )
    session.commit()
    assert out.account_created and out.account.name == "Boulangerie Martin SARL"
    assert out.account.address == "3 place du Marché, 69002 Lyon" and out.account.country == "FR"
    doc = out.document
    assert doc.number == "F-2026-0042-A" and doc.total_incl_tax == Decimal("1481.47")
    assert doc.file_sha256 == draft.sha256 and doc.validated_by == "alice"
    prepaid = session.exec(select(Payment)).one()
    assert prepaid.amount == Decimal("481.47")
    assert out.account.outstanding_balance == Decimal("1000.00")
    assert out.task is not None and out.task.kind == TaskKind.MISSING_CONTACT
    assert draft.status == DraftStatus.VALIDATED and draft.document_id == doc.id
    # the same bytes now lead to the document
    assert _upload(session, fr_pdf).document.id == doc.id
    actions = [e.action for e in session.exec(select(AuditEvent))]
    for action in ("draft.created", "draft.edited", "document.validated", "draft.validated", "task.opened"):
        assert action in actions


def test_validation_matches_existing_account_and_refuses_duplicates(session, fr_pdf, today) -> None:
    existing = create_account(session=session, name="BOULANGERIE MARTIN", actor="t")
    session.commit()
    draft = _upload(session, fr_pdf).draft
    review = draft_review.review_draft(session=session, draft_id=draft.id)
    assert review.account_match.account.id == existing.id and review.account_match.method == "name"
    out = drafts.validate_draft(session=session, draft_id=draft.id, actor="a", today=today)
    session.commit()
    assert not out.account_created and out.account.id == existing.id
    # another PDF (other bytes) with the same number for the same account is a duplicate
    other = imports.upload_pdf(session=session, data=_tweaked(fr_pdf), file_name="x.pdf", actor="a").draft
    session.commit()
    review = draft_review.review_draft(session=session, draft_id=other.id)
    assert review.duplicate is not None and review.duplicate.id == out.document.id and not review.ready
    with pytest.raises(DuplicateDocumentError, match=f"#{out.document.id}"):
        drafts.validate_draft(session=session, draft_id=other.id, actor="a", today=today)
    session.rollback()
    assert len(session.exec(select(Document)).all()) == 1
    assert session.get(ImportDraft, other.id).status == DraftStatus.PENDING


def test_review_and_validation_match_the_same_account(session, fr_pdf, today) -> None:
    """One rule for the exact match: a VAT number typed with spaces finds its account on Review
    as it does on validation (Review used to compare it as typed)."""
    existing = create_account(session=session, name="Other name SA", vat="FR40303265045", actor="t")
    session.commit()
    draft = _upload(session, fr_pdf).draft
    drafts.save_draft(
        session=session, draft_id=draft.id, actor="a", values={"buyer_vat": "fr 40 303 265 045"}
    )
    review = draft_review.review_draft(session=session, draft_id=draft.id)
    assert review.account_match is not None and review.account_match.method == "vat"
    assert review.account_match.account.id == existing.id
    out = drafts.validate_draft(session=session, draft_id=draft.id, actor="a", today=today)
    assert out.account.id == existing.id and not out.account_created


def test_review_boxes_come_from_the_fields_read_on_the_page(session, fr_pdf) -> None:
    draft = _upload(session, fr_pdf).draft
    review = draft_review.review_draft(session=session, draft_id=draft.id)
    boxes = {box.label: box for box in field_boxes(review.fields)}
    assert boxes["Number"].page == 1 and len(boxes["Number"].bbox) == 4
    assert "Amount due" in boxes and "Credited invoice number" not in boxes


def _tweaked(data: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.add_metadata({"/Title": "another copy"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_checks_block_bad_values(session, fr_pdf, today) -> None:
    draft = _upload(session, fr_pdf).draft
    drafts.save_draft(
        session=session,
        draft_id=draft.id,
        actor="a",
        values={"tax_amount": "246.90", "buyer_country": "Frankreich", "buyer_vat": "FR41303265045"},
    )
    review = draft_review.review_draft(session=session, draft_id=draft.id)
    failed = {c.name: c for c in review.checks if not c.ok}
    assert set(failed) == {"document", "account"}
    assert failed["document"].field == "total_incl_tax" and failed["account"].field == "buyer_country"
    # a VAT number whose checksum fails warns and blocks nothing (domain.md §2)
    assert [(c.name, c.field) for c in review.checks if c.warning] == [("identifier", "buyer_vat")]
    with pytest.raises(ValidationError):
        drafts.validate_draft(session=session, draft_id=draft.id, actor="a", today=today)
    with pytest.raises(ValidationError, match="unknown fields"):
        drafts.save_draft(session=session, draft_id=draft.id, actor="a", values={"evil": "1"})


def test_missing_due_date_uses_default_terms(session, fr_pdf, today) -> None:
    draft = _upload(session, fr_pdf).draft
    drafts.save_draft(session=session, draft_id=draft.id, actor="a", values={"due_date": ""})
    review = draft_review.review_draft(session=session, draft_id=draft.id)
    assert str(review.due_date_default) == "2026-04-14"  # 2026-03-15 + 30 days
    assert any("No due date" in w for w in review.warnings)


def test_a_credit_note_without_a_due_date_is_not_warned_about_it(session, fr_pdf, today) -> None:
    draft = _upload(session, fr_pdf).draft
    drafts.save_draft(
        session=session, draft_id=draft.id, actor="a", values={"kind": "credit_note", "due_date": ""}
    )
    review = draft_review.review_draft(session=session, draft_id=draft.id)
    assert str(review.due_date_default) == "2026-04-14"  # still stored: the same default as an invoice
    assert not any("No due date" in w for w in review.warnings)


def test_concurrent_edits_are_refused(session, fr_pdf) -> None:
    draft = _upload(session, fr_pdf).draft
    seen = draft.version
    drafts.save_draft(session=session, draft_id=draft.id, actor="bob", values={"number": "X"}, version=seen)
    session.commit()
    with pytest.raises(ConflictError, match="changed by someone else"):
        drafts.save_draft(
            session=session, draft_id=draft.id, actor="alice", values={"number": "Y"}, version=seen
        )


def test_discard_keeps_an_audit_line_and_allows_reupload(session, fr_pdf) -> None:
    draft = _upload(session, fr_pdf).draft
    drafts.discard_draft(session=session, draft_id=draft.id, actor="a", reason="not ours")
    session.commit()
    assert drafts.list_drafts(session=session) == []
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "draft.discarded")).one()
    again = _upload(session, fr_pdf)
    assert again.draft.id == draft.id and again.draft.status == DraftStatus.PENDING and not again.existing
    with pytest.raises(ConflictError):
        drafts.discard_draft(session=session, draft_id=draft.id, actor="a", version=draft.version - 1)


def _encrypted(data: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda pdf: b"PK\x03\x04 this is a zip", "not a PDF"),
        (lambda pdf: b"", "empty"),
        (_encrypted, "encrypted"),
        (lambda pdf: pdf[: len(pdf) // 3], ""),
        (lambda pdf: b"%PDF-1.7\n" + b"\x00garbage" * 100, ""),
    ],
    ids=["not-pdf", "empty", "encrypted", "truncated", "corrupt"],
)
def test_bad_files_leave_only_an_audit_line(session, fr_pdf, make, message) -> None:
    with pytest.raises(ExtractionError) as refused:
        _upload(session, make(fr_pdf), "bad.pdf")
    session.rollback()  # what a caller does on the error: the audit line was committed before
    assert message.lower() in str(refused.value).lower()
    assert "\n" not in str(refused.value)
    assert session.exec(select(ImportDraft)).all() == []
    rejected = session.exec(select(AuditEvent).where(AuditEvent.action == "upload.rejected")).one()
    assert rejected.details["file"] == "bad.pdf" and rejected.details["reason"] == str(refused.value)


def test_too_large_is_refused_before_reading(session, monkeypatch) -> None:
    monkeypatch.setenv("BILLABEX_MAX_UPLOAD_MB", "1")
    reset_settings()
    with pytest.raises(ExtractionError, match=r"^file too large: 1\.1 MB \(limit 1 MB\)$"):
        _upload(session, b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 1))


def test_scanned_pdf_without_ocr(session, monkeypatch) -> None:
    from billabex_core.extraction import registry

    monkeypatch.setenv("BILLABEX_ISOLATE_EXTRACTION", "0")  # the patch below lives in this process
    monkeypatch.setattr(registry["ocr"], "is_available", lambda: False)
    with pytest.raises(ExtractionError, match="OCR"):
        _upload(session, (FIXTURES / "scanned_fr_invoice.pdf").read_bytes())
    session.rollback()
    assert session.exec(select(ImportDraft)).all() == []
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "upload.rejected")).one()


def test_an_upload_is_parsed_and_hashed_once(session, fr_pdf, monkeypatch) -> None:
    from billabex_core.extraction import sniff

    calls = {"pages": 0, "hash": 0}
    count_pages, sha256_of = sniff._count_pages, imports.sha256_of

    def counted_pages(data: bytes) -> int:
        calls["pages"] += 1
        return count_pages(data)

    def counted_hash(data: bytes) -> str:
        calls["hash"] += 1
        return sha256_of(data)

    monkeypatch.setenv("BILLABEX_ISOLATE_EXTRACTION", "0")  # counted in this process
    monkeypatch.setattr(sniff, "_count_pages", counted_pages)
    monkeypatch.setattr(imports, "sha256_of", counted_hash)
    monkeypatch.setattr("billabex_core.services.files.sha256_of", counted_hash)
    _upload(session, fr_pdf)
    assert calls == {"pages": 1, "hash": 1}


def test_credit_note_proposes_and_credits_the_invoice(session, add_document, today) -> None:
    contoso = create_account(session=session, name="Contoso GmbH", actor="t", currency="GBP", country="DE")
    session.commit()
    invoice = add_document(contoso, "INV-0999", "2000.00", currency="GBP").document
    draft = _upload(session, (FIXTURES / "en_credit_note.pdf").read_bytes()).draft
    assert draft.kind == DocumentKind.CREDIT_NOTE
    review = draft_review.review_draft(session=session, draft_id=draft.id)
    assert review.credited_invoice is not None and review.credited_invoice.id == invoice.id
    out = drafts.validate_draft(session=session, draft_id=draft.id, actor="a", today=today)
    session.commit()
    assert out.account.id == contoso.id and out.credit_applied == Decimal("1440.00")
    session.refresh(invoice)
    assert invoice.remaining_amount == Decimal("560.00")


def test_preview_renders_with_boxes(session, fr_pdf) -> None:
    draft = _upload(session, fr_pdf).draft
    assert page_count(draft.sha256) == 1
    plain = render_page(draft.sha256, 1, [], scale=1.0)
    boxed = render_page(draft.sha256, 1, [Box("number", 1, (50, 50, 150, 70), False)], scale=1.0)
    assert plain.startswith(b"\x89PNG") and boxed != plain
    with pytest.raises(Exception, match="page 2 does not exist"):
        render_page(draft.sha256, 2, [])


def test_task_and_account_counts(session, fr_pdf, today) -> None:
    draft = _upload(session, fr_pdf).draft
    drafts.validate_draft(
        session=session, draft_id=draft.id, actor="a", today=today, account_id=drafts.NEW_ACCOUNT
    )
    session.commit()
    assert len(session.exec(select(Account)).all()) == 1
    assert len(session.exec(select(Task)).all()) == 1


def _letter_pdf(buyer_lines: list[str], stamp: str | None = None) -> bytes:
    """A French invoice drawn with fpdf2: a seller letterhead, the buyer's block with the given
    lines, the totals; a "paid" stamp when asked."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="pt")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    lines = [
        (40, 50, "Atelier Lumen SARL"),
        (40, 64, "12 rue des Lilas"),
        (40, 78, "75011 Paris"),
        (40, 92, "N° TVA : FR40303265045"),
        (400, 50, "FACTURE"),
        (320, 130, "Facturé à :"),
        (40, 250, "Facture n° F-2026-0099"),
        (40, 264, "Date : 15/03/2026"),
        (40, 278, "Échéance : 14/04/2026"),
        (340, 400, "Total HT"),
        (480, 400, "100,00 EUR"),
        (340, 414, "TVA 20 %"),
        (480, 414, "20,00 EUR"),
        (340, 428, "Total TTC"),
        (480, 428, "120,00 EUR"),
    ]
    lines += [(320, 144 + 14 * i, text) for i, text in enumerate(buyer_lines)]
    if stamp:
        lines.append((60, 500, stamp))
    for x, y, text in lines:
        pdf.text(x, y, text)
    return bytes(pdf.output())


BAD_IDS = [
    "Nordwind SAS",
    "8 avenue Voltaire",
    "69001 Lyon",
    "SIREN : 987 654 321",
    "N° TVA : FR 05 987 654 321",
]


def test_identifiers_failing_their_checksum_warn_and_never_block(session, today) -> None:
    draft = _upload(session, _letter_pdf(BAD_IDS)).draft
    assert (draft.values["buyer_siren"], draft.values["buyer_vat"]) == ("987654321", "FR05987654321")
    review = draft_review.review_draft(session=session, draft_id=draft.id)
    assert review.ready, [c.message for c in review.checks if not c.ok]
    warned = [c for c in review.checks if c.warning and c.name == "identifier"]
    assert [c.field for c in warned] == ["buyer_siren", "buyer_vat"]
    assert all("as printed" in c.message and "not used to match accounts" in c.message for c in warned)
    out = drafts.validate_draft(session=session, draft_id=draft.id, actor="a", today=today)
    session.commit()
    assert out.account_created and out.account.name == "Nordwind SAS"
    assert out.account.siren is None and out.account.vat is None  # not stored: they would match wrongly
    assert draft.values["buyer_siren"] == "987654321"  # the draft keeps them as printed
    line = session.exec(select(AuditEvent).where(AuditEvent.action == "draft.validated")).one()
    assert "987654321" in str(line.details)


def test_a_bad_siren_falls_back_to_the_next_matching_key(session, today) -> None:
    existing = create_account(session=session, name="Nordwind SAS", actor="t")
    session.commit()
    draft = _upload(session, _letter_pdf(BAD_IDS)).draft
    review = draft_review.review_draft(session=session, draft_id=draft.id)
    assert review.account_match is not None and review.account_match.method == "name"
    out = drafts.validate_draft(session=session, draft_id=draft.id, actor="a", today=today)
    assert out.account.id == existing.id and not out.account_created


def test_import_validate_prints_a_warning_line(db_url, tmp_path, capsys) -> None:
    from billabex_core.cli import main

    path = tmp_path / "bad-siren.pdf"
    path.write_bytes(_letter_pdf(BAD_IDS))
    assert main(["--db", db_url, "import", str(path), "--validate", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["status"] == "validated"
    assert "warning: SIREN 987654321 as printed: its checksum fails" in captured.err
    assert captured.err.rstrip().endswith(str(path))


def test_a_supplier_invoice_is_flagged_before_validation(session) -> None:
    org = get_organisation(session=session)
    org.name, org.vat = "Boulangerie Martin SARL", "FR40303265045"
    session.commit()
    draft = _upload(
        session, _letter_pdf(["Boulangerie Martin SARL", "3 place du Marché", "69002 Lyon"])
    ).draft
    review = draft_review.review_draft(session=session, draft_id=draft.id)
    assert review.seller_warning is not None and "supplier" in review.seller_warning
    assert any(c.name == "seller" and c.warning for c in review.checks)
    assert review.ready  # a warning, not a refusal
    mine = _upload(
        session, _letter_pdf(["Nordwind SAS", "8 avenue Voltaire", "69001 Lyon"]), "mine.pdf"
    ).draft
    org.name = "Atelier Lumen"
    session.commit()
    assert draft_review.review_draft(session=session, draft_id=mine.id).seller_warning is None


def test_a_paid_stamp_offers_to_record_the_payment(session, today) -> None:
    draft = _upload(
        session, _letter_pdf(["Nordwind SAS", "8 avenue Voltaire", "69001 Lyon"], "PAYÉE le 01/03/2026")
    ).draft
    review = draft_review.review_draft(session=session, draft_id=draft.id)
    assert review.paid == {"text": "PAYÉE le 01/03/2026", "paid_on": "2026-03-01"}
    out = drafts.validate_draft(
        session=session, draft_id=draft.id, actor="a", today=today, record_payment=True
    )
    session.commit()
    payments = session.exec(select(Payment).where(Payment.document_id == out.document.id)).all()
    assert [(p.amount, str(p.paid_on)) for p in payments] == [(Decimal("120.00"), "2026-03-01")]
    assert out.document.remaining_amount == Decimal("0.00")


def test_checks_follow_the_values_being_typed(session, fr_pdf) -> None:
    draft = _upload(session, fr_pdf).draft
    typed = draft_review.review_draft(session=session, draft_id=draft.id, values={"tax_amount": "246.90"})
    assert not typed.ready and {c.name for c in typed.checks if not c.ok} == {"document"}
    assert next(f for f in typed.fields if f.name == "tax_amount").value == "246.90"
    assert draft_review.review_draft(session=session, draft_id=draft.id).ready  # nothing was saved


def test_a_vat_number_printed_without_its_country_code_is_checked_with_the_buyers_country() -> None:
    """ "NIP: 1234567891" on a Polish invoice: checked as PL1234567891 (its checksum fails: a
    warning, it matches no account); a valid one passes; without a country, no check."""
    from billabex_core.services.draft_values import bad_identifiers

    assert bad_identifiers({"buyer_vat": "1234567891", "buyer_country": "PL"}) == {"buyer_vat": "1234567891"}
    assert bad_identifiers({"buyer_vat": "1111111111", "buyer_country": "PL"}) == {}
    assert bad_identifiers({"buyer_vat": "PL1111111111", "buyer_country": "DE"}) == {}
    assert bad_identifiers({"buyer_vat": "1234567891"}) == {}
