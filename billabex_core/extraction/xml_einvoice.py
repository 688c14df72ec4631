"""Backend for standalone XML e-invoices: UBL 2.1 ``Invoice``/``CreditNote`` and CII
``CrossIndustryInvoice`` (EN 16931, XRechnung, Factur-X / ZUGFeRD XML alone), ZUGFeRD 1.0.

The file was sniffed already (``sniff``: well-formed, no DOCTYPE, an e-invoice root); it is
parsed again here, safely, and mapped exactly (``einvoice``) with ``source = "xml"``. The
result carries the e-invoice's checks (XSD, EN 16931 totals). It applies to XML files only:
a PDF is left to the other backends.
"""

from __future__ import annotations

from billabex_core.extraction.base import ExtractionJob, ExtractionResult
from billabex_core.extraction.einvoice import map_einvoice
from billabex_core.extraction.errors import EmptyEInvoiceError
from billabex_core.extraction.xmlsafe import describe, parse_einvoice


def extract_xml(data: bytes) -> ExtractionResult:
    """One XML e-invoice's result; raises the one-line error of a file that is not one (also an
    invoice root that gives neither a number nor a total: nothing to review)."""
    root, syntax = parse_einvoice(data)
    result = map_einvoice(root, source="xml", syntax=syntax)
    if result.value("number") is None and result.value("total_incl_tax") is None:
        raise EmptyEInvoiceError(describe(root))
    return result


class XmlEInvoiceExtractor:
    """The standalone XML, exact."""

    name = "xml"

    def is_available(self) -> bool:
        return True

    def extract(self, job: ExtractionJob) -> ExtractionResult | None:
        if not job.pdf.is_xml:
            return None
        return extract_xml(job.data)
