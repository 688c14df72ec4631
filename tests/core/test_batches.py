"""Batch import (issue #15 point 4): several files and ZIP archives at once, each with its own
outcome in the import queue; the limits, ZIP bombs, unsafe names, nested archives; duplicates
in one batch and against what exists; one account per buyer; "Validate all"."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlmodel import select

from billabex_core.models import Account, AuditEvent, Document, DraftStatus, ImportBatchItem, ImportDraft
from billabex_core.services import batches, drafts
from billabex_core.services.archives import BatchLimits, Incoming, batch_entries
from billabex_core.services.batch_validation import not_ready
from billabex_core.services.draft_review import review_draft
from tests.batch_samples import cii_xml, facturx_pdf, invoice_pdf, zip_of

MB = 1024 * 1024


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    return {f"P-{n}.pdf": invoice_pdf(f"P-{n}") for n in range(1, 4)}


@pytest.fixture(scope="module")
def facturx() -> dict[str, bytes]:
    return {f"FX-{n}.pdf": facturx_pdf(f"FX-{n}") for n in range(1, 3)}


def _run(session, *files: Incoming, limits: BatchLimits | None = None) -> batches.BatchResult:
    return batches.import_batch(session=session, files=files, actor="alice", limits=limits)


def _outcomes(result: batches.BatchResult) -> list[tuple[str, str]]:
    return [(i.file, i.outcome) for i in result.items]


def test_files_and_a_zip_become_drafts_in_one_queue(session, pdfs) -> None:
    archive = zip_of({"2026/P-2.pdf": pdfs["P-2.pdf"], "P-3.pdf": pdfs["P-3.pdf"], "notes/": b""})
    result = _run(session, Incoming("P-1.pdf", pdfs["P-1.pdf"]), Incoming("march.zip", archive))
    assert _outcomes(result) == [
        ("P-1.pdf", "read"),
        ("march.zip/2026/P-2.pdf", "read"),
        ("march.zip/P-3.pdf", "read"),
    ]
    assert [i.number for i in result.items] == ["P-1", "P-2", "P-3"]
    queue = batches.batch_queue(session=session, batch_id=result.batch_id)
    assert queue == [i.draft_id for i in result.items] and result.first_draft_id == queue[0]
    assert batches.neighbours(queue, queue[1]) == (queue[0], queue[2])
    assert batches.neighbours(queue, queue[0]) == (None, queue[1])
    # the queue is persisted: items in order, with the draft's own file name
    items = batches.batch_items(session=session, batch_id=result.batch_id)
    assert [i.position for i in items] == [0, 1, 2]
    assert session.get(ImportDraft, queue[1]).file_name == "P-2.pdf"
    assert batches.latest_batch_id(session=session, actor="alice") == result.batch_id


def test_mixed_outcomes_each_file_its_own(session, pdfs) -> None:
    result = _run(
        session,
        Incoming("P-1.pdf", pdfs["P-1.pdf"]),
        Incoming("empty.pdf", b""),
        Incoming("notes.txt", b"hello, not an invoice"),
        Incoming("again.pdf", pdfs["P-1.pdf"]),
        Incoming("P-2.pdf", pdfs["P-2.pdf"]),
    )
    assert [i.outcome for i in result.items] == ["read", "refused", "refused", "duplicate", "read"]
    first = result.items[0].draft_id
    assert result.items[3].draft_id == first and f"draft #{first}" in (result.items[3].reason or "")
    assert "empty" in (result.items[1].reason or "")
    # nothing stored for the refused files but their audit lines
    assert len(session.exec(select(ImportDraft)).all()) == 2
    assert batches.batch_queue(session=session, batch_id=result.batch_id) == [first, result.items[4].draft_id]
    stored = batches.batch_items(session=session, batch_id=result.batch_id)
    assert [i.outcome for i in stored] == ["read", "refused", "refused", "duplicate", "read"]


def test_reimporting_a_validated_file_names_the_document(session, pdfs, today) -> None:
    first = _run(session, Incoming("P-1.pdf", pdfs["P-1.pdf"]))
    outcome = drafts.validate_draft(
        session=session, draft_id=first.first_draft_id, actor="alice", today=today
    )
    session.commit()
    again = _run(session, Incoming("zip.zip", zip_of({"copy.pdf": pdfs["P-1.pdf"]})))
    (item,) = again.items
    assert item.outcome == "duplicate" and item.document_id == outcome.document.id
    assert (
        item.reason
        == f"duplicate: this file was already imported as invoice P-1 (document #{outcome.document.id})"
    )


def test_limits_on_count_file_size_and_total(session, pdfs) -> None:
    small = BatchLimits(max_files=2, max_file_bytes=MB, max_total_bytes=10 * MB)
    many = [Incoming(name, data) for name, data in pdfs.items()]
    result = _run(session, *many, limits=small)
    assert [i.outcome for i in result.items] == ["read", "read", "refused"]
    assert "at most 2 files" in (result.items[2].reason or "")
    size = len(pdfs["P-1.pdf"])
    tight = BatchLimits(max_files=10, max_file_bytes=size - 1, max_total_bytes=10 * MB)
    (item,) = _run(session, Incoming("P-1.pdf", pdfs["P-1.pdf"]), limits=tight).items
    assert item.outcome == "refused" and "too large" in (item.reason or "")
    total = BatchLimits(max_files=10, max_file_bytes=MB, max_total_bytes=size + 10)
    archive = zip_of({"a.pdf": invoice_pdf("Z-1"), "b.pdf": invoice_pdf("Z-2")})
    result = _run(session, Incoming("a.zip", archive), limits=total)
    assert [i.outcome for i in result.items] == ["read", "refused"]
    assert "the batch is full" in (result.items[1].reason or "")


def test_a_zip_with_more_entries_than_allowed_is_one_line(session) -> None:
    archive = zip_of({f"n{i}.txt": b"x" for i in range(50)})
    entries = list(batch_entries([Incoming("many.zip", archive)], BatchLimits(max_files=3)))
    assert len(entries) == 4
    assert entries[-1].name == "many.zip (47 more files)" and "at most 3 files" in (entries[-1].refused or "")


def test_zip_bomb_is_refused_while_streaming(session) -> None:
    """100 MB of zeros in about 100 kB: refused once 100 times its compressed size is read."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("bomb.pdf", "w", force_zip64=True) as member,
    ):
        for _ in range(100):
            member.write(b"\0" * MB)
    assert len(buffer.getvalue()) < MB // 4
    (entry,) = batch_entries([Incoming("bomb.zip", buffer.getvalue())])
    assert entry.data is None and "expands more than 100 times" in (entry.refused or "")
    # the absolute cap holds even when the ratio would allow it
    (entry,) = batch_entries(
        [Incoming("bomb.zip", buffer.getvalue())], BatchLimits(max_ratio=10_000, max_file_bytes=2 * MB)
    )
    assert entry.data is None and "too large" in (entry.refused or "")


def test_lying_sizes_in_the_archive_are_not_trusted(session, pdfs) -> None:
    """An entry whose header claims a small size is counted as it is read."""
    data = zip_of({"big.pdf": b"%PDF-" + b"A" * (3 * MB)})
    (entry,) = batch_entries([Incoming("x.zip", data)], BatchLimits(max_file_bytes=MB))
    assert entry.data is None and "too large" in (entry.refused or "")


@pytest.mark.parametrize(
    "name",
    ["../../etc/cron.d/evil.pdf", "/abs/evil.pdf", "a/../../evil.pdf", "..\\..\\evil.pdf", "C:/evil.pdf"],
)
def test_path_traversal_names_are_refused(session, pdfs, name) -> None:
    archive = zip_of({name: pdfs["P-1.pdf"], "ok.pdf": pdfs["P-2.pdf"]})
    result = _run(session, Incoming("t.zip", archive))
    assert [i.outcome for i in result.items] == ["refused", "read"]
    assert "unsafe name" in (result.items[0].reason or "")


def test_nested_zip_is_refused_whatever_its_name(session, pdfs) -> None:
    inner = zip_of({"P-1.pdf": pdfs["P-1.pdf"]})
    archive = zip_of({"inner.zip": inner, "disguised.pdf": inner, "P-2.pdf": pdfs["P-2.pdf"]}, stored=True)
    result = _run(session, Incoming("outer.zip", archive))
    assert [i.outcome for i in result.items] == ["refused", "refused", "read"]
    assert all("ZIP inside a ZIP" in (i.reason or "") for i in result.items[:2])


def test_macos_metadata_and_folders_are_not_files(session, pdfs) -> None:
    archive = zip_of(
        {"__MACOSX/._P-1.pdf": b"junk", "._P-1.pdf": b"junk", "dir/": b"", "P-1.pdf": pdfs["P-1.pdf"]}
    )
    assert _outcomes(_run(session, Incoming("mac.zip", archive))) == [("mac.zip/P-1.pdf", "read")]


def test_a_broken_zip_is_refused_alone(session, pdfs) -> None:
    result = _run(
        session, Incoming("bad.zip", b"PK\x03\x04" + b"\x00" * 40), Incoming("P-1.pdf", pdfs["P-1.pdf"])
    )
    assert [i.outcome for i in result.items] == ["refused", "read"]
    assert "not a readable ZIP" in (result.items[0].reason or "")
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "upload.rejected")).first() is not None


def test_validate_all_takes_the_ready_e_invoices_only(session, pdfs, facturx, today) -> None:
    result = _run(
        session,
        Incoming("FX-1.pdf", facturx["FX-1.pdf"]),
        Incoming("P-1.pdf", pdfs["P-1.pdf"]),
        Incoming("FX-2.pdf", facturx["FX-2.pdf"]),
    )
    report = batches.validate_batch(session=session, batch_id=result.batch_id, actor="alice", today=today)
    assert [(r.file, r.outcome) for r in report] == [
        ("FX-1.pdf", "validated"),
        ("P-1.pdf", "skipped"),
        ("FX-2.pdf", "validated"),
    ]
    assert "not an e-invoice" in (report[1].reason or "")
    # one buyer, one account: the second e-invoice matched the account the first created
    assert report[0].account_created and not report[2].account_created
    assert len(session.exec(select(Account)).all()) == 1
    assert len(session.exec(select(Document)).all()) == 2
    assert batches.batch_queue(session=session, batch_id=result.batch_id) == [result.items[1].draft_id]


def test_validate_all_reports_a_failure_and_goes_on(session, facturx, today) -> None:
    result = _run(
        session, Incoming("FX-1.pdf", facturx["FX-1.pdf"]), Incoming("FX-2.pdf", facturx["FX-2.pdf"])
    )
    first = result.items[0].draft_id
    drafts.save_draft(session=session, draft_id=first, values={"total_incl_tax": "999.00"}, actor="alice")
    session.commit()
    report = batches.validate_batch(session=session, batch_id=result.batch_id, actor="alice", today=today)
    assert [r.outcome for r in report] == ["skipped", "validated"]
    assert "checks failed" in (report[0].reason or "")
    assert session.get(ImportDraft, first).status == DraftStatus.PENDING


def test_not_ready_when_a_similar_account_needs_confirming(session, facturx, today) -> None:
    from billabex_core.services.accounts import create_account

    create_account(session=session, name="Nordwind Lyon", actor="alice")
    session.commit()
    result = _run(session, Incoming("FX-1.pdf", facturx["FX-1.pdf"]))
    review = review_draft(session=session, draft_id=result.first_draft_id)
    assert review.account_match is None
    assert not_ready(review) == "a similar account exists (Nordwind Lyon): choose it or a new one in Review"
    report = batches.validate_batch(session=session, batch_id=result.batch_id, actor="alice", today=today)
    assert [r.outcome for r in report] == ["skipped"]


def test_one_buyer_one_account_by_vat_then_siren_then_name(session, today) -> None:
    """Documents of one buyer land on one account whichever identifier they carry."""
    files = [
        Incoming("full.pdf", facturx_pdf("B-1")),
        Incoming("vat-only.pdf", facturx_pdf("B-2", siren=None, buyer="NORDWIND")),
        Incoming("siren-only.pdf", facturx_pdf("B-3", vat=None, buyer="Nordwind (Lyon)")),
        Incoming("name-only.pdf", facturx_pdf("B-4", vat=None, siren=None, buyer="Nordwind SAS")),
    ]
    result = _run(session, *files)
    assert [i.outcome for i in result.items] == ["read"] * 4
    for item in result.items:
        drafts.validate_draft(session=session, draft_id=item.draft_id, actor="alice", today=today)
        session.commit()
    accounts = session.exec(select(Account)).all()
    assert len(accounts) == 1
    assert {d.account_id for d in session.exec(select(Document))} == {accounts[0].id}


def test_a_batch_item_keeps_each_outcome(session, pdfs) -> None:
    result = _run(session, Incoming("P-1.pdf", pdfs["P-1.pdf"]), Incoming("x.txt", b"nope"))
    rows = session.exec(select(ImportBatchItem).order_by(ImportBatchItem.position)).all()
    assert [(r.file_name, r.outcome, r.draft_id is not None) for r in rows] == [
        ("P-1.pdf", "read", True),
        ("x.txt", "refused", False),
    ]
    assert rows[1].reason == result.items[1].reason


def test_pdf_and_xml_mixed_in_a_zip_validate_all_and_reimport(session, pdfs, today) -> None:
    archive = zip_of(
        {"X-1.xml": cii_xml("X-1"), "P-1.pdf": pdfs["P-1.pdf"], "X-2.xml": cii_xml("X-2", "250.00")}
    )
    result = _run(
        session, Incoming("mixed.zip", archive), Incoming("order.xml", b"<Order><ID>1</ID></Order>")
    )
    assert [(i.outcome, i.number) for i in result.items] == [
        ("read", "X-1"),
        ("read", "P-1"),
        ("read", "X-2"),
        ("refused", None),
    ]
    assert session.get(ImportDraft, result.items[0].draft_id).extraction_source == "xml"
    report = batches.validate_batch(session=session, batch_id=result.batch_id, actor="alice", today=today)
    assert [r.outcome for r in report] == ["validated", "skipped", "validated"]
    assert [r.account_created for r in report] == [True, False, False]
    again = _run(session, Incoming("X-1.xml", cii_xml("X-1")))
    assert again.items[0].outcome == "duplicate"
    assert again.items[0].document_id == report[0].document_id


def test_an_xml_failing_its_rules_is_read_but_not_validated_with_the_others(session, today) -> None:
    header_lines = b"<ram:LineTotalAmount>100.00</ram:LineTotalAmount>\n    <ram:TaxBasisTotalAmount>"
    wrong = cii_xml("X-9").replace(header_lines, header_lines.replace(b"100.00", b"90.00"))
    assert wrong != cii_xml("X-9")
    result = _run(session, Incoming("X-9.xml", wrong))
    assert result.items[0].outcome == "read"
    (report,) = batches.validate_batch(session=session, batch_id=result.batch_id, actor="alice", today=today)
    assert report.outcome == "skipped"
    assert "to look at: BR-CO-10" in (report.reason or ""), report.reason  # sum of the lines
