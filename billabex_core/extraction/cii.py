"""UN/CEFACT CII ``CrossIndustryInvoice`` (Factur-X, ZUGFeRD 2.x, XRechnung CII) and ZUGFeRD 1.0
``CrossIndustryDocument``: the values of the contract and the totals of the EN 16931 rules.

Paths follow the EN 16931 CII binding (ZUGFeRD 1.0 names in second place): BT-1
``rsm:ExchangedDocument/ram:ID``, BT-3 ``ram:TypeCode``, BT-2 ``ram:IssueDateTime``, BT-9
``ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime``, BT-5 ``ram:InvoiceCurrencyCode``, BT-25
``ram:InvoiceReferencedDocument/ram:IssuerAssignedID``, the buyer ``ram:BuyerTradeParty`` (BT-48
``ram:SpecifiedTaxRegistration/ram:ID`` of scheme VA, BT-47
``ram:SpecifiedLegalOrganization/ram:ID`` — a SIREN when its ``schemeID`` is 0002) and the
totals of ``ram:SpecifiedTradeSettlementHeaderMonetarySummation``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lxml import etree

from billabex_core.extraction.en16931 import Totals
from billabex_core.extraction.xmlparty import PartyIds
from billabex_core.extraction.xmlpath import all_of, amount, amounts, date, decimal, first, text

_SUMMATION = ("SpecifiedTradeSettlementHeaderMonetarySummation", "SpecifiedTradeSettlementMonetarySummation")
_LINE_TOTALS = (
    "SpecifiedLineTradeSettlement/SpecifiedTradeSettlementLineMonetarySummation/LineTotalAmount",
    "SpecifiedSupplyChainTradeSettlement/SpecifiedTradeSettlementMonetarySummation/LineTotalAmount",
)
_NOT_SUMMED = {"GROUP", "INFORMATION"}  # ZUGFeRD/Factur-X EXTENDED: lines outside the totals


def party(el: etree._Element | None) -> PartyIds:
    addr = first(el, "PostalTradeAddress")
    legal = [(n.text or "", n.get("schemeID")) for n in all_of(el, "SpecifiedLegalOrganization/ID")]
    legal += [(n.text or "", n.get("schemeID")) for n in all_of(el, "GlobalID")]
    return PartyIds(
        name=text(el, "Name"),
        tax_ids=[(n.text or "", n.get("schemeID")) for n in all_of(el, "SpecifiedTaxRegistration/ID")],
        legal_ids=legal,
        address_lines=[text(addr, p) for p in ("LineOne", "LineTwo", "LineThree")],
        postcode=text(addr, "PostcodeCode"),
        city=text(addr, "CityName"),
        country=text(addr, "CountryID"),
    )


class _Parts:
    """The document, agreement and settlement elements of either CII generation."""

    def __init__(self, root: etree._Element) -> None:
        self.doc = first(root, "ExchangedDocument", "HeaderExchangedDocument")
        self.tx = first(root, "SupplyChainTradeTransaction", "SpecifiedSupplyChainTradeTransaction")
        self.agreement = first(
            self.tx, "ApplicableHeaderTradeAgreement", "ApplicableSupplyChainTradeAgreement"
        )
        self.settlement = first(
            self.tx, "ApplicableHeaderTradeSettlement", "ApplicableSupplyChainTradeSettlement"
        )
        self.sums = first(self.settlement, *_SUMMATION)
        self.currency = text(self.settlement, "InvoiceCurrencyCode")

    def amount(self, name: str) -> Any:
        return amount(all_of(self.sums, name), self.currency)


def values(root: etree._Element) -> dict[str, Any]:
    """The contract's fields (amounts as ``Decimal``) plus ``_type`` and ``_grand``."""
    p = _Parts(root)
    seller = party(first(p.agreement, "SellerTradeParty"))
    buyer = party(first(p.agreement, "BuyerTradeParty"))
    referenced = text(p.settlement, "InvoiceReferencedDocument/IssuerAssignedID") or text(
        p.agreement, "InvoiceReferencedDocument/IssuerAssignedID"
    )
    return {
        "_type": text(p.doc, "TypeCode"),
        "_grand": p.amount("GrandTotalAmount"),
        "number": text(p.doc, "ID"),
        "issue_date": date(p.doc, "IssueDateTime/DateTimeString"),
        "due_date": date(p.settlement, "SpecifiedTradePaymentTerms/DueDateDateTime/DateTimeString"),
        "currency": p.currency.upper() if p.currency else None,
        "total_excl_tax": p.amount("TaxBasisTotalAmount"),
        "tax_amount": p.amount("TaxTotalAmount"),
        "total_incl_tax": p.amount("GrandTotalAmount"),
        "amount_due": p.amount("DuePayableAmount"),
        "seller_name": seller.name,
        "seller_vat": seller.vat(),
        "seller_siren": seller.siren(),
        "buyer_name": buyer.name,
        "buyer_address": buyer.address(),
        "buyer_country": buyer.country_code(),
        "buyer_vat": buyer.vat(),
        "buyer_siren": buyer.siren(),
        "credited_invoice_number": referenced,
    }


def _line_amounts(tx: etree._Element | None) -> list[etree._Element]:
    out = []
    for item in all_of(tx, "IncludedSupplyChainTradeLineItem"):
        status = text(item, "AssociatedDocumentLineDocument/LineStatusReasonCode")
        if (status or "").upper() not in _NOT_SUMMED:
            node = first(item, *_LINE_TOTALS)
            if node is not None:
                out.append(node)
    return out


def totals(root: etree._Element) -> Totals:
    """The amounts of the EN 16931 rules (BT-106…BT-131, see ``en16931``)."""
    p = _Parts(root)
    allowances: list[Decimal] = []
    charges: list[Decimal] = []
    for ac in all_of(p.settlement, "SpecifiedTradeAllowanceCharge"):
        value = decimal(first(ac, "ActualAmount"))
        if value is not None:
            is_charge = text(ac, "ChargeIndicator/Indicator") == "true"
            (charges if is_charge else allowances).append(value)
    return Totals(
        lines=amounts(_line_amounts(p.tx)),
        line_total=p.amount("LineTotalAmount"),
        allowances=allowances,
        allowance_total=p.amount("AllowanceTotalAmount"),
        charges=charges,
        charge_total=p.amount("ChargeTotalAmount"),
        tax_exclusive=p.amount("TaxBasisTotalAmount"),
        tax_total=p.amount("TaxTotalAmount"),
        tax_breakdown=amounts(all_of(p.settlement, "ApplicableTradeTax/CalculatedAmount")) or [],
        tax_inclusive=p.amount("GrandTotalAmount"),
        prepaid=p.amount("TotalPrepaidAmount"),
        rounding=p.amount("RoundingAmount"),
        payable=p.amount("DuePayableAmount"),
    )
