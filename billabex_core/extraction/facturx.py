"""Embedded e-invoice XML: Factur-X / ZUGFeRD 1.0 and 2.x / XRechnung (CII), and UBL.

The XML is the legal content of the document, so this path maps it exactly: no guessing,
confidence 1.0, no page position (it is not read from the page).
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from decimal import Decimal, InvalidOperation

from lxml import etree

from billabex_core.extraction.base import ExtractedField, ExtractionJob, ExtractionResult
from billabex_core.extraction.locate import locate_fields
from billabex_core.extraction.normalize import clean_vat, one_line, siren_from_vat

CREDIT_TYPE_CODES = frozenset({"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"})
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
_XML_ROOTS = {"CrossIndustryInvoice", "CrossIndustryDocument", "Invoice", "CreditNote"}
_CREDITED_NOTE = re.compile(
    r"(?:ursprungsbeleg|originalrechnung|rechnung|facture|invoice)\S*\s*(?:nr|no|n°|number|nummer)\.?\s*:\s*([A-Z0-9][\w./-]+)",
    re.IGNORECASE,
)


def embedded_xml(data: bytes) -> etree._Element | None:
    """The root of the first embedded e-invoice XML, or None."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            attachments = PdfReader(io.BytesIO(data), strict=False).attachments
            items = [(name, blobs) for name, blobs in attachments.items()]
    except Exception:  # noqa: BLE001 - a broken attachment tree is not an e-invoice
        return None
    for name, blobs in sorted(items, key=lambda item: not item[0].lower().endswith(".xml")):
        for blob in blobs:
            try:
                root = etree.fromstring(blob, _PARSER)
            except (etree.XMLSyntaxError, ValueError):
                continue
            if etree.QName(root).localname in _XML_ROOTS:
                return root
        del name
    return None


def _children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str) and etree.QName(c).localname == name]


def _all(el: etree._Element | None, path: str) -> list[etree._Element]:
    nodes = [el] if el is not None else []
    for part in path.split("/"):
        nodes = [c for n in nodes for c in _children(n, part)]
    return nodes


def _first(el: etree._Element | None, *paths: str) -> etree._Element | None:
    for path in paths:
        found = _all(el, path)
        if found:
            return found[0]
    return None


def _text(el: etree._Element | None, *paths: str) -> str | None:
    node = _first(el, *paths) if paths else el
    if node is None:
        return None
    text = one_line(node.text or "")
    return text or None


def _date(el: etree._Element | None, *paths: str) -> str | None:
    raw = _text(el, *paths)
    if not raw:
        return None
    digits = re.sub(r"\D", "", raw)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", raw):
        return raw[:10]
    if len(digits) == 8:
        return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    return None


def _amount(nodes: list[etree._Element], currency: str | None) -> Decimal | None:
    if currency:  # TaxTotalAmount may be given twice (invoice and accounting currency)
        matching = [n for n in nodes if n.get("currencyID") in (None, currency)]
        nodes = matching or nodes
    for node in nodes:
        try:
            return Decimal((node.text or "").strip())
        except InvalidOperation:
            continue
    return None


class _Party:
    """Name, VAT id, SIREN and address of a CII or UBL party element."""

    def __init__(self, el: etree._Element | None, ubl: bool) -> None:
        self.el = el
        self.ubl = ubl

    def name(self) -> str | None:
        if self.ubl:
            return _text(self.el, "PartyLegalEntity/RegistrationName", "PartyName/Name")
        return _text(self.el, "Name")

    def vat(self) -> str | None:
        path = "PartyTaxScheme/CompanyID" if self.ubl else "SpecifiedTaxRegistration/ID"
        ids = _all(self.el, path)
        preferred = [n for n in ids if (n.get("schemeID") or "VA").upper() in ("VA", "VAT")]
        for node in preferred or ids:
            if node.text and node.text.strip():
                return clean_vat(node.text)
        return None

    def siren(self) -> str | None:
        path = "PartyLegalEntity/CompanyID" if self.ubl else "SpecifiedLegalOrganization/ID"
        for node in _all(self.el, path):
            digits = re.sub(r"\D", "", node.text or "")
            if node.get("schemeID") == "0002" and len(digits) == 9:
                return digits
        return siren_from_vat(self.vat())

    def address(self) -> tuple[str | None, str | None]:
        if self.ubl:
            addr = _first(self.el, "PostalAddress")
            lines = [_text(addr, p) for p in ("StreetName", "AdditionalStreetName", "AddressLine/Line")]
            postcode, city = _text(addr, "PostalZone"), _text(addr, "CityName")
            country = _text(addr, "Country/IdentificationCode")
        else:
            addr = _first(self.el, "PostalTradeAddress")
            lines = [_text(addr, p) for p in ("LineOne", "LineTwo", "LineThree")]
            postcode, city = _text(addr, "PostcodeCode"), _text(addr, "CityName")
            country = _text(addr, "CountryID")
        town = " ".join(p for p in (postcode, city) if p)
        parts = [p for p in [*lines, town] if p]
        return (", ".join(parts) or None, country.upper() if country else None)


def _field(value: str | None) -> ExtractedField:
    return ExtractedField(value, 1.0 if value is not None else 0.0, None, None)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(abs(value).quantize(Decimal("0.01")))


def map_xml(root: etree._Element) -> ExtractionResult:
    """Map a CII (ZUGFeRD 1.0, 2.x, Factur-X, XRechnung) or UBL root onto the contract fields."""
    ubl = etree.QName(root).localname in ("Invoice", "CreditNote")
    values, warnings_ = (_map_ubl(root) if ubl else _map_cii(root)), []
    type_code, grand = values.pop("_type"), values.pop("_grand")
    credit = type_code in CREDIT_TYPE_CODES or (grand is not None and grand < 0)
    if credit and type_code not in CREDIT_TYPE_CODES:
        warnings_.append("credit note: the grand total is negative")
    result = ExtractionResult("credit_note" if credit else "invoice", "facturx", warnings=warnings_)
    result.fields = {name: _field(value) for name, value in values.items()}
    if values.get("credited_invoice_number") is None and credit:
        ref = _credited_from_notes(root)
        if ref:
            result.fields["credited_invoice_number"] = ExtractedField(ref, 0.8)
            result.warnings.append("credited invoice number read from a free-text note")
    return result


def _credited_from_notes(root: etree._Element) -> str | None:
    for node in root.iter():
        if isinstance(node.tag, str) and etree.QName(node).localname in ("Content", "Note") and node.text:
            match = _CREDITED_NOTE.search(node.text)
            if match:
                return match.group(1)
    return None


def _map_cii(root: etree._Element) -> dict:
    doc = _first(root, "ExchangedDocument", "HeaderExchangedDocument")
    tx = _first(root, "SupplyChainTradeTransaction", "SpecifiedSupplyChainTradeTransaction")
    agreement = _first(tx, "ApplicableHeaderTradeAgreement", "ApplicableSupplyChainTradeAgreement")
    settlement = _first(tx, "ApplicableHeaderTradeSettlement", "ApplicableSupplyChainTradeSettlement")
    totals = _first(
        settlement,
        "SpecifiedTradeSettlementHeaderMonetarySummation",
        "SpecifiedTradeSettlementMonetarySummation",
    )
    currency = _text(settlement, "InvoiceCurrencyCode")
    seller = _Party(_first(agreement, "SellerTradeParty"), ubl=False)
    buyer = _Party(_first(agreement, "BuyerTradeParty"), ubl=False)
    grand = _amount(_all(totals, "GrandTotalAmount"), currency)
    due = _amount(_all(totals, "DuePayableAmount"), currency)
    referenced = _text(settlement, "InvoiceReferencedDocument/IssuerAssignedID") or _text(
        agreement, "InvoiceReferencedDocument/IssuerAssignedID"
    )
    return _common(
        type_code=_text(doc, "TypeCode"),
        number=_text(doc, "ID"),
        issue=_date(doc, "IssueDateTime/DateTimeString"),
        due_date=_date(settlement, "SpecifiedTradePaymentTerms/DueDateDateTime/DateTimeString"),
        currency=currency,
        excl=_amount(_all(totals, "TaxBasisTotalAmount"), currency),
        tax=_amount(_all(totals, "TaxTotalAmount"), currency),
        grand=grand,
        due=due,
        seller=seller,
        buyer=buyer,
        referenced=referenced,
    )


def _map_ubl(root: etree._Element) -> dict:
    currency = _text(root, "DocumentCurrencyCode")
    totals = _first(root, "LegalMonetaryTotal")
    seller = _Party(_first(root, "AccountingSupplierParty/Party"), ubl=True)
    buyer = _Party(_first(root, "AccountingCustomerParty/Party"), ubl=True)
    return _common(
        type_code=_text(root, "InvoiceTypeCode", "CreditNoteTypeCode")
        or ("381" if etree.QName(root).localname == "CreditNote" else "380"),
        number=_text(root, "ID"),
        issue=_date(root, "IssueDate"),
        due_date=_date(root, "DueDate", "PaymentMeans/PaymentDueDate"),
        currency=currency,
        excl=_amount(_all(totals, "TaxExclusiveAmount"), currency),
        tax=_amount(_all(root, "TaxTotal/TaxAmount"), currency),
        grand=_amount(_all(totals, "TaxInclusiveAmount"), currency),
        due=_amount(_all(totals, "PayableAmount"), currency),
        seller=seller,
        buyer=buyer,
        referenced=_text(root, "BillingReference/InvoiceDocumentReference/ID"),
    )


def _common(
    *, type_code, number, issue, due_date, currency, excl, tax, grand, due, seller, buyer, referenced
):
    address, country = buyer.address()
    return {
        "_type": type_code,
        "_grand": grand,
        "number": number,
        "issue_date": issue,
        "due_date": due_date,
        "currency": currency.upper() if currency else None,
        "total_excl_tax": _money(excl),
        "tax_amount": _money(tax),
        "total_incl_tax": _money(grand),
        "amount_due": _money(due if due is not None else grand),
        "seller_name": seller.name(),
        "seller_vat": seller.vat(),
        "seller_siren": seller.siren(),
        "buyer_name": buyer.name(),
        "buyer_address": address,
        "buyer_country": country,
        "buyer_vat": buyer.vat(),
        "buyer_siren": buyer.siren(),
        "credited_invoice_number": referenced,
    }


class FacturXExtractor:
    """Backend 1: the embedded XML, exact."""

    name = "facturx"

    def is_available(self) -> bool:
        return True

    def extract(self, job: ExtractionJob) -> ExtractionResult | None:
        root = embedded_xml(job.data)
        job.check_time()
        if root is None:
            return None
        result = map_xml(root)
        locate_fields(result, job)
        return result
