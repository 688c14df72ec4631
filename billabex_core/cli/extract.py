"""``extract FILE [FILE ...] [--json]``: extract PDFs or XML e-invoices without storing anything
(cli.md)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from billabex_core.cli._common import org_identity
from billabex_core.errors import ExtractionError
from billabex_core.extraction import FIELD_NAMES, ExtractionResult, extract
from billabex_core.extraction.errors import CorruptPdfError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "extract",
        help="extract the fields of PDF or XML e-invoices / credit notes (nothing is stored)",
        description="Extract the fields of one or more PDFs or XML e-invoices (UBL, CII). With several files and --json, "
        "prints one JSON object per line with a 'file' key; unreadable files give an 'error' line "
        "and the exit code is 1 at the end.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="PDF or XML e-invoice file(s)")
    parser.add_argument("--json", action="store_true", help="print the JSON contract of shared/spec/cli.md")
    parser.add_argument(
        "--mode",
        choices=("auto", "text", "ocr"),
        default="auto",
        help="auto (default); text: ignore embedded XML; ocr: OCR even with a text layer (PDFs only)",
    )
    parser.set_defaults(handler=run)


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except IsADirectoryError as exc:
        raise CorruptPdfError(f"{path} is a directory") from exc
    except OSError as exc:
        raise ExtractionError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _extract_file(path: str, args: argparse.Namespace) -> ExtractionResult:
    if not hasattr(args, "org"):  # read once per process, not once per file
        args.org = org_identity(args)
    try:
        return extract(_read(path), org=args.org, mode=args.mode)
    except ExtractionError as exc:
        raise ExtractionError(f"{exc}: {path}") from exc


def _summary(path: str, result: ExtractionResult) -> str:
    lines = [f"{path}: {result.kind.replace('_', ' ')} (source: {result.source})"]
    for name in FIELD_NAMES:
        field = result.fields.get(name)
        if field is not None and field.value is not None:
            where = f"  [page {field.page}]" if field.page else ""
            lines.append(f"  {name:<24} {field.value}  ({field.confidence:.2f}){where}")
    lines += [f"  warning: {w}" for w in result.warnings]
    marks = {True: "ok", False: "FAILED", None: "n/a"}
    lines += [f"  check {c.rule:<10} {marks[c.ok]:<6} {c.title}: {c.detail}" for c in result.checks]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    if len(args.files) == 1:  # single file: bad input is one line on stderr, exit 2
        path = args.files[0]
        result = _extract_file(path, args)
        if args.json:
            print(json.dumps(result.to_contract(), ensure_ascii=False))
        else:
            print(_summary(path, result))
        return 0
    failed = False
    for path in args.files:
        try:
            result = _extract_file(path, args)
        except ExtractionError as exc:
            failed = True
            if args.json:
                print(json.dumps({"file": path, "error": str(exc)}, ensure_ascii=False), flush=True)
            else:
                print(f"error: {exc}", file=sys.stderr)
            continue
        if args.json:
            print(json.dumps({"file": path, **result.to_contract()}, ensure_ascii=False), flush=True)
        else:
            print(_summary(path, result))
    return 1 if failed else 0
