"""UBL 2.1 ``Invoice`` and ``CreditNote`` (Peppol BIS, XRechnung UBL, CIUS-FR): the values of
the contract and the totals of the EN 16931 rules.

Paths follow the EN 16931 UBL binding: BT-1 ``cbc:ID``, BT-2 ``cbc:IssueDate``, BT-9
``cbc:DueDate`` (a credit note: ``cac:PaymentMeans/cbc:PaymentDueDate``), BT-5
``cbc:DocumentCurrencyCode``, BT-25 ``cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID``,
the buyer ``cac:AccountingCustomerParty/cac:Party`` (BT-44 registration name, BT-48 VAT id in
``cac:PartyTaxScheme``, BT-47 legal registration id in ``cac:PartyLegalEntity/cbc:CompanyID``
— a SIREN when its ``schemeID`` is 0002) and the totals of ``cac:LegalMonetaryTotal``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lxml import etree

from billabex_core.extraction.en16931 import Totals
from billabex_core.extraction.xmlparty import PartyIds
from billabex_core.extraction.xmlpath import all_of, amount, amounts, children, date, decimal, first, text


def _is_credit_note(root: etree._Element) -> bool:
    return etree.QName(root).localname == "CreditNote"


def party(el: etree._Element | None) -> PartyIds:
    addr = first(el, "PostalAddress")
    tax_ids = [
        ((node.text or ""), text(scheme, "TaxScheme/ID"))
        for scheme in all_of(el, "PartyTaxScheme")
        for node in children(scheme, "CompanyID")
    ]
    legal = [(n.text or "", n.get("schemeID")) for n in all_of(el, "PartyLegalEntity/CompanyID")]
    legal += [(n.text or "", n.get("schemeID")) for n in all_of(el, "PartyIdentification/ID")]
    return PartyIds(
        name=text(el, "PartyLegalEntity/RegistrationName", "PartyName/Name"),
        tax_ids=tax_ids,
        legal_ids=legal,
        address_lines=[text(addr, p) for p in ("StreetName", "AdditionalStreetName", "AddressLine/Line")],
        postcode=text(addr, "PostalZone"),
        city=text(addr, "CityName"),
        country=text(addr, "Country/IdentificationCode"),
    )


def _tax_totals(root: etree._Element, currency: str | None) -> list[etree._Element]:
    """The ``cac:TaxTotal`` in the document currency (a second one may be in the VAT currency)."""
    totals = children(root, "TaxTotal")
    matching = [
        t
        for t in totals
        if (tax := first(t, "TaxAmount")) is not None and tax.get("currencyID") in (None, currency)
    ]
    return matching or totals[:1]


def values(root: etree._Element) -> dict[str, Any]:
    """The contract's fields (amounts as ``Decimal``) plus ``_type``, ``_grand``, ``_credit_root``."""
    currency = text(root, "DocumentCurrencyCode")
    totals = first(root, "LegalMonetaryTotal")
    seller = party(first(root, "AccountingSupplierParty/Party"))
    buyer = party(first(root, "AccountingCustomerParty/Party"))
    credit_root = _is_credit_note(root)
    tax = [first(t, "TaxAmount") for t in _tax_totals(root, currency)]
    return {
        "_type": text(root, "InvoiceTypeCode", "CreditNoteTypeCode") or ("381" if credit_root else "380"),
        "_grand": amount(all_of(totals, "TaxInclusiveAmount"), currency),
        "_credit_root": credit_root,
        "number": text(root, "ID"),
        "issue_date": date(root, "IssueDate"),
        "due_date": date(root, "DueDate", "PaymentMeans/PaymentDueDate"),
        "currency": currency.upper() if currency else None,
        "total_excl_tax": amount(all_of(totals, "TaxExclusiveAmount"), currency),
        "tax_amount": decimal(tax[0]) if tax else None,
        "total_incl_tax": amount(all_of(totals, "TaxInclusiveAmount"), currency),
        "amount_due": amount(all_of(totals, "PayableAmount"), currency),
        "seller_name": seller.name,
        "seller_vat": seller.vat(),
        "seller_siren": seller.siren(),
        "buyer_name": buyer.name,
        "buyer_address": buyer.address(),
        "buyer_country": buyer.country_code(),
        "buyer_vat": buyer.vat(),
        "buyer_siren": buyer.siren(),
        "credited_invoice_number": text(root, "BillingReference/InvoiceDocumentReference/ID"),
    }


def totals(root: etree._Element) -> Totals:
    """The amounts of the EN 16931 rules (BT-106…BT-131, see ``en16931``)."""
    currency = text(root, "DocumentCurrencyCode")
    lmt = first(root, "LegalMonetaryTotal")
    line = "CreditNoteLine" if _is_credit_note(root) else "InvoiceLine"
    allowances: list[Decimal] = []
    charges: list[Decimal] = []
    for ac in children(root, "AllowanceCharge"):
        value = decimal(first(ac, "Amount"))
        if value is not None:
            (charges if text(ac, "ChargeIndicator") == "true" else allowances).append(value)
    tax_totals = _tax_totals(root, currency)
    tax = [first(t, "TaxAmount") for t in tax_totals]
    return Totals(
        lines=amounts(all_of(root, f"{line}/LineExtensionAmount")),
        line_total=amount(all_of(lmt, "LineExtensionAmount"), currency),
        allowances=allowances,
        allowance_total=amount(all_of(lmt, "AllowanceTotalAmount"), currency),
        charges=charges,
        charge_total=amount(all_of(lmt, "ChargeTotalAmount"), currency),
        tax_exclusive=amount(all_of(lmt, "TaxExclusiveAmount"), currency),
        tax_total=decimal(tax[0]) if tax else None,
        tax_breakdown=amounts([n for t in tax_totals for n in all_of(t, "TaxSubtotal/TaxAmount")]) or [],
        tax_inclusive=amount(all_of(lmt, "TaxInclusiveAmount"), currency),
        prepaid=amount(all_of(lmt, "PrepaidAmount"), currency),
        rounding=amount(all_of(lmt, "PayableRoundingAmount"), currency),
        payable=amount(all_of(lmt, "PayableAmount"), currency),
    )
