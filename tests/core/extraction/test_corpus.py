"""The shared corpus (skipped when absent): the embedded-XML path must be exact."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from billabex_core.extraction import extract

from .conftest import REPO


def _bench():
    spec = importlib.util.spec_from_file_location("bench_extraction", REPO / "bench" / "extraction.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _xml_docs(corpus: Path) -> list[tuple[Path, dict]]:
    docs = []
    for truth_path in sorted(corpus.glob("*/*.truth.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        if truth["provenance"]["method"] == "embedded_xml":
            docs.append((truth_path.with_name(truth_path.name.replace(".truth.json", ".pdf")), truth))
    return docs


def test_embedded_xml_is_exact(corpus_dir: Path) -> None:
    bench = _bench()
    misses = []
    docs = _xml_docs(corpus_dir)
    assert docs
    for pdf, truth in docs:
        result = extract(pdf.read_bytes()).to_contract()
        assert result["source"] == "facturx"
        for field in bench.scored_fields(truth, "facturx"):
            if not bench.correct(field, truth, result):
                misses.append((pdf.stem, field))
    assert misses == []


def test_text_mode_key_fields(corpus_dir: Path) -> None:
    bench = _bench()
    fields = ("invoice_number", "issue_date", "currency", "total_incl_tax", "total_excl_tax")
    counts = dict.fromkeys(fields, 0)
    scored = dict.fromkeys(fields, 0)
    for pdf, truth in bench.load_corpus(None):
        result = extract(pdf.read_bytes(), mode="text").to_contract()
        for field in set(fields) & set(bench.scored_fields(truth, result["source"])):
            scored[field] += 1
            counts[field] += bench.correct(field, truth, result)
    for field in fields:
        assert counts[field] / scored[field] >= 0.8, (field, counts[field], scored[field])
