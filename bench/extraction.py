"""Extraction benchmark on the shared corpus: per-field accuracy, ms per page, peak memory.

    .venv/bin/python bench/extraction.py [--modes normal,text,ocr] [--limit N] [--misses]

Modes: ``normal`` (embedded XML first), ``text`` (embedded XML ignored: the visible text layer
of the e-invoices), ``ocr`` (every page rendered to an image and OCRed). Scoring follows
``../shared/corpus/README.md``: exact match after normalisation; the text and OCR paths are
scored only on fields the page prints (``pdf_check`` true or "tokens").
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import statistics
import sys
import time
import unicodedata
from decimal import Decimal, InvalidOperation
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CORPUS = REPO.parent / "shared" / "corpus"

MODES = {"normal": "auto", "text": "text", "ocr": "ocr"}
# truth field -> contract field
FIELDS = {
    "doc_type": "kind",
    "invoice_number": "number",
    "issue_date": "issue_date",
    "due_date": "due_date",
    "currency": "currency",
    "total_excl_tax": "total_excl_tax",
    "tax_amount": "tax_amount",
    "total_incl_tax": "total_incl_tax",
    "amount_due": "amount_due",
    "seller_name": "seller_name",
    "seller_vat": "seller_vat",
    "buyer_name": "buyer_name",
    "buyer_vat": "buyer_vat",
    "buyer_address": "buyer_address",
    "referenced_invoice_number": "credited_invoice_number",
}
AMOUNTS = {"total_excl_tax", "tax_amount", "total_incl_tax", "amount_due"}
KEY_FIELDS = ("invoice_number", "issue_date", "due_date", "currency", "total_incl_tax")


def norm(field: str, value: object) -> object:
    if value is None:
        return None
    if field in AMOUNTS:
        try:
            return abs(Decimal(str(value)))
        except InvalidOperation:
            return None
    text = " ".join(unicodedata.normalize("NFC", str(value)).split()).casefold()
    if field in ("seller_vat", "buyer_vat"):
        text = text.replace(" ", "").replace(".", "").replace("-", "")
    return text


def scored_fields(truth: dict, source: str) -> list[str]:
    out = []
    for field in FIELDS:
        value = truth.get(field)
        if value is None:
            continue
        if field == "referenced_invoice_number" and truth["doc_type"] != "credit_note":
            continue
        if (
            field != "doc_type"
            and source != "facturx"
            and truth["pdf_check"].get(field) not in (True, "tokens")
        ):
            continue
        out.append(field)
    return out


def correct(field: str, truth: dict, result: dict) -> bool:
    if field == "doc_type":
        return result["kind"] == truth["doc_type"]
    got = result["fields"][FIELDS[field]]["value"]
    if field == "buyer_address":
        addr = truth["buyer_address"]
        text = norm(field, got) or ""
        parts = [addr.get("postcode"), addr.get("city")] if isinstance(addr, dict) else []
        parts = [norm(field, p) for p in parts if p]
        return bool(parts) and all(p in text for p in parts)
    return norm(field, got) == norm(field, truth[field])


def load_corpus(limit: int | None) -> list[tuple[Path, dict]]:
    docs = []
    for truth_path in sorted(CORPUS.glob("*/*.truth.json")):
        pdf = truth_path.with_name(truth_path.name.replace(".truth.json", ".pdf"))
        if pdf.exists():
            docs.append((pdf, json.loads(truth_path.read_text(encoding="utf-8"))))
    return docs[:limit] if limit else docs


def run_mode(mode: str, docs: list[tuple[Path, dict]], queue: mp.Queue) -> None:
    from billabex_core.extraction import extract

    rows = []
    for pdf, truth in docs:
        data = pdf.read_bytes()
        start = time.perf_counter()
        try:
            result = extract(data, mode=MODES[mode]).to_contract()  # type: ignore[arg-type]
            error = None
        except Exception as exc:  # noqa: BLE001
            result, error = None, f"{type(exc).__name__}: {exc}"
        elapsed = time.perf_counter() - start
        pages = int(truth.get("pages") or 0) or _pages(data)
        rows.append((pdf.stem, truth, result, error, elapsed * 1000 / max(1, pages)))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((rows, peak_mb))


def _pages(data: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def measure(mode: str, docs: list[tuple[Path, dict]]):
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=run_mode, args=(mode, docs, queue))
    proc.start()
    rows, peak = queue.get()
    proc.join()
    return rows, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", default="normal,text,ocr", help="comma-separated: normal,text,ocr")
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    parser.add_argument("--misses", action="store_true", help="list every miss")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}: nothing to measure")
        return 0
    docs = load_corpus(args.limit)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    stats = {}
    for mode in modes:
        if mode not in MODES:
            print(f"unknown mode {mode}", file=sys.stderr)
            return 2
        rows, peak = measure(mode, docs)
        stats[mode] = (rows, peak)
    print_table(stats, args.misses)
    return 0


def print_table(stats: dict, show_misses: bool) -> None:
    counts: dict[str, dict[str, list[int]]] = {}
    summary = {}
    for mode, (rows, peak) in stats.items():
        per_field = counts.setdefault(mode, {})
        docs_ok = errors = 0
        for name, truth, result, error, _ in rows:
            if result is None:
                errors += 1
                print(f"[{mode}] {name}: {error}")
                continue
            all_key = True
            for field in scored_fields(truth, result["source"]):
                ok = correct(field, truth, result)
                slot = per_field.setdefault(field, [0, 0])
                slot[0] += ok
                slot[1] += 1
                if field in KEY_FIELDS and not ok:
                    all_key = False
                if not ok and show_misses:
                    got = result["kind"] if field == "doc_type" else result["fields"][FIELDS[field]]["value"]
                    want = truth.get("buyer_address_text") if field == "buyer_address" else truth[field]
                    print(f"  miss [{mode}] {name} {field}: got {got!r} want {want!r}")
            docs_ok += all_key
        times = sorted(r[4] for r in rows)
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] if times else 0.0
        summary[mode] = (docs_ok, len(rows), errors, statistics.median(times) if times else 0.0, p95, peak)
    modes = list(stats)
    print()
    print(f"{'field':<28}" + "".join(f"{m:>18}" for m in modes))
    for field in FIELDS:
        cells = []
        for mode in modes:
            c = counts[mode].get(field)
            cells.append(f"{c[0]:>3}/{c[1]:<3} {100 * c[0] / c[1]:5.1f}%" if c else "-")
        print(f"{field:<28}" + "".join(f"{cell:>18}" for cell in cells))
    print(
        f"{'docs: all key fields right':<28}"
        + "".join(f"{summary[m][0]:>8}/{summary[m][1]:<9}" for m in modes)
    )
    print(f"{'errors':<28}" + "".join(f"{summary[m][2]:>18}" for m in modes))
    print(f"{'ms/page p50':<28}" + "".join(f"{summary[m][3]:>18.1f}" for m in modes))
    print(f"{'ms/page p95':<28}" + "".join(f"{summary[m][4]:>18.1f}" for m in modes))
    print(f"{'peak RSS MB':<28}" + "".join(f"{summary[m][5]:>18.1f}" for m in modes))


if __name__ == "__main__":
    raise SystemExit(main())
