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
    """Pages as pdfium, the reader of every backend, counts them. A PDF that opens without a
    password (at most an owner password against editing) is readable; one that asks for a
    password to open is refused as encrypted."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise EncryptedPdfError() from exc
        raise CorruptPdfError(_PDFIUM_ERRORS.get(exc.err_code or 0, "unreadable structure")) from exc
    try:
        return len(pdf)
    finally:
        pdf.close()


_PDFIUM_ERRORS = {5: "unsupported security handler", 6: "no readable page"}  # FPDF_ERR_*
