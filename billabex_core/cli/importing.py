"""``import FILE [FILE ...] [--validate] [--json]``: the manual import without the UI.

Stores the file and its extraction as a draft; with ``--validate`` validates it at once (the
account is the exact match by SIREN, VAT or name, else a new one: a fuzzy match needs a person's
confirmation, which only the Review screen gives). One file that is not a ZIP keeps the output
of a single import; several files or a ZIP archive are a batch (``cli.import_batch``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from billabex_core.cli._common import session
from billabex_core.cli.import_batch import is_zip, run_batch
from billabex_core.clock import business_today
from billabex_core.errors import BillabexError, DuplicateDocumentError, ExtractionError, ValidationError
from billabex_core.models import Document
from billabex_core.services import drafts, imports
from billabex_core.services.documents import duplicate_error
from billabex_core.services.draft_review import review_draft
from billabex_core.services.drafts import get_draft


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "import",
        help="extract PDFs / XML e-invoices (or ZIPs of them) and store drafts (optionally validate them)",
        description="Import one file, or several files and ZIP archives as one batch: one line per "
        "file (per ZIP entry) and exit code 1 at the end if any file was refused or a duplicate.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="PDF, XML or ZIP file(s)")
    parser.add_argument("--validate", action="store_true", help="validate the draft at once")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(handler=run)


def _read(path: str) -> bytes:
    file = Path(path)
    if not file.is_file():
        raise ValidationError(f"no such file: {path}")
    return file.read_bytes()


def run(args: argparse.Namespace) -> int:
    if len(args.files) > 1 or is_zip(args.files[0]):
        return run_batch(args, validate=_validate)
    args.file = args.files[0]
    result = _upload(args)
    if args.validate:
        result |= _validate(args, result["draft_id"])
        for warning in result["warnings"]:
            print(f"warning: {warning}: {args.file}", file=sys.stderr)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    elif args.validate:
        print(
            f"document {result['document_id']} validated ({result['kind']} {result['number']}) for account "
            f"{result['account_name']}" + (" (new)" if result["account_created"] else "")
        )
    else:
        print(
            f"draft {result['draft_id']} "
            + ("exists already" if result["existing"] else "created")
            + f" ({result['kind']} {result['number']}): review it in the app"
        )
    return 0


def _upload(args: argparse.Namespace) -> dict[str, Any]:
    """The draft the file became; a refused file is one line naming the file (exit 2)."""
    data = _read(args.file)
    try:
        with session(args) as s:
            out = imports.upload_pdf(session=s, data=data, file_name=Path(args.file).name, actor="cli")
            if out.document is not None:
                raise _already(out.document)
            draft = out.draft
            assert draft is not None  # an upload leads to a document or a draft
            return {
                "draft_id": draft.id,
                "status": draft.status.value,
                "existing": out.existing,
                "kind": draft.kind.value,
                "number": draft.values.get("number"),
            }
    except ExtractionError as exc:  # its audit line is committed: only the input was bad
        raise ExtractionError(f"{exc}: {args.file}") from exc


def _validate(args: argparse.Namespace, draft_id: int) -> dict[str, Any]:
    """Validate at once; what Review would only warn about (an identifier whose checksum fails,
    a seller that is not the organisation, a "paid" stamp) is said on warning lines."""
    with session(args) as s:
        warnings = [c.message for c in review_draft(session=s, draft_id=draft_id).checks if c.warning]
        paid = get_draft(session=s, draft_id=draft_id).extraction.get("paid")
        if paid:
            warnings.append(f"the document says it is paid ({paid['text']}): no payment was recorded")
        outcome = drafts.validate_draft(session=s, draft_id=draft_id, actor="cli", today=business_today())
        return {
            "warnings": warnings,
            "status": "validated",
            "document_id": outcome.document.id,
            "account_id": outcome.account.id,
            "account_name": outcome.account.name,
            "account_created": outcome.account_created,
            "outstanding_balance": str(outcome.account.outstanding_balance),
            "task_id": outcome.task.id if outcome.task else None,
        }


def _already(document: Document) -> BillabexError:
    base = duplicate_error(document)
    return DuplicateDocumentError(
        f"duplicate: this PDF was already imported as {document.kind.value.replace('_', ' ')} {document.number} "
        f"(document #{document.id})",
        existing_id=base.existing_id,
        existing_kind=base.existing_kind,
    )
