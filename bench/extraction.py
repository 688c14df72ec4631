"""Extraction benchmark: per-field accuracy, ms per page and peak memory, on the development
corpus, on the second development set ``corpus_wild``, leave-one-family-out, and on synthetic
invoices.

    .venv/bin/python bench/extraction.py [--modes normal,text,ocr] [--limit N] [--misses]
        [--sets corpus,wild,lofo,synthetic] [--synthetic N] [--seed S] [--wild-modes text,ocr]

First table, as before: ``../shared/corpus`` in each mode — ``normal`` (embedded XML first),
``text`` (embedded XML ignored: the visible text layer of the e-invoices), ``ocr`` (every page
rendered to an image and OCRed). Second table, generalisation, text path unless named:

- ``corpus LOFO``: each layout family of the corpus extracted with the vocabularies minus every
  entry only that family prints (``bench/lofo.py``; families of both development sets count);
- ``wild``: ``../shared/corpus_wild`` as it is, and ``wild LOFO`` the same way as above;
- ``synthetic``: ``--synthetic N`` generated invoices (``bench/synthetic.py``, seed ``--seed``).

Scoring follows ``../shared/corpus/README.md``: exact match after normalisation; the text and
OCR paths are scored only on fields the page prints (``pdf_check`` true or "tokens").
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing as mp
import resource
import statistics
import sys
import time
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
CORPUS = REPO.parent / "shared" / "corpus"
WILD = REPO.parent / "shared" / "corpus_wild"

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


@dataclass(frozen=True)
class Doc:
    name: str
    truth: dict
    family: str
    path: Path | None = None
    data: bytes | None = None

    def read(self) -> bytes:
        return self.data if self.data is not None else self.path.read_bytes()  # type: ignore[union-attr]


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


def _families(root: Path) -> dict[str, str]:
    manifest = root / "MANIFEST.tsv"
    if not manifest.exists():
        return {}
    with manifest.open(encoding="utf-8") as fh:
        return {row["doc_id"]: row["layout_family"] for row in csv.DictReader(fh, delimiter="\t")}


def load_set(root: Path, limit: int | None = None) -> list[Doc]:
    families = _families(root)
    docs = []
    for truth_path in sorted(root.glob("*/*.truth.json")):
        pdf = truth_path.with_name(truth_path.name.replace(".truth.json", ".pdf"))
        if pdf.exists():
            truth = json.loads(truth_path.read_text(encoding="utf-8"))
            family = families.get(truth.get("doc_id", ""), pdf.stem)
            docs.append(Doc(pdf.stem, truth, f"{root.name}:{family}", path=pdf))
    return docs[:limit] if limit else docs


def load_corpus(limit: int | None) -> list[tuple[Path, dict]]:
    """(pdf, truth) of the development corpus (the corpus tests use it)."""
    return [(d.path, d.truth) for d in load_set(CORPUS, limit) if d.path is not None]


def load_synthetic(count: int, seed: int, cache: Path | None = None) -> list[Doc]:
    """``count`` generated invoices; with ``cache``, kept there as PDF + truth and read back
    (the same documents for several runs, generated once)."""
    from synthetic import generate

    folder = cache / f"seed{seed}-n{count}" if cache else None
    if folder is not None and (folder / "done").exists():
        return [
            Doc(p.stem, json.loads(p.with_suffix(".json").read_text()), "", data=p.read_bytes())
            for p in sorted(folder.glob("*.pdf"))
        ]
    docs = [Doc(d.name, d.truth, d.layout, data=d.pdf) for d in generate(count, seed)]
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        for d in docs:
            (folder / f"{d.name}.pdf").write_bytes(d.data or b"")
            (folder / f"{d.name}.json").write_text(json.dumps(d.truth))
        (folder / "done").write_text("")
    return docs


# --- running ------------------------------------------------------------------------------------
Row = tuple[str, dict, dict | None, str | None, float]


def _extract_rows(mode: str, docs: list[Doc]) -> list[Row]:
    from billabex_core.extraction import extract

    rows = []
    for doc in docs:
        data = doc.read()
        start = time.perf_counter()
        try:
            result = extract(data, mode=MODES[mode]).to_contract()  # type: ignore[arg-type]
            error = None
        except Exception as exc:  # noqa: BLE001
            result, error = None, f"{type(exc).__name__}: {exc}"
        elapsed = time.perf_counter() - start
        pages = int(doc.truth.get("pages") or 0) or _pages(data)
        rows.append((doc.name, doc.truth, result, error, elapsed * 1000 / max(1, pages)))
    return rows


def _lofo_rows(mode: str, docs: list[Doc], removed: dict[str, list]) -> list[Row]:
    """Each family extracted with the vocabularies minus the entries only it prints."""
    import lofo

    from billabex_core.extraction import vocab

    data = {name: vocab.load_file(name) for name in vocab.FILES}
    rows: list[Row] = []
    try:
        for family in sorted({d.family for d in docs}):
            paths = {tuple(p) for p in removed.get(family, [])}
            vocab.use_vocabularies(lofo.without(data, paths))
            rows += _extract_rows(mode, [d for d in docs if d.family == family])
    finally:
        vocab.use_vocabularies(None)
    return rows


def _lofo_map(docs: list[Doc]) -> dict[str, list]:
    import lofo

    from billabex_core.extraction import vocab

    texts: dict[str, list[str]] = {}
    for doc in docs:
        texts.setdefault(doc.family, []).append(lofo.document_text(doc.read()))
    data = {name: vocab.load_file(name) for name in vocab.FILES}
    return {fam: sorted(paths) for fam, paths in lofo.exclusive_entries(data, texts).items()}


def _child(task: str, args: tuple, queue: mp.Queue) -> None:
    if task == "lofo_map":
        queue.put(_lofo_map(*args))
        return
    rows = _lofo_rows(*args) if task == "lofo" else _extract_rows(*args)
    queue.put((rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def in_child(task: str, *args):
    """Each measurement in its own process: its own peak memory, no state left behind."""
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(task, args, queue))
    proc.start()
    out = queue.get()
    proc.join()
    return out


def _pages(data: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


# --- printing -------------------------------------------------------------------------------------
def summarise(rows: list[Row], label: str, show_misses: bool) -> dict:
    per_field: dict[str, list[int]] = {}
    docs_ok = errors = 0
    fields_ok = fields_all = 0
    for name, truth, result, error, _ in rows:
        if result is None:
            errors += 1
            print(f"[{label}] {name}: {error}")
            continue
        all_key = True
        for field in scored_fields(truth, result["source"]):
            ok = correct(field, truth, result)
            slot = per_field.setdefault(field, [0, 0])
            slot[0] += ok
            slot[1] += 1
            fields_ok += ok
            fields_all += 1
            if field in KEY_FIELDS and not ok:
                all_key = False
            if not ok and show_misses:
                got = result["kind"] if field == "doc_type" else result["fields"][FIELDS[field]]["value"]
                want = truth.get("buyer_address_text") if field == "buyer_address" else truth[field]
                print(f"  miss [{label}] {name} {field}: got {got!r} want {want!r}")
        docs_ok += all_key
    times = sorted(r[4] for r in rows)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] if times else 0.0
    return {
        "fields": per_field,
        "docs_ok": docs_ok,
        "docs": len(rows),
        "errors": errors,
        "all_fields": (fields_ok, fields_all),
        "p50": statistics.median(times) if times else 0.0,
        "p95": p95,
    }


def print_table(columns: dict[str, tuple[dict, float | None]]) -> None:
    names = list(columns)
    width = max(18, *(len(n) + 2 for n in names))

    def cell(pair: list[int] | tuple[int, int] | None) -> str:
        if not pair or not pair[1]:
            return "-"
        return f"{pair[0]:>4}/{pair[1]:<4} {100 * pair[0] / pair[1]:5.1f}%"

    print()
    print(f"{'field':<28}" + "".join(f"{n:>{width}}" for n in names))
    for field in FIELDS:
        print(f"{field:<28}" + "".join(f"{cell(columns[n][0]['fields'].get(field)):>{width}}" for n in names))
    print(
        f"{'all scored fields':<28}" + "".join(f"{cell(columns[n][0]['all_fields']):>{width}}" for n in names)
    )
    print(
        f"{'docs: all key fields right':<28}"
        + "".join(f"{cell((columns[n][0]['docs_ok'], columns[n][0]['docs'])):>{width}}" for n in names)
    )
    print(f"{'errors':<28}" + "".join(f"{columns[n][0]['errors']:>{width}}" for n in names))
    print(f"{'ms/page p50':<28}" + "".join(f"{columns[n][0]['p50']:>{width}.1f}" for n in names))
    print(f"{'ms/page p95':<28}" + "".join(f"{columns[n][0]['p95']:>{width}.1f}" for n in names))
    peaks = [columns[n][1] for n in names]
    print(f"{'peak RSS MB':<28}" + "".join(f"{p:>{width}.1f}" if p else f"{'-':>{width}}" for p in peaks))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", default="normal,text,ocr", help="corpus modes: normal,text,ocr")
    parser.add_argument("--sets", default="corpus,wild,lofo,synthetic", help="corpus,wild,lofo,synthetic")
    parser.add_argument("--wild-modes", default="text", help="modes for corpus_wild: normal,text,ocr")
    parser.add_argument("--synthetic", type=int, default=2000, help="number of synthetic invoices")
    parser.add_argument("--seed", type=int, default=14, help="seed of the synthetic invoices")
    parser.add_argument("--synthetic-cache", type=Path, default=None, help="keep the generated PDFs here")
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents of each set")
    parser.add_argument("--misses", action="store_true", help="list every miss")
    args = parser.parse_args()
    sets = {s.strip() for s in args.sets.split(",") if s.strip()}
    corpus = load_set(CORPUS, args.limit) if CORPUS.is_dir() else []
    wild = load_set(WILD, args.limit) if WILD.is_dir() else []
    if "corpus" in sets and corpus:
        columns = {}
        for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
            rows, peak = in_child("run", mode, corpus)
            columns[mode] = (summarise(rows, mode, args.misses), peak)
        print("development corpus (../shared/corpus)")
        print_table(columns)
    general: dict[str, tuple[dict, float | None]] = {}
    if "lofo" in sets and (corpus or wild):
        removed = in_child("lofo_map", load_set(CORPUS) + load_set(WILD))
        for name, docs in (("corpus LOFO", corpus), ("wild LOFO", wild)):
            if docs:
                rows, peak = in_child("lofo", "text", docs, removed)
                general[name] = (summarise(rows, name, args.misses), peak)
        counts = {fam.split(":", 1)[1]: len(p) for fam, p in removed.items() if p}
        print(f"entries removed per family (LOFO): {json.dumps(counts, ensure_ascii=False)}")
    if "wild" in sets and wild:
        for mode in [m.strip() for m in args.wild_modes.split(",") if m.strip()]:
            rows, peak = in_child("run", mode, wild)
            general[f"wild {mode}"] = (summarise(rows, f"wild {mode}", args.misses), peak)
    if "synthetic" in sets and args.synthetic:
        docs = load_synthetic(args.synthetic, args.seed, args.synthetic_cache)
        rows, peak = in_child("run", "text", docs)
        general[f"synthetic ({args.synthetic})"] = (summarise(rows, "synthetic", args.misses), peak)
    if general:
        print("\ngeneralisation (text path unless named)")
        print_table(general)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
