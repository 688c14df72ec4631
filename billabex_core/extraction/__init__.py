"""The extraction engine: PDF or XML e-invoice bytes in, fields out. No database.

    from billabex_core.extraction import extract, sniff_pdf
    pdf = sniff_pdf(pdf_bytes)  # the cheap checks, once: a SniffedPdf or an ExtractionError
    result = extract(pdf, org=OrgIdentity(name="ACME", vat="FR...", siren="..."))
    result.to_contract()  # the ``extract --json`` object of shared/spec/cli.md

``extract`` also takes the bytes themselves and sniffs them first.

Backends are tried in the order of ``registry``: embedded e-invoice XML (exact), the text
layer, then OCR for scanned pages. ``mode="text"`` ignores embedded XML; ``mode="ocr"``
renders every page and OCRs it even when a text layer exists. A standalone XML e-invoice (UBL,
CII) has one backend, ``xml`` (exact, ``source`` "xml"), whatever the mode.
"""

from __future__ import annotations

import sys
from typing import Literal

from billabex_core.config import get_settings
from billabex_core.errors import ExtractionError
from billabex_core.extraction.base import (
    FIELD_NAMES,
    ExtractedField,
    ExtractionJob,
    ExtractionResult,
    Extractor,
    OrgIdentity,
    PaidMark,
    SniffedPdf,
)
from billabex_core.extraction.errors import CorruptPdfError, MalformedXmlError, OcrUnavailableError
from billabex_core.extraction.facturx import FacturXExtractor
from billabex_core.extraction.ocr import OcrExtractor
from billabex_core.extraction.sniff import sniff_pdf
from billabex_core.extraction.text import TextExtractor
from billabex_core.extraction.xml_einvoice import XmlEInvoiceExtractor

Mode = Literal["auto", "text", "ocr"]
_Order = Literal["auto", "text", "ocr", "xml"]

registry: dict[str, Extractor] = {
    "xml": XmlEInvoiceExtractor(),
    "facturx": FacturXExtractor(),
    "text": TextExtractor(),
    "ocr": OcrExtractor(),
}

_ORDER: dict[str, tuple[str, ...]] = {
    "xml": ("xml",),
    "auto": ("facturx", "text", "ocr"),
    "text": ("text", "ocr"),
    "ocr": ("ocr",),
}


def extract(
    pdf: bytes | SniffedPdf, *, org: OrgIdentity | None = None, mode: Mode = "auto"
) -> ExtractionResult:
    """Extract the fields of one PDF or XML e-invoice; raises an ``ExtractionError`` subclass for
    bad input.

    Bytes are sniffed first; a ``SniffedPdf`` (from ``sniff_pdf``) is not checked again.
    """
    if mode not in _ORDER or mode == "xml":
        raise ValueError(f"unknown extraction mode: {mode}")
    sniffed = pdf if isinstance(pdf, SniffedPdf) else sniff_pdf(pdf)
    job = ExtractionJob(sniffed, org, budget_s=get_settings().extraction_time_budget_s)
    limit = sys.getrecursionlimit()
    try:
        return _run_backends(job, "xml" if sniffed.is_xml else mode)
    except ExtractionError:
        raise
    except RecursionError as exc:
        raise _unreadable(sniffed)("object nesting too deep") from exc
    except MemoryError as exc:
        raise _unreadable(sniffed)("document too large to process") from exc
    except Exception as exc:  # a parser bug on a hostile file must not crash the caller
        raise _unreadable(sniffed)(f"{type(exc).__name__}: {exc}") from exc
    finally:
        sys.setrecursionlimit(limit)


def _unreadable(sniffed: SniffedPdf) -> type[CorruptPdfError | MalformedXmlError]:
    return MalformedXmlError if sniffed.is_xml else CorruptPdfError


def _run_backends(job: ExtractionJob, mode: _Order) -> ExtractionResult:
    """The first backend of the mode's order that applies gives the result."""
    for name in _ORDER[mode]:
        backend = registry[name]
        if name == "ocr" and not backend.is_available():
            raise OcrUnavailableError()
        result = backend.extract(job)
        if result is not None:
            return result
        job.check_time()
    raise CorruptPdfError("no readable content")


__all__ = [
    "FIELD_NAMES",
    "ExtractedField",
    "ExtractionJob",
    "ExtractionResult",
    "Extractor",
    "Mode",
    "OrgIdentity",
    "PaidMark",
    "SniffedPdf",
    "extract",
    "registry",
    "sniff_pdf",
]
