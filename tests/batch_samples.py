"""Documents for the batch import tests, built here (no file of the shared corpus is special):
an invoice PDF drawn with fpdf2, a CII (EN 16931) e-invoice XML, the same XML embedded in a
Factur-X PDF, and ZIP archives of them."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from typing import Any

CII = """<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
 xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
 <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>
  <ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
 </rsm:ExchangedDocumentContext>
 <rsm:ExchangedDocument><ram:ID>{number}</ram:ID><ram:TypeCode>380</ram:TypeCode>
  <ram:IssueDateTime><udt:DateTimeString format="102">20260315</udt:DateTimeString></ram:IssueDateTime>
 </rsm:ExchangedDocument>
 <rsm:SupplyChainTradeTransaction>
  <ram:IncludedSupplyChainTradeLineItem>
   <ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID></ram:AssociatedDocumentLineDocument>
   <ram:SpecifiedTradeProduct><ram:Name>Conseil</ram:Name></ram:SpecifiedTradeProduct>
   <ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>{net}</ram:ChargeAmount>
   </ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>
   <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="C62">1</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
   <ram:SpecifiedLineTradeSettlement>
    <ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode>
     <ram:RateApplicablePercent>20</ram:RateApplicablePercent></ram:ApplicableTradeTax>
    <ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>{net}</ram:LineTotalAmount>
    </ram:SpecifiedTradeSettlementLineMonetarySummation>
   </ram:SpecifiedLineTradeSettlement>
  </ram:IncludedSupplyChainTradeLineItem>
  <ram:ApplicableHeaderTradeAgreement>
   <ram:SellerTradeParty><ram:Name>Atelier Lumen SARL</ram:Name>
    <ram:PostalTradeAddress><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>
    <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">FR40303265045</ram:ID></ram:SpecifiedTaxRegistration>
   </ram:SellerTradeParty>
   <ram:BuyerTradeParty><ram:Name>{buyer}</ram:Name>
    {buyer_siren}
    <ram:PostalTradeAddress><ram:PostcodeCode>69001</ram:PostcodeCode><ram:LineOne>8 avenue Voltaire</ram:LineOne>
     <ram:CityName>Lyon</ram:CityName><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>
    {buyer_vat}
   </ram:BuyerTradeParty>
  </ram:ApplicableHeaderTradeAgreement>
  <ram:ApplicableHeaderTradeDelivery/>
  <ram:ApplicableHeaderTradeSettlement>
   <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
   <ram:ApplicableTradeTax><ram:CalculatedAmount>{tax}</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode>
    <ram:BasisAmount>{net}</ram:BasisAmount><ram:CategoryCode>S</ram:CategoryCode>
    <ram:RateApplicablePercent>20</ram:RateApplicablePercent></ram:ApplicableTradeTax>
   <ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime><udt:DateTimeString format="102">20260414</udt:DateTimeString>
   </ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>
   <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    <ram:LineTotalAmount>{net}</ram:LineTotalAmount>
    <ram:TaxBasisTotalAmount>{net}</ram:TaxBasisTotalAmount>
    <ram:TaxTotalAmount currencyID="EUR">{tax}</ram:TaxTotalAmount>
    <ram:GrandTotalAmount>{gross}</ram:GrandTotalAmount>
    <ram:DuePayableAmount>{gross}</ram:DuePayableAmount>
   </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
  </ram:ApplicableHeaderTradeSettlement>
 </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
"""

BUYER = "Nordwind SAS"
BUYER_SIREN = "732829320"
BUYER_VAT = "FR44732829320"


def cii_xml(
    number: str,
    net: str = "100.00",
    *,
    buyer: str = BUYER,
    siren: str | None = BUYER_SIREN,
    vat: str | None = BUYER_VAT,
) -> bytes:
    """A CII EN 16931 invoice from Atelier Lumen to ``buyer``, 20 % VAT, totals consistent."""
    amount = Decimal(net)
    tax = (amount * Decimal("0.2")).quantize(Decimal("0.01"))
    siren_xml = (
        f'<ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">{siren}</ram:ID></ram:SpecifiedLegalOrganization>'
        if siren
        else ""
    )
    vat_xml = (
        f'<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">{vat}</ram:ID></ram:SpecifiedTaxRegistration>'
        if vat
        else ""
    )
    return CII.format(
        number=number,
        net=net,
        tax=tax,
        gross=amount + tax,
        buyer=buyer,
        buyer_siren=siren_xml,
        buyer_vat=vat_xml,
    ).encode()


def invoice_pdf(number: str, *, buyer: str = BUYER, total: str = "120,00") -> bytes:
    """A French invoice drawn with fpdf2 (text layer only)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="pt")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    lines = [
        (40, 50, "Atelier Lumen SARL"),
        (40, 64, "12 rue des Lilas, 75011 Paris"),
        (40, 78, "N° TVA : FR40303265045"),
        (400, 50, "FACTURE"),
        (320, 130, "Facturé à :"),
        (320, 144, buyer),
        (320, 158, "8 avenue Voltaire"),
        (320, 172, "69001 Lyon"),
        (40, 250, f"Facture n° {number}"),
        (40, 264, "Date : 15/03/2026"),
        (40, 278, "Échéance : 14/04/2026"),
        (340, 428, "Total TTC"),
        (480, 428, f"{total} EUR"),
    ]
    for x, y, text in lines:
        pdf.text(x, y, text)
    return bytes(pdf.output())


def facturx_pdf(number: str, **kwargs: Any) -> bytes:
    """The CII of ``cii_xml`` embedded in a PDF (Factur-X, EN 16931 profile)."""
    from facturx import generate_from_binary

    xml = cii_xml(number, **kwargs)
    return bytes(
        generate_from_binary(invoice_pdf(number), xml, flavor="factur-x", level="en16931", check_xsd=False)
    )


def zip_of(files: dict[str, bytes], *, stored: bool = False) -> bytes:
    """A ZIP archive of ``files`` (name → bytes)."""
    buffer = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()
