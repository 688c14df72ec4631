"""``import FILE [FILE ...]`` with several files or a ZIP: one batch (``services.batches``).

One line per file, per ZIP entry, in the order read: with ``--json`` a JSON object with the
``file``, its ``outcome`` (``read``, ``duplicate``, ``refused``) and, for a file that was not
imported, an ``error``; without it, what the file became on stdout and each failure as
``error: <reason>: <file>`` on stderr. The exit code is 1 at the end when any file was refused,
was a duplicate or failed to validate; the others are imported all the same.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from billabex_core.cli._common import session
from billabex_core.errors import BillabexError
from billabex_core.services.archives import ZIP_MAGIC, Incoming
from billabex_core.services.batches import ItemOutcome, import_batch

Validate = Callable[[argparse.Namespace, int], dict[str, Any]]


def is_zip(path: str) -> bool:
    """Whether the file is a ZIP archive (by its first bytes, not its name)."""
    try:
        with Path(path).open("rb") as file:
            return file.read(4) in ZIP_MAGIC
    except OSError:
        return False


def run_batch(args: argparse.Namespace, *, validate: Validate) -> int:
    with session(args) as s:
        result = import_batch(session=s, files=[Incoming(p, path=Path(p)) for p in args.files], actor="cli")
    failed = False
    for item in result.items:
        line = _line(item, result.batch_id)
        if item.outcome == "read" and args.validate:
            assert item.draft_id is not None  # a read file is a draft
            try:
                line |= validate(args, item.draft_id)
            except BillabexError as exc:
                line |= {"status": "pending", "error": str(exc)}
            for warning in line.get("warnings", []):
                print(f"warning: {warning}: {item.file}", file=sys.stderr)
        failed |= "error" in line
        _print(args, item, line)
    return 1 if failed else 0


def _line(item: ItemOutcome, batch_id: int) -> dict[str, Any]:
    line: dict[str, Any] = {"file": item.file, "outcome": item.outcome, "batch_id": batch_id}
    if item.outcome == "read":
        return line | {
            "draft_id": item.draft_id,
            "status": "pending",
            "existing": False,
            "kind": item.kind,
            "number": item.number,
        }
    line["error"] = item.reason or "refused"
    if item.document_id is not None:
        line["existing_document_id"] = item.document_id
    if item.draft_id is not None:
        line["existing_draft_id"] = item.draft_id
    return line


def _print(args: argparse.Namespace, item: ItemOutcome, line: dict[str, Any]) -> None:
    if args.json:
        print(json.dumps(line, ensure_ascii=False), flush=True)
    elif "error" in line:
        print(f"error: {line['error']}: {item.file}", file=sys.stderr, flush=True)
    elif "document_id" in line:
        created = " (new)" if line["account_created"] else ""
        print(
            f"{item.file}: document {line['document_id']} validated ({item.kind} {item.number}) "
            f"for account {line['account_name']}{created}",
            flush=True,
        )
    else:
        print(f"{item.file}: draft {item.draft_id} created ({item.kind} {item.number})", flush=True)
