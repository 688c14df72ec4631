"""Batch import benchmark (issue #15 point 5): ``count`` mixed files imported in one batch, the
way the Upload page and ``import FILE ...`` do it (``services.batches.import_batch``: each file
sniffed and extracted in an isolated child, stored, one transaction each), then "Validate all".

Mixed files: a third generated XML e-invoices (UBL and CII, ``tests/core/extraction/einvoice_samples``),
a third PDFs drawn with fpdf2 (text layer) and Factur-X PDFs (``tests/batch_samples``), a third
PDFs of ``../shared/corpus`` as they are; half of them inside one ZIP archive. Memory: the
resident size of the process after the first 10 files and after the last one (flat when a batch
keeps nothing of a file once it is done).

    .venv/bin/python bench/batch_import.py [--count 100]
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CORPUS = REPO.parent / "shared" / "corpus"


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def mixed_files(count: int) -> list[tuple[str, bytes]]:
    sys.path.insert(0, str(REPO / "tests" / "core" / "extraction"))
    from einvoice_samples import generate

    from tests.batch_samples import facturx_pdf, invoice_pdf

    third = count // 3
    files = [(f"{s.number}.xml", s.xml()) for s in generate(third, 21)]
    for n in range(third):
        maker = facturx_pdf if n % 3 == 0 else invoice_pdf
        files.append((f"B-{n}.pdf", maker(f"B-{n}")))
    corpus = sorted(CORPUS.rglob("*.pdf")) if CORPUS.is_dir() else []
    for n in range(count - len(files)):
        path = corpus[n % len(corpus)] if corpus else None
        files.append((path.name, path.read_bytes()) if path else (f"C-{n}.pdf", invoice_pdf(f"C-{n}")))
    return files


def run(count: int) -> dict[str, float]:
    os.environ["BILLABEX_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-batch-")
    os.environ["BILLABEX_DATABASE_URL"] = f"sqlite:///{os.environ['BILLABEX_DATA_DIR']}/bench.db"
    from datetime import date

    from billabex_core.db.engine import session_scope
    from billabex_core.services.archives import BatchLimits, Incoming
    from billabex_core.services.batches import import_batch, validate_batch

    files = mixed_files(count)
    half = len(files) // 2
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files[::2]:
            zf.writestr(f"batch/{name}", data)
    incoming = [Incoming("batch.zip", archive.getvalue())] + [Incoming(n, d) for n, d in files[1::2]]
    del files
    rss: list[float] = []
    with session_scope() as session:  # migrate, warm the engine: not part of the batch
        pass
    start = time.perf_counter()
    with session_scope() as session:
        result = import_batch(
            session=session,
            files=incoming,
            actor="bench",
            limits=BatchLimits(max_files=max(200, count)),
            progress=lambda _: rss.append(_rss_mb()),
        )
    imported = time.perf_counter() - start
    start = time.perf_counter()
    with session_scope() as session:
        report = validate_batch(
            session=session, batch_id=result.batch_id, actor="bench", today=date(2026, 3, 2)
        )
    validated = time.perf_counter() - start
    outcomes = [i.outcome for i in result.items]
    return {
        "files": len(result.items),
        "zip entries": half,
        "read": outcomes.count("read"),
        "duplicate": outcomes.count("duplicate"),
        "refused": outcomes.count("refused"),
        "import s": imported,
        "ms/file": 1000 * imported / max(1, len(result.items)),
        "validate all s": validated,
        "validated": sum(r.outcome == "validated" for r in report),
        "RSS MB after 10": rss[min(9, len(rss) - 1)],
        "RSS MB after all": rss[-1],
    }


def print_batch(figures: dict[str, float]) -> None:
    print("\nbatch import (one batch, mixed PDF / Factur-X / XML, half in a ZIP; isolated extraction)")
    for name, value in figures.items():
        shown = f"{value:.1f}" if isinstance(value, float) else str(value)
        print(f"{name:<28}{shown:>18}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    print_batch(run(parser.parse_args().count))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
