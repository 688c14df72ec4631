"""Stored files keep their kind (issue #15): an XML e-invoice is stored, attached and listed as
``.xml``; PDFs, and the XML files stored as ``.pdf`` before the kind was kept, keep working."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlmodel import Session

from billabex_core.jobs.agent_run import attachments
from billabex_core.mail.delivery import build_message
from billabex_core.models import Document
from billabex_core.queries.followups import invoice_pdfs
from billabex_core.services import drafts, imports
from billabex_core.services.files import (
    PDF,
    XML,
    attachment_name,
    download_name,
    kind_of,
    read_file,
    store_file,
    stored_path,
)
from tests.core.extraction.einvoice_samples import generate

SAMPLE = replace(generate(3)[2], syntax="cii")


def _import_xml(session: Session, today: date) -> Document:
    out = imports.upload_pdf(session=session, data=SAMPLE.xml(), file_name="FA.xml", actor="alice")
    assert out.draft is not None and out.draft.id is not None
    done = drafts.validate_draft(session=session, draft_id=out.draft.id, actor="alice", today=today)
    session.commit()
    assert isinstance(done.document, Document)
    return done.document


def test_an_xml_e_invoice_is_stored_attached_and_listed_as_xml(session: Session, today: date) -> None:
    document = _import_xml(session, today)
    sha = document.file_sha256
    assert sha is not None and document.id is not None
    path = stored_path(sha)
    assert path.name == f"{sha}.xml" and path.read_bytes() == SAMPLE.xml()
    assert not path.with_suffix(".pdf").exists()
    assert kind_of(path) == XML and read_file(sha) == SAMPLE.xml()
    [(name, listed_sha)] = invoice_pdfs(session, [document.id])  # the screen's list and the send's
    assert (name, listed_sha) == (f"{document.number}.xml", sha)
    message = build_message(
        step_key="s-1", sender="ar@example.com", to=["ap@example.com"], cc=[], subject="s", body="b",
        attachments=attachments([(name, sha)]),
    )  # fmt: skip
    [part] = list(message.iter_attachments())
    assert part.get_content_type() == "application/xml" and part.get_filename() == name
    assert download_name("FA.xml", document.number, sha) == "FA.xml"
    assert download_name("FA.pdf", document.number, sha) == f"{document.number}.xml"


def test_an_xml_stored_as_pdf_by_an_older_version_is_still_found_as_xml(
    session: Session, today: date
) -> None:
    document = _import_xml(session, today)
    sha = document.file_sha256
    assert sha is not None and document.id is not None
    stored_path(sha).rename(stored_path(sha).with_suffix(".pdf"))  # the name it had before
    assert stored_path(sha).suffix == ".pdf" and kind_of(stored_path(sha)) == XML
    assert read_file(sha) == SAMPLE.xml()
    assert invoice_pdfs(session, [document.id]) == [(f"{document.number}.xml", sha)]
    assert store_file(SAMPLE.xml()) == sha and not stored_path(sha).with_suffix(".xml").exists()


def test_a_pdf_keeps_its_name() -> None:
    sha = store_file(b"%PDF-1.4 F-1")
    assert stored_path(sha).name == f"{sha}.pdf" and kind_of(stored_path(sha)) == PDF
    assert attachment_name("F 1/2", sha) == "F-1-2.pdf"
    assert download_name("scan.PDF", "F-1", sha) == "scan.PDF"
    assert attachment_name("F-3", "0" * 64) == "F-3.pdf"  # missing from the store: named as a PDF
