"""Diagnostic of the leave-one-family-out benchmark: the failing fields of each document.

    .venv/bin/python bench/lofo_misses.py [--sets corpus,wild] [--key-only]

For every document of ``../shared/corpus`` and ``../shared/corpus_wild`` it extracts the text
path twice — with the whole vocabularies and with the family's exclusive entries removed (the
``LOFO`` run of ``bench/extraction.py``) — and prints one line per failing field:

    family/document  field  LOFO-value | full-value | truth   cause

``cause`` is ``vocabulary`` when only the LOFO run misses (an entry only that family prints
decides it: the removed entries of the family are printed once under its name), ``rule`` when
both runs miss (the rules themselves fail on that layout). The counts per field and per cause
close the output, so that the failures can be grouped and the general rule behind a group
chosen — never a branch for one file or one family.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import extraction as bench


def _by_name(rows: list) -> dict[str, dict | None]:
    return {f"{r[1].get('doc_id', r[0])}": r[2] for r in rows}


def _value(field: str, result: dict | None) -> object:
    if result is None:
        return "<error>"
    if field == "doc_type":
        return result["kind"]
    return result["fields"][bench.FIELDS[field]]["value"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="corpus,wild")
    parser.add_argument("--key-only", action="store_true", help="only the key fields and buyer name")
    args = parser.parse_args()
    roots = {"corpus": bench.CORPUS, "wild": bench.WILD}
    docs = [d for s in args.sets.split(",") for d in bench.load_set(roots[s.strip()])]
    removed = bench.in_child("lofo_map", bench.load_set(bench.CORPUS) + bench.load_set(bench.WILD))
    lofo_rows, _ = bench.in_child("lofo", "text", docs, removed)
    full_rows, _ = bench.in_child("run", "text", docs)
    full = _by_name(full_rows)
    wanted = set(bench.KEY_FIELDS) | {"buyer_name"} if args.key_only else set(bench.FIELDS)
    causes: Counter[tuple[str, str]] = Counter()
    shown: set[str] = set()
    for _, truth, result, _, _ in lofo_rows:
        doc_id = truth.get("doc_id", "?")
        family = next(d.family for d in docs if d.truth is truth or d.truth.get("doc_id") == doc_id)
        source = result["source"] if result else "text"
        for field in bench.scored_fields(truth, source):
            if field not in wanted or (result is not None and bench.correct(field, truth, result)):
                continue
            other = full.get(doc_id)
            cause = "vocabulary" if other is not None and bench.correct(field, truth, other) else "rule"
            causes[(field, cause)] += 1
            if cause == "vocabulary" and family not in shown:
                shown.add(family)
                print(f"# {family} removed: {[p[-1] for p in removed.get(family, [])]}")
            want = truth.get("buyer_address_text") if field == "buyer_address" else truth[field]
            got, got_full = _value(field, result), _value(field, other)
            print(f"{doc_id:<70} {field:<16} {got!r} | {got_full!r} | {want!r}  {cause}")
    print("\nfailures per field and cause")
    for (field, cause), count in sorted(causes.items()):
        print(f"  {field:<28}{cause:<12}{count}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
