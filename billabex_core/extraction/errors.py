"""Errors raised for uploaded files (PDF or XML e-invoice) that cannot be extracted.

    ExtractionError (billabex_core.errors)
    ├── EmptyFileError          zero bytes
    ├── NotAPdfError            neither a ``%PDF-`` header nor XML
    ├── FileTooLargeError       bigger than ``max_upload_mb``
    ├── EncryptedPdfError       encrypted, with or without a user password
    ├── CorruptPdfError         unreadable structure (also truncated, pathological files)
    ├── TooManyPagesError       more than ``max_pages``
    ├── ExtractionTimeoutError  the per-document time budget ran out
    ├── OcrUnavailableError     a scanned PDF while tesseract is not installed
    ├── MalformedXmlError       an XML file that is not well-formed
    ├── UnsafeXmlError          an XML file with a DOCTYPE (entities, DTDs: XXE, expansion bombs)
    ├── NotAnEInvoiceError      well-formed XML (or HTML) that is not a UBL or CII invoice
    └── EmptyEInvoiceError      an e-invoice root with neither a number nor a total

Every message is one line, suitable for ``error: <message>`` on the command line.
"""

from __future__ import annotations

import math
from decimal import Decimal

from billabex_core.config import MEGABYTE
from billabex_core.errors import ExtractionError


class EmptyFileError(ExtractionError):
    def __init__(self) -> None:
        super().__init__("empty file: nothing to read", code="upload.empty")


class NotAPdfError(ExtractionError):
    def __init__(self) -> None:
        super().__init__("not a PDF file", code="upload.not_pdf")


class FileTooLargeError(ExtractionError):
    """``size`` and ``limit`` in bytes; the message shows megabytes (``config.MEGABYTE``)."""

    def __init__(self, size: int, limit: int) -> None:
        # Rounded up, so that a file just over the limit never reads as the limit itself.
        shown = math.ceil(size * 10 / MEGABYTE) / 10
        super().__init__(
            f"file too large: {shown:.1f} MB (limit {limit / MEGABYTE:g} MB)",
            code="upload.too_large",
            params={"size": Decimal(f"{shown:.1f}"), "limit": Decimal(f"{limit / MEGABYTE:g}")},
        )
        self.size = size
        self.limit = limit


class EncryptedPdfError(ExtractionError):
    def __init__(self) -> None:
        super().__init__(
            "encrypted PDF: remove the password protection and try again", code="upload.encrypted"
        )


class CorruptPdfError(ExtractionError):
    def __init__(self, detail: str = "") -> None:
        detail = " ".join(detail.split())[:120]
        super().__init__(f"corrupt PDF: {detail}" if detail else "corrupt PDF", code="upload.corrupt")


class TooManyPagesError(ExtractionError):
    def __init__(self, pages: int, limit: int) -> None:
        super().__init__(
            f"too many pages: {pages} (limit {limit})",
            code="upload.too_many_pages",
            params={"pages": pages, "limit": limit},
        )
        self.pages = pages
        self.limit = limit


class ExtractionTimeoutError(ExtractionError):
    def __init__(self, budget_s: float) -> None:
        super().__init__(
            f"extraction took longer than {budget_s:g} s: document too complex",
            code="upload.timeout",
            params={"seconds": Decimal(f"{budget_s:g}")},
        )
        self.budget_s = budget_s


class OcrUnavailableError(ExtractionError):
    def __init__(self) -> None:
        super().__init__("scanned PDF: OCR is not installed (install tesseract-ocr)", code="upload.no_ocr")


class MalformedXmlError(ExtractionError):
    def __init__(self, detail: str = "") -> None:
        detail = " ".join(detail.split())[:120]
        super().__init__(
            f"malformed XML: {detail}" if detail else "malformed XML", code="upload.malformed_xml"
        )


class UnsafeXmlError(ExtractionError):
    def __init__(self) -> None:
        super().__init__(
            "XML with a DOCTYPE refused: e-invoices carry no DTD nor entity declarations",
            code="upload.unsafe_xml",
        )


class NotAnEInvoiceError(ExtractionError):
    """``what`` names what the file is instead ("an HTML page", "a UBL Order")."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"not an e-invoice: {what} (expected a UBL Invoice or CreditNote, or a CII CrossIndustryInvoice)",
            code="upload.not_einvoice",
        )


class EmptyEInvoiceError(ExtractionError):
    def __init__(self, what: str) -> None:
        super().__init__(
            f"empty e-invoice: {what} with neither a number nor totals", code="upload.empty_einvoice"
        )
