"""Upload of several files and a ZIP in one go (issue #15 point 4): each file's outcome, Review
walking the batch's queue (previous / next), and "Validate all"."""

from __future__ import annotations

import re

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from billabex_core.models import Account, Document, DraftStatus, ImportBatchItem, ImportDraft
from tests.batch_samples import cii_xml, facturx_pdf, invoice_pdf, zip_of


def _texts(at: AppTest) -> str:
    items = [*at.markdown, *at.success, *at.info, *at.warning, *at.error, *at.caption]
    return "\n".join(str(x.value) for x in items).replace("\\", "")  # markdown escapes of outside text


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def _upload_batch(at: AppTest) -> AppTest:
    archive = zip_of(
        {
            "march/FX-1.pdf": facturx_pdf("FX-1"),
            "march/P-2.pdf": invoice_pdf("P-2"),
            "march/X-1.xml": cii_xml("X-1"),
            "inner.zip": zip_of({"x.pdf": invoice_pdf("P-9")}),
        }
    )
    at.file_uploader(key="upload_file").set_value(
        [
            ("P-1.pdf", invoice_pdf("P-1"), "application/pdf"),
            ("march.zip", archive, "application/zip"),
            ("FX-2.pdf", facturx_pdf("FX-2"), "application/pdf"),
            ("again.pdf", invoice_pdf("P-1"), "application/pdf"),
        ]
    )
    return at.run(timeout=120)


def test_several_files_and_a_zip_then_walk_the_queue_and_validate_all(app, db) -> None:
    at = _upload_batch(app("pages/upload.py"))
    assert not at.exception, at.exception
    text = _texts(at)
    assert re.search(r"\*\*Batch #1\*\*: 7 file(s|\(s\)) — 5 read, 1 duplicate\(s\), 1 refused\.", text), text
    assert "march.zip/inner.zip — a ZIP inside a ZIP is not read" in text
    assert "duplicate: this file is already waiting for review (draft #1)" in text
    rows = db.exec(select(ImportBatchItem).order_by(ImportBatchItem.position)).all()
    assert [r.outcome for r in rows] == ["read", "read", "read", "read", "refused", "read", "duplicate"]

    _button(at, "Review this batch").click()
    at.run(timeout=60)
    assert at.title[0].value == "Review"
    assert "draft 1 of 5 waiting" in _texts(at)
    assert at.text_input(key="f_1_1_number").value == "P-1"
    _button(at, "Next →").click()
    at.run(timeout=60)
    assert "draft 2 of 5 waiting" in _texts(at)
    assert at.text_input(key="f_2_1_number").value == "FX-1"
    _button(at, "Next →").click()
    at.run(timeout=60)
    _button(at, "← Previous").click()
    at.run(timeout=60)
    assert "draft 2 of 5 waiting" in _texts(at)

    _button(at, "Validate all e-invoices whose checks pass").click()
    at.run(timeout=120)
    assert not at.exception, at.exception
    text = _texts(at)
    assert "Validate all: 3 of 5 draft(s) validated." in text
    assert "FX-1** validated" in text and "not an e-invoice" in text
    assert "draft 1 of 2 waiting" in text
    db.expire_all()
    assert sorted(d.number for d in db.exec(select(Document))) == ["FX-1", "FX-2", "X-1"]
    assert len(db.exec(select(Account)).all()) == 1
    pending = db.exec(select(ImportDraft).where(ImportDraft.status == DraftStatus.PENDING)).all()
    assert sorted(d.values["number"] for d in pending) == ["P-1", "P-2"]


def test_validating_in_review_goes_to_the_next_draft_of_the_batch(app, db) -> None:
    at = app("pages/upload.py")
    at.file_uploader(key="upload_file").set_value(
        [("a.zip", zip_of({"a.pdf": invoice_pdf("A-1"), "b.pdf": invoice_pdf("A-2")}), "application/zip")]
    )
    at.run(timeout=120)
    assert "2 read" in _texts(at)
    review = app("pages/review.py")  # a new session: the last batch of this person is the queue
    assert "draft 1 of 2 waiting" in _texts(review)
    _button(review, "Validate").click()
    review.run(timeout=60)
    assert "A-1** validated" in _texts(review)
    _button(review, "Review the next draft").click()
    review.run(timeout=60)
    assert review.text_input(key="f_2_1_number").value == "A-2"
    assert "draft 1 of 1 waiting" in _texts(review)
