"""The extractor interface and the values every backend returns.

Contract of a backend (``Extractor``):

- ``name`` is the value of ``source`` in the result (``"facturx"``, ``"text"``, ``"ocr"``).
- ``is_available()`` says whether its optional dependencies (tesseract) are installed.
- ``extract(job)`` reads an ``ExtractionJob`` (a ``SniffedPdf``: a readable, unencrypted PDF
  within the limits, with the organisation's identity and the time budget) and returns an
  ``ExtractionResult``, or ``None`` when this backend does not apply (no embedded XML, no text
  layer). It raises an ``ExtractionError`` subclass for input it cannot read, and calls
  ``job.check_time()`` between steps so that the per-document time budget is kept.

Each field carries its value (a string in the formats of ``shared/spec/cli.md``), a confidence
in 0..1 and, when it was read from the page, the 1-based page number and the bounding box
``(x0, top, x1, bottom)`` in PDF points from the top-left corner of that page.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from billabex_core.domain.fields import FIELD_NAMES
from billabex_core.extraction.errors import ExtractionTimeoutError

Bbox = tuple[float, float, float, float]


@dataclass(frozen=True)
class ExtractedField:
    value: str | None
    confidence: float = 0.0
    page: int | None = None
    bbox: Bbox | None = None

    def to_contract(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "confidence": round(max(0.0, min(1.0, self.confidence)), 3),
            "page": self.page,
            "bbox": [round(v, 1) for v in self.bbox] if self.bbox else None,
        }


MISSING = ExtractedField(None, 0.0, None, None)


@dataclass(frozen=True)
class PaidMark:
    """The document says it is paid: the stamp as printed, and its date when it has one."""

    text: str
    paid_on: str | None = None  # YYYY-MM-DD

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "paid_on": self.paid_on}


@dataclass(frozen=True)
class RuleCheck:
    """One named check of an e-invoice (``XSD``, ``BR-CO-10``…) and its result: ``ok`` is
    True (passes), False (fails: ``detail`` says why) or None (does not apply)."""

    rule: str
    title: str
    ok: bool | None
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "title": self.title, "ok": self.ok, "detail": self.detail}


@dataclass
class ExtractionResult:
    kind: str
    source: str
    fields: dict[str, ExtractedField] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    paid: PaidMark | None = None  # not part of the ``extract --json`` object (a warning says it)
    checks: list[RuleCheck] = field(default_factory=list)  # e-invoices only; a warning names failures

    def value(self, name: str) -> str | None:
        return self.fields.get(name, MISSING).value

    def to_contract(self) -> dict[str, Any]:
        """Exactly the JSON object of ``extract --json`` (every field name present)."""
        return {
            "kind": self.kind,
            "source": self.source,
            "fields": {name: self.fields.get(name, MISSING).to_contract() for name in FIELD_NAMES},
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class OrgIdentity:
    """The organisation's own identity: on a document it issued, it is the seller."""

    name: str | None = None
    vat: str | None = None
    siren: str | None = None


@dataclass(frozen=True)
class SniffedPdf:
    """Bytes that passed ``sniff_pdf``: a readable, unencrypted PDF within the size and page
    limits, or a well-formed UBL/CII e-invoice XML within the size limit (``page_count`` 0).
    (The invoice row that a validated import becomes is ``models.Document``.)"""

    data: bytes
    page_count: int

    @property
    def is_xml(self) -> bool:
        """A standalone XML e-invoice (sniffing accepts nothing else without a ``%PDF-`` header)."""
        return b"%PDF-" not in self.data[:1024]


@dataclass
class ExtractionJob:
    """One extraction under way, as the backends receive it: the sniffed PDF, the organisation
    (the seller on its own documents) and the time budget, counted from ``started``."""

    pdf: SniffedPdf
    org: OrgIdentity | None = None
    budget_s: float = 60.0
    started: float = field(default_factory=time.monotonic)

    @property
    def data(self) -> bytes:
        return self.pdf.data

    @property
    def page_count(self) -> int:
        return self.pdf.page_count

    def check_time(self) -> None:
        if time.monotonic() - self.started > self.budget_s:
            raise ExtractionTimeoutError(self.budget_s)


class Extractor(Protocol):
    name: str

    def is_available(self) -> bool: ...

    def extract(self, job: ExtractionJob) -> ExtractionResult | None: ...
