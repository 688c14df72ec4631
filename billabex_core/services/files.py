"""Uploaded documents, stored once by content: ``data/files/<2 hex>/<sha256>.<kind>``.

The kind is what the bytes are: ``pdf`` (a PDF, Factur-X or not) or ``xml`` (a standalone
e-invoice, issue #15). Files stored before the kind was kept are all named ``.pdf`` (XML
e-invoices included): they keep their names and are found there, their kind read from their
first bytes (``kind_of``), so no migration is needed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from billabex_core.config import get_settings, write_private
from billabex_core.errors import NotFoundError


@dataclass(frozen=True)
class FileKind:
    suffix: str  # "pdf" / "xml": the stored file's extension and a download's
    media_type: str


PDF = FileKind("pdf", "application/pdf")
XML = FileKind("xml", "application/xml")
_KINDS = (PDF, XML)
_HEAD = 1024  # a PDF header may follow a little junk (the readers look this far)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def kind_of_bytes(data: bytes) -> FileKind:
    """PDF when a ``%PDF-`` header is in the first bytes; anything else stored is an XML file
    (an upload is refused before storing unless it is one or the other)."""
    return PDF if b"%PDF-" in data[:_HEAD] else XML


def _path(sha256: str, kind: FileKind) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise NotFoundError("file", sha256)
    return get_settings().files_dir / sha256[:2] / f"{sha256}.{kind.suffix}"


def stored_path(sha256: str) -> Path:
    """Where the file of ``sha256`` is: ``.pdf`` (every PDF, and XML stored before the kind was
    kept), else ``.xml``. When neither exists, the ``.pdf`` path (``exists()`` says it is missing)."""
    for kind in _KINDS:
        path = _path(sha256, kind)
        if path.exists():
            return path
    return _path(sha256, PDF)


pdf_path = stored_path  # the name the callers of the PDF-only store know


def kind_of(path: Path) -> FileKind:
    """The kind of a stored file: by its extension, and for a ``.pdf`` by its first bytes (an XML
    e-invoice stored before the kind was kept)."""
    if path.suffix == f".{XML.suffix}":
        return XML
    with path.open("rb") as f:
        return kind_of_bytes(f.read(_HEAD))


def store_file(data: bytes, *, sha256: str | None = None) -> str:
    """Write the bytes once (atomically), named by their kind; return their SHA-256.

    ``sha256``: the digest when the caller has it already (an upload is hashed once).
    """
    digest = sha256 or sha256_of(data)
    if not stored_path(digest).exists():
        write_private(_path(digest, kind_of_bytes(data)), data)  # 0600 in 0700 folders (#17)
    return digest


store_pdf = store_file


def read_file(sha256: str) -> bytes:
    path = stored_path(sha256)
    if not path.exists():
        raise NotFoundError("stored file", sha256[:12])
    return path.read_bytes()


read_pdf = read_file


def attachment_name(number: str, sha256: str) -> str:
    """A document's file as an attachment or download: its number made a safe file name, with the
    stored file's real extension (``.xml`` for an XML e-invoice; ``.pdf`` for a PDF, and for a file
    missing from the store)."""
    path = stored_path(sha256)
    kind = kind_of(path) if path.exists() else PDF
    return re.sub(r"[^\w.-]+", "-", number).strip("-") + f".{kind.suffix}"


def download_name(file_name: str | None, number: str, sha256: str) -> str:
    """The name a document's stored file is downloaded under: the uploaded file's name when it
    ends as the kind does, else ``attachment_name`` (``<number>.xml`` for an XML e-invoice)."""
    name = attachment_name(number, sha256)
    if file_name and file_name.lower().endswith(name[name.rfind(".") :]):
        return file_name
    return name
