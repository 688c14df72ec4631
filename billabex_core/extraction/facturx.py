"""Embedded e-invoice XML: Factur-X / ZUGFeRD 1.0 and 2.x / XRechnung (CII), and UBL 2.1
``Invoice``/``CreditNote`` attached to a PDF (PDF/A-3 with ``ubl.xml``, ``xrechnung.xml``…, in
the ``EmbeddedFiles`` name tree or only as the catalog's associated files ``/AF``).

The XML is the legal content of the document, so this path maps it exactly (``einvoice``): no
guessing, confidence 1.0; the values are then looked for on the page to draw their boxes
(``locate``). Each attachment is parsed as safely as an uploaded XML (``xmlsafe``): one that is
malformed, declares a DOCTYPE or is not an e-invoice is skipped. The result carries the
e-invoice's checks (XSD, EN 16931 totals).
"""

from __future__ import annotations

import io
import logging
import warnings
from typing import Any

from lxml import etree

from billabex_core.errors import ExtractionError
from billabex_core.extraction.base import ExtractionJob, ExtractionResult
from billabex_core.extraction.einvoice import CREDIT_TYPE_CODES, map_einvoice
from billabex_core.extraction.locate import locate_fields
from billabex_core.extraction.xmlsafe import parse_xml, syntax_of

# Attachment names of the standards first, then any other XML, then the rest.
_KNOWN_NAMES = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml", "ubl.xml", "invoice.xml")


def _rank(name: str) -> int:
    lowered = name.lower()
    if lowered in _KNOWN_NAMES:
        return 0
    return 1 if lowered.endswith(".xml") else 2


def _attachments(data: bytes) -> list[tuple[str, list[bytes]]]:
    """The files attached to the PDF (the ``EmbeddedFiles`` name tree, else the catalog's
    ``/AF`` associated files of PDF/A-3), the likeliest e-invoices first."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            attachments = reader.attachments
            found = [(name, attachments[name]) for name in attachments] or _associated_files(reader)
            return sorted(found, key=lambda i: _rank(i[0]))
    except Exception:  # noqa: BLE001 - a broken attachment tree is not an e-invoice
        return []


def _associated_files(reader: Any) -> list[tuple[str, list[bytes]]]:
    """``/AF`` of the catalog: file specifications with their embedded stream (``/EF /F``)."""
    found = []
    for ref in reader.trailer["/Root"].get("/AF") or []:
        spec = ref.get_object()
        stream = spec.get("/EF", {}).get("/F")
        if stream is not None:
            found.append((str(spec.get("/UF") or spec.get("/F") or ""), [stream.get_object().get_data()]))
    return found


def embedded_xml(data: bytes) -> etree._Element | None:
    """The root of the first attached e-invoice XML (CII or UBL), or None."""
    for _name, blobs in _attachments(data):
        for blob in blobs:
            try:
                root = parse_xml(blob)
            except ExtractionError:
                continue
            if syntax_of(root) is not None:
                return root
    return None


def map_xml(root: etree._Element) -> ExtractionResult:
    """An embedded CII or UBL root onto the contract fields (``source`` "facturx")."""
    return map_einvoice(root, source="facturx")


class FacturXExtractor:
    """Backend 1: the embedded XML, exact."""

    name = "facturx"

    def is_available(self) -> bool:
        return True

    def extract(self, job: ExtractionJob) -> ExtractionResult | None:
        if job.pdf.is_xml:
            return None
        root = embedded_xml(job.data)
        job.check_time()
        if root is None:
            return None
        result = map_xml(root)
        locate_fields(result, job)
        return result


__all__ = ["CREDIT_TYPE_CODES", "FacturXExtractor", "embedded_xml", "map_xml"]
