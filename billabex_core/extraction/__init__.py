"""The extraction engine: PDF bytes in, fields out. No database.

    from billabex_core.extraction import extract, sniff_pdf
    result = extract(pdf_bytes, org=OrgIdentity(name="ACME", vat="FR...", siren="..."))
    result.to_contract()  # the ``extract --json`` object of shared/spec/cli.md

Backends are tried in the order of ``registry``: embedded e-invoice XML (exact), the text
layer, then OCR for scanned pages. ``mode="text"`` ignores embedded XML; ``mode="ocr"``
renders every page and OCRs it even when a text layer exists.
"""

from __future__ import annotations

import sys
from typing import Literal

from billabex_core.config import get_settings
from billabex_core.errors import ExtractionError
from billabex_core.extraction.base import (
    FIELD_NAMES,
    Document,
    ExtractedField,
    ExtractionResult,
    Extractor,
    OrgIdentity,
)
from billabex_core.extraction.errors import CorruptPdfError, OcrUnavailableError
from billabex_core.extraction.facturx import FacturXExtractor
from billabex_core.extraction.ocr import OcrExtractor
from billabex_core.extraction.sniff import sniff_pdf as _sniff
from billabex_core.extraction.text import TextExtractor

Mode = Literal["auto", "text", "ocr"]

registry: dict[str, Extractor] = {
    "facturx": FacturXExtractor(),
    "text": TextExtractor(),
    "ocr": OcrExtractor(),
}

_ORDER: dict[str, tuple[str, ...]] = {
    "auto": ("facturx", "text", "ocr"),
    "text": ("text", "ocr"),
    "ocr": ("ocr",),
}


def sniff_pdf(data: bytes) -> None:
    """Cheap checks before storing an upload; raises an ``ExtractionError`` subclass."""
    _sniff(data)


def extract(data: bytes, *, org: OrgIdentity | None = None, mode: Mode = "auto") -> ExtractionResult:
    """Extract the fields of one PDF; raises an ``ExtractionError`` subclass for bad input."""
    if mode not in _ORDER:
        raise ValueError(f"unknown extraction mode: {mode}")
    pages = _sniff(data)
    doc = Document(data, pages, org, budget_s=get_settings().extraction_time_budget_s)
    limit = sys.getrecursionlimit()
    try:
        for name in _ORDER[mode]:
            backend = registry[name]
            if name == "ocr" and not backend.is_available():
                raise OcrUnavailableError()
            result = backend.extract(doc)
            if result is not None:
                return result
            doc.check_time()
    except ExtractionError:
        raise
    except RecursionError as exc:
        raise CorruptPdfError("object nesting too deep") from exc
    except MemoryError as exc:
        raise CorruptPdfError("document too large to process") from exc
    except Exception as exc:  # a parser bug on a hostile file must not crash the caller
        raise CorruptPdfError(f"{type(exc).__name__}: {exc}") from exc
    finally:
        sys.setrecursionlimit(limit)
    raise CorruptPdfError("no readable content")


__all__ = [
    "FIELD_NAMES",
    "ExtractedField",
    "ExtractionResult",
    "Extractor",
    "OrgIdentity",
    "extract",
    "registry",
    "sniff_pdf",
]
