"""Uploaded PDFs, stored once by content: ``data/files/<2 hex>/<sha256>.pdf``."""

from __future__ import annotations

import hashlib
from pathlib import Path

from billabex_core.config import get_settings, write_private
from billabex_core.errors import NotFoundError


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pdf_path(sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise NotFoundError("file", sha256)
    return get_settings().files_dir / sha256[:2] / f"{sha256}.pdf"


def store_pdf(data: bytes, *, sha256: str | None = None) -> str:
    """Write the bytes once (atomically); return their SHA-256.

    ``sha256``: the digest when the caller has it already (an upload is hashed once).
    """
    digest = sha256 or sha256_of(data)
    path = pdf_path(digest)
    if not path.exists():
        write_private(path, data)  # 0600 in 0700 folders (issue #17)
    return digest


def read_pdf(sha256: str) -> bytes:
    path = pdf_path(sha256)
    if not path.exists():
        raise NotFoundError("stored PDF", sha256[:12])
    return path.read_bytes()
