"""Cheap checks on uploaded bytes, before anything is stored or extracted.

``sniff_pdf`` rejects what no backend can read (empty, not a PDF, too large, truncated,
encrypted, corrupt, too many pages) with the matching ``ExtractionError`` subclass and
returns a ``SniffedPdf`` (bytes and page count) for an acceptable file. A file that starts with
markup is an XML e-invoice or nothing: it is parsed safely (``xmlsafe``) and refused when it is
malformed, declares a DOCTYPE, or is not a UBL/CII invoice (page count 0). This is the one place
where the upload size and the page count are checked: ``extract`` takes the ``SniffedPdf``
without checking again.
"""

from __future__ import annotations

import io
import logging
import warnings

from billabex_core.config import get_settings
from billabex_core.extraction.base import SniffedPdf
from billabex_core.extraction.errors import (
    CorruptPdfError,
    EmptyFileError,
    EncryptedPdfError,
    FileTooLargeError,
    NotAPdfError,
    TooManyPagesError,
)
from billabex_core.extraction.xmlsafe import looks_like_xml, parse_einvoice

_HEADER_WINDOW = 1024  # the PDF spec tolerates leading junk before %PDF-
_EOF_WINDOW = 64 * 1024


def sniff_pdf(data: bytes) -> SniffedPdf:
    """Raise the right error for unacceptable bytes; return them with their page count otherwise."""
    settings = get_settings()
    if not data or not data.strip():
        raise EmptyFileError()
    if len(data) > settings.max_upload_bytes:
        raise FileTooLargeError(len(data), settings.max_upload_bytes)
    if b"%PDF-" not in data[:_HEADER_WINDOW]:
        if looks_like_xml(data):
            parse_einvoice(data)  # raises the one-line error of a file that is not an e-invoice
            return SniffedPdf(data, 0)
        raise NotAPdfError()
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise CorruptPdfError("truncated file (no end-of-file marker)")
    pages = _count_pages(data)
    if pages == 0:
        raise CorruptPdfError("no pages")
    if pages > settings.max_pages:
        raise TooManyPagesError(pages, settings.max_pages)
    return SniffedPdf(data, pages)


def _count_pages(data: bytes) -> int:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise EncryptedPdfError()
            return len(reader.pages)
    except EncryptedPdfError:
        raise
    except RecursionError as exc:
        raise CorruptPdfError("object nesting too deep") from exc
    except (PdfReadError, Exception) as exc:  # pypdf raises many kinds on broken files
        if "encrypt" in str(exc).lower():
            raise EncryptedPdfError() from exc
        raise CorruptPdfError(str(exc) or type(exc).__name__) from exc
