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
from billabex_core.messages import Template

# The messages, as templates: a batch stores them as its files' reasons, which a screen reads back
# in the user's language (``billabex_ui.feedback.stored_text``).
EMPTY = Template("upload.empty", "empty file: nothing to read")
NOT_PDF = Template("upload.not_pdf", "not a PDF file")
TOO_LARGE = Template("upload.too_large", "file too large: {size} MB (limit {limit} MB)")
ENCRYPTED = Template("upload.encrypted", "encrypted PDF: remove the password protection and try again")
CORRUPT = Template("upload.corrupt", "corrupt PDF")
CORRUPT_DETAIL = Template("upload.corrupt.detail", "corrupt PDF: {detail}")
TOO_MANY_PAGES = Template("upload.too_many_pages", "too many pages: {pages} (limit {limit})")
TIMEOUT = Template("upload.timeout", "extraction took longer than {seconds} s: document too complex")
NO_OCR = Template("upload.no_ocr", "scanned PDF: OCR is not installed (install tesseract-ocr)")
MALFORMED_XML = Template("upload.malformed_xml", "malformed XML")
MALFORMED_XML_DETAIL = Template("upload.malformed_xml.detail", "malformed XML: {detail}")
UNSAFE_XML = Template(
    "upload.unsafe_xml", "XML with a DOCTYPE refused: e-invoices carry no DTD nor entity declarations"
)
NOT_EINVOICE = Template(
    "upload.not_einvoice",
    "not an e-invoice: {what} (expected a UBL Invoice or CreditNote, or a CII CrossIndustryInvoice)",
)
EMPTY_EINVOICE = Template("upload.empty_einvoice", "empty e-invoice: {what} with neither a number nor totals")


class EmptyFileError(ExtractionError):
    def __init__(self) -> None:
        super().__init__(EMPTY.format(), code=EMPTY.code)


class NotAPdfError(ExtractionError):
    def __init__(self) -> None:
        super().__init__(NOT_PDF.format(), code=NOT_PDF.code)


class FileTooLargeError(ExtractionError):
    """``size`` and ``limit`` in bytes; the message shows megabytes (``config.MEGABYTE``)."""

    def __init__(self, size: int, limit: int) -> None:
        # Rounded up, so that a file just over the limit never reads as the limit itself.
        shown = math.ceil(size * 10 / MEGABYTE) / 10
        super().__init__(
            TOO_LARGE.format(size=f"{shown:.1f}", limit=f"{limit / MEGABYTE:g}"),
            code=TOO_LARGE.code,
            params={"size": Decimal(f"{shown:.1f}"), "limit": Decimal(f"{limit / MEGABYTE:g}")},
        )
        self.size = size
        self.limit = limit


class EncryptedPdfError(ExtractionError):
    def __init__(self) -> None:
        super().__init__(ENCRYPTED.format(), code=ENCRYPTED.code)


class CorruptPdfError(ExtractionError):
    def __init__(self, detail: str = "") -> None:
        detail = " ".join(detail.split())[:120]
        text = CORRUPT_DETAIL.format(detail=detail) if detail else CORRUPT.format()
        super().__init__(text, code=CORRUPT.code)


class TooManyPagesError(ExtractionError):
    def __init__(self, pages: int, limit: int) -> None:
        super().__init__(
            TOO_MANY_PAGES.format(pages=pages, limit=limit),
            code=TOO_MANY_PAGES.code,
            params={"pages": pages, "limit": limit},
        )
        self.pages = pages
        self.limit = limit


class ExtractionTimeoutError(ExtractionError):
    def __init__(self, budget_s: float) -> None:
        super().__init__(
            TIMEOUT.format(seconds=f"{budget_s:g}"),
            code=TIMEOUT.code,
            params={"seconds": Decimal(f"{budget_s:g}")},
        )
        self.budget_s = budget_s


class OcrUnavailableError(ExtractionError):
    def __init__(self) -> None:
        super().__init__(NO_OCR.format(), code=NO_OCR.code)


class MalformedXmlError(ExtractionError):
    def __init__(self, detail: str = "") -> None:
        detail = " ".join(detail.split())[:120]
        text = MALFORMED_XML_DETAIL.format(detail=detail) if detail else MALFORMED_XML.format()
        super().__init__(text, code=MALFORMED_XML.code)


class UnsafeXmlError(ExtractionError):
    def __init__(self) -> None:
        super().__init__(UNSAFE_XML.format(), code=UNSAFE_XML.code)


class NotAnEInvoiceError(ExtractionError):
    """``what`` names what the file is instead ("an HTML page", "a UBL Order")."""

    def __init__(self, what: str) -> None:
        super().__init__(NOT_EINVOICE.format(what=what), code=NOT_EINVOICE.code)


class EmptyEInvoiceError(ExtractionError):
    def __init__(self, what: str) -> None:
        super().__init__(EMPTY_EINVOICE.format(what=what), code=EMPTY_EINVOICE.code)
