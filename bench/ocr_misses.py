"""Diagnostic of the OCR path: per document and field, OCR result vs text-path result vs truth.

    .venv/bin/python bench/ocr_misses.py [--sets wild,corpus] [--cache DIR] [--dpi N] [--only S]
        [--words DOC]

Every document of the sets is OCRed once (tesseract word boxes cached in ``--cache`` per file,
dpi and tesseract config, so that a change of the layout rules is measured again in seconds)
and its text layer read once. The OCR words then go through ``build_layout`` and ``assemble``
as ``OcrExtractor`` does. One line per field the OCR path misses:

    document  field  OCR-value | text-value | truth   cause

``cause`` is ``ocr`` when the text path is right on the same document (the OCR words lose
something the text layer gives: an OCR-specific cause), ``both`` when the text path misses too
(the rules fail on that layout whatever the backend). The totals per field and per cause close
the output, with CPU-s per page of tesseract for the documents OCRed in this run.

``--words DOC`` prints the OCR lines and segments of one document (a name substring).
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import resource
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import extraction as bench

from billabex_core.extraction import ocr
from billabex_core.extraction.assemble import assemble
from billabex_core.extraction.base import ExtractionJob
from billabex_core.extraction.layout import build_layout
from billabex_core.extraction.sniff import sniff_pdf
from billabex_core.extraction.text import TextExtractor

_TESSERACT = ocr._tesseract


def _cached_tesseract(cache: Path, cpu: list[float]):
    """``ocr._tesseract`` with its output kept per rendered image and config."""

    def run(image, timeout: float, config: str = ocr.TESSERACT_CONFIG):
        key = hashlib.sha256(image.tobytes() + f"{image.size}|{config}".encode())
        path = cache / f"{key.hexdigest()[:24]}.pkl"
        if path.exists():
            return pickle.loads(path.read_bytes())
        data = _TESSERACT(image, timeout, config)
        cpu.append(1.0)
        path.write_bytes(pickle.dumps(data))
        return data

    return run


def _ocr_cached(data: bytes, cache: Path, cpu: list[float]) -> tuple[list, dict]:
    ocr._tesseract = _cached_tesseract(cache, cpu)
    job = ExtractionJob(sniff_pdf(data), None, budget_s=600)
    return ocr.ocr_words(job)


def _value(field: str, result: dict | None) -> object:
    if result is None:
        return "<none>"
    if field == "doc_type":
        return result["kind"]
    return result["fields"][bench.FIELDS[field]]["value"]


def _show_words(data: bytes, cache: Path) -> None:
    words, heights = _ocr_cached(data, cache, [])
    layout = build_layout(words, len(heights), heights)
    for line in layout.lines:
        print(" || ".join(s.text for s in line))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="wild,corpus")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/ocr_words_cache"))
    parser.add_argument("--only", default="", help="only documents whose name contains this")
    parser.add_argument("--words", default="", help="print the OCR lines of this document")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    roots = {"corpus": bench.CORPUS, "wild": bench.WILD}
    docs = [d for s in args.sets.split(",") for d in bench.load_set(roots[s.strip()])]
    docs = [d for d in docs if args.only in d.name or args.only in d.truth.get("doc_id", "")]
    if args.words:
        for doc in docs:
            if args.words in doc.truth.get("doc_id", doc.name):
                _show_words(doc.read(), args.cache)
        return 0
    causes: Counter[tuple[str, str]] = Counter()
    totals = [0, 0]
    cpu: list[float] = []
    start = time.perf_counter()
    for doc in docs:
        data = doc.read()
        words, heights = _ocr_cached(data, args.cache, cpu)
        job = ExtractionJob(sniff_pdf(data), None, budget_s=600)
        layout = build_layout(words, job.page_count, heights)
        got = assemble(layout, source="ocr", org=None, scale=ocr.OCR_CONFIDENCE).to_contract()
        text_result = TextExtractor().extract(job)
        text = text_result.to_contract() if text_result else None
        doc_id = doc.truth.get("doc_id", doc.name)
        for field in bench.scored_fields(doc.truth, "ocr"):
            totals[1] += 1
            if bench.correct(field, doc.truth, got):
                totals[0] += 1
                continue
            cause = "ocr" if text is not None and bench.correct(field, doc.truth, text) else "both"
            causes[(field, cause)] += 1
            want = doc.truth.get("buyer_address_text") if field == "buyer_address" else doc.truth[field]
            print(
                f"{doc_id[-60:]:<60} {field:<16} {_value(field, got)!r} | {_value(field, text)!r} | {want!r}  {cause}"
            )
    print(f"\nOCR path: {totals[0]}/{totals[1]} fields = {100 * totals[0] / max(1, totals[1]):.1f}%")
    print("failures per field and cause")
    for (field, cause), count in sorted(causes.items()):
        print(f"  {field:<28}{cause:<8}{count}")
    if cpu:
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        secs = used.ru_utime + used.ru_stime
        print(f"tesseract: {secs / len(cpu):.2f} CPU-s/page over {len(cpu)} pages OCRed now")
    print(f"elapsed {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
