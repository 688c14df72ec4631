"""The isolated child a batch reuses for its PDFs (services/isolated_worker.py): one child for
many files, the same memory cap and time limit as a single upload, a fresh child after a
refused file."""

from __future__ import annotations

import time

import pytest

from billabex_core.errors import ExtractionError
from billabex_core.services import isolated_worker
from billabex_core.services.isolated_worker import IsolatedWorker
from tests.batch_samples import cii_xml, invoice_pdf
from tests.core.pdf_mutations import decompression_bomb


def _read(worker: IsolatedWorker, data: bytes) -> str:
    return worker.extract(worker.sniff(data)).to_contract()["fields"]["number"]["value"]


def test_one_child_reads_many_pdfs_and_is_recycled(monkeypatch) -> None:
    monkeypatch.setattr(isolated_worker, "RECYCLE_AFTER", 4)  # sniff + extract: 2 files per child
    with IsolatedWorker() as worker:
        assert [_read(worker, invoice_pdf(f"W-{n}")) for n in range(3)] == ["W-0", "W-1", "W-2"]
        assert worker.started == 2
        assert _read(worker, cii_xml("X-1")) == "X-1"  # not a PDF: the single-upload path
        assert worker.started == 2


def test_a_bomb_is_stopped_by_the_cap_and_the_next_file_gets_a_fresh_child() -> None:
    with IsolatedWorker() as worker:
        assert _read(worker, invoice_pdf("W-1")) == "W-1"
        started = time.monotonic()
        with pytest.raises(ExtractionError) as refused:
            _read(worker, decompression_bomb(1024))
        assert "\n" not in str(refused.value) and time.monotonic() - started < 30
        assert _read(worker, invoice_pdf("W-2")) == "W-2"
        assert worker.started == 2


def test_the_time_limit_holds_per_file() -> None:
    with IsolatedWorker(timeout=1.0) as worker:
        started = time.monotonic()
        with pytest.raises(ExtractionError, match="longer than 1 s"):
            worker._call(time.sleep, 60)
        assert time.monotonic() - started < 5
        assert worker.started == 1 and worker._conn is None  # killed; the next file starts another


def test_a_single_upload_reads_its_pdf_in_one_child(session, monkeypatch) -> None:
    """Sniff then extract in the same isolated child: a child costs about 0.3 s of CPU to start,
    and a single upload started two."""
    from billabex_core.services import imports, isolation

    monkeypatch.setenv("BILLABEX_ISOLATE_EXTRACTION", "1")
    starts: list[str] = []
    real = isolation.child_process

    def counting(*args, **kwargs):
        starts.append("child")
        return real(*args, **kwargs)

    monkeypatch.setattr(isolation, "child_process", counting)
    out = imports.upload_pdf(session=session, data=invoice_pdf("U-1"), file_name="u.pdf", actor="alice")
    assert out.draft is not None and out.draft.values["number"] == "U-1"
    assert starts == ["child"]
