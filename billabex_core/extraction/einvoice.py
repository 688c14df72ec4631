"""An e-invoice XML (UBL 2.1, CII, ZUGFeRD 1.0) mapped onto the contract's fields, with its checks.

The XML is the legal content of the document, so values are taken exactly as written, in the
contract's formats (amounts positive with a dot, ISO dates, upper-case VAT ids): confidence 1.0,
no page position. The kind comes from the document type (a UBL ``CreditNote``, or a credit
type code such as 381; an invoice whose grand total is negative is a credit note too, with a
warning), the credited invoice from the billing reference. Each document also gets its checks:
the XSD of its syntax (``xsd``) and the EN 16931 arithmetic on totals (``en16931``).
"""

from __future__ import annotations

import re
from decimal import Decimal

from lxml import etree

from billabex_core.extraction import cii, ubl
from billabex_core.extraction.base import ExtractedField, ExtractionResult, RuleCheck
from billabex_core.extraction.en16931 import Totals, check_totals
from billabex_core.extraction.xmlsafe import Syntax, syntax_of
from billabex_core.extraction.xsd import xsd_check

CREDIT_TYPE_CODES = frozenset({"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"})
_CREDITED_NOTE = re.compile(
    r"(?:ursprungsbeleg|originalrechnung|rechnung|facture|invoice)\S*\s*(?:nr|no|n°|number|nummer)\.?\s*:\s*([A-Z0-9][\w./-]+)",
    re.IGNORECASE,
)


def _field(value: str | None) -> ExtractedField:
    return ExtractedField(value, 1.0 if value is not None else 0.0, None, None)


def money(value: Decimal | None) -> str | None:
    """The amount as written, positive, with two decimals unless it has more."""
    if value is None:
        return None
    value = abs(value)
    cents = value.quantize(Decimal("0.01"))
    return str(cents) if cents == value else format(value, "f")


def map_einvoice(root: etree._Element, *, source: str, syntax: Syntax | None = None) -> ExtractionResult:
    """The fields, kind, warnings and checks of one e-invoice root."""
    syntax = syntax or syntax_of(root)
    module = ubl if syntax == "ubl" else cii
    values = module.values(root)
    type_code, grand = values.pop("_type"), values.pop("_grand")
    credit = values.pop("_credit_root", False) or type_code in CREDIT_TYPE_CODES
    warnings: list[str] = []
    if not credit and grand is not None and grand < 0:
        credit = True
        warnings.append("credit note: the grand total is negative")
    amounts = ("total_excl_tax", "tax_amount", "total_incl_tax", "amount_due")
    texts = {name: (money(value) if name in amounts else value) for name, value in values.items()}
    if texts.get("amount_due") is None:
        texts["amount_due"] = texts.get("total_incl_tax")
    result = ExtractionResult("credit_note" if credit else "invoice", source, warnings=warnings)
    result.fields = {name: _field(value) for name, value in texts.items()}
    if texts.get("credited_invoice_number") is None and credit:
        ref = _credited_from_notes(root)
        if ref:
            result.fields["credited_invoice_number"] = ExtractedField(ref, 0.8)
            result.warnings.append("credited invoice number read from a free-text note")
    result.checks = einvoice_checks(root, syntax, module.totals(root))
    failed = [c.rule for c in result.checks if c.ok is False]
    if failed:
        result.warnings.append(f"e-invoice checks failed: {', '.join(failed)} (see the checks)")
    return result


def einvoice_checks(root: etree._Element, syntax: Syntax | None, totals: Totals) -> list[RuleCheck]:
    """The XSD, then the EN 16931 rules — which ZUGFeRD 1.0, older than the norm, is not held to
    (its allowances, charges and corrections are written differently)."""
    if syntax == "zugferd1":
        older = RuleCheck(
            "EN 16931", "Totals (BR-CO rules)", None, "does not apply: ZUGFeRD 1.0 predates EN 16931"
        )
        return [xsd_check(root, syntax), older]
    return [xsd_check(root, syntax), *check_totals(totals)]


def _credited_from_notes(root: etree._Element) -> str | None:
    for node in root.iter():
        if isinstance(node.tag, str) and etree.QName(node).localname in ("Content", "Note") and node.text:
            match = _CREDITED_NOTE.search(node.text)
            if match:
                return match.group(1)
    return None
