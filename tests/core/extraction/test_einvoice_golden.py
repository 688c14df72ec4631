"""Standalone XML e-invoices (UBL 2.1, CII): golden values from generated samples, the kind, the
buyer's identifiers, and the named checks (XSD, EN 16931 totals)."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from billabex_core.cli import main
from billabex_core.extraction import FIELD_NAMES, extract, sniff_pdf
from billabex_core.extraction.xml_einvoice import extract_xml

from .einvoice_samples import BUYERS, Sample, generate

SAMPLES = generate(24)


def _values(data: bytes) -> dict[str, str | None]:
    return {name: f["value"] for name, f in extract(data).to_contract()["fields"].items()}


def test_the_samples_cover_what_the_issue_asks() -> None:
    kinds = {(s.syntax, s.kind) for s in SAMPLES}
    assert kinds == {("ubl", "invoice"), ("ubl", "credit_note"), ("cii", "invoice"), ("cii", "credit_note")}
    assert {s.currency for s in SAMPLES} >= {"EUR", "USD", "CHF", "GBP"}
    assert any(s.due is None for s in SAMPLES) and any(s.due for s in SAMPLES)
    assert any(s.prepaid for s in SAMPLES) and any(s.allowance and s.charge for s in SAMPLES)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: f"{s.syntax}-{s.kind}-{s.number}")
def test_golden_values(sample: Sample) -> None:
    """Every contract field is exactly the generator's truth; source xml; all checks pass."""
    result = extract(sample.xml())
    contract = result.to_contract()
    assert contract["source"] == "xml" and contract["kind"] == sample.kind
    assert list(contract["fields"]) == list(FIELD_NAMES)
    got = {name: f["value"] for name, f in contract["fields"].items()}
    assert got == sample.truth()
    assert all(f["confidence"] == 1.0 for f in contract["fields"].values() if f["value"] is not None)
    assert all(f["page"] is None and f["bbox"] is None for f in contract["fields"].values())
    assert [c.rule for c in result.checks if c.ok is not True] == []
    assert result.checks[0].rule == "XSD" and result.checks[0].ok is True
    assert contract["warnings"] == []


def test_prepaid_amount_is_what_remains_to_pay() -> None:
    sample = replace(SAMPLES[0], prepaid=Decimal("100.00"))
    got = _values(sample.xml())
    assert Decimal(got["amount_due"]) == Decimal(got["total_incl_tax"]) - 100


def test_no_due_date_gives_null() -> None:
    for syntax in ("ubl", "cii"):
        sample = replace(SAMPLES[0], syntax=syntax, due=None)
        assert _values(sample.xml())["due_date"] is None


@pytest.mark.parametrize("syntax", ["ubl", "cii"])
def test_credit_note_names_the_credited_invoice(syntax: str) -> None:
    sample = replace(SAMPLES[3], syntax=syntax, kind="credit_note", credited="FA-2026-00042")
    result = extract(sample.xml())
    assert result.kind == "credit_note" and result.value("credited_invoice_number") == "FA-2026-00042"


def test_ubl_invoice_with_type_code_381_is_a_credit_note() -> None:
    root = etree.fromstring(replace(SAMPLES[0], syntax="ubl").xml())
    code = root.find("{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}InvoiceTypeCode")
    code.text = "381"
    assert extract(etree.tostring(root)).kind == "credit_note"


def test_negative_cii_invoice_is_a_credit_note_with_positive_amounts() -> None:
    xml = replace(SAMPLES[1], syntax="cii", kind="invoice").xml()
    root = etree.fromstring(xml)
    for node in root.iter():
        if isinstance(node.tag, str) and node.tag.endswith("Amount") and node.text:
            node.text = "-" + node.text
    result = extract(etree.tostring(root))
    assert result.kind == "credit_note" and not result.value("total_incl_tax").startswith("-")
    assert "credit note: the grand total is negative" in result.warnings


@pytest.mark.parametrize("syntax", ["ubl", "cii"])
def test_buyer_identifiers_and_address(syntax: str) -> None:
    sample = replace(SAMPLES[0], syntax=syntax, buyer=BUYERS[0])
    got = _values(sample.xml())
    assert got["buyer_vat"] == "FR23334175221" and got["buyer_siren"] == "334175221"
    assert got["buyer_name"] == "Café du Port SARL" and got["buyer_country"] == "FR"
    assert got["buyer_address"] == "4 quai des Bateliers, 67000 Strasbourg"


def test_siren_is_the_legal_id_of_scheme_0002_not_another_scheme() -> None:
    buyer = replace(BUYERS[1], siren="552100554")  # a German buyer with a SIREN: only the scheme says so
    root = etree.fromstring(replace(SAMPLES[0], syntax="ubl", buyer=buyer).xml())
    ids = [n for n in root.iter() if isinstance(n.tag, str) and n.get("schemeID") == "0002"]
    assert _values(etree.tostring(root))["buyer_siren"] == "552100554"
    for node in ids:
        node.set("schemeID", "0088")  # a GLN: not a SIREN
    assert _values(etree.tostring(root))["buyer_siren"] is None


def test_amounts_keep_more_than_two_decimals_as_written() -> None:
    root = etree.fromstring(replace(SAMPLES[0], syntax="ubl").xml())
    payable = next(n for n in root.iter() if isinstance(n.tag, str) and n.tag.endswith("}PayableAmount"))
    payable.text = "12.345"
    assert _values(etree.tostring(root))["amount_due"] == "12.345"


@pytest.mark.parametrize(
    ("broken", "rules"),
    [
        ("lines", {"BR-CO-10", "BR-CO-13"}),
        ("tax", {"BR-CO-14", "BR-CO-15"}),
        ("grand", {"BR-CO-15", "BR-CO-16"}),
        ("due", {"BR-CO-16"}),
    ],
)
@pytest.mark.parametrize("syntax", ["ubl", "cii"])
def test_broken_totals_fail_their_named_rules(syntax: str, broken: str, rules: set[str]) -> None:
    """A spoiled total fails exactly its EN 16931 rules; the XML is still read (importable)."""
    sample = replace(SAMPLES[0], syntax=syntax, broken=broken)
    result = extract(sample.xml())
    failed = {c.rule for c in result.checks if c.ok is False}
    assert failed == rules
    assert any(w.startswith("e-invoice checks failed: ") for w in result.warnings)
    assert result.value("number") == sample.number
    detail = next(c.detail for c in result.checks if c.rule == min(rules))
    assert "≠" in detail or "missing" in detail


def test_allowances_and_charges_are_checked_when_present() -> None:
    sample = replace(SAMPLES[0], allowance=Decimal("10.00"), charge=Decimal("4.00"))
    for syntax in ("ubl", "cii"):
        checks = {c.rule: c.ok for c in extract(replace(sample, syntax=syntax).xml()).checks}
        assert checks["BR-CO-11"] is True and checks["BR-CO-12"] is True and checks["BR-CO-13"] is True
    plain = {
        c.rule for c in extract(replace(SAMPLES[0], allowance=Decimal(0), charge=Decimal(0)).xml()).checks
    }
    assert "BR-CO-11" not in plain and "BR-CO-12" not in plain


def test_xsd_failure_is_named_with_its_line_and_the_document_is_still_read() -> None:
    xml = (
        replace(SAMPLES[0], syntax="cii")
        .xml()
        .replace(b"<ram:LineOne>", b"<ram:Bogus>x</ram:Bogus><ram:LineOne>", 1)
    )
    result = extract(xml)
    xsd = result.checks[0]
    assert xsd.rule == "XSD" and xsd.ok is False and xsd.detail.startswith("line ")
    assert "Bogus" in xsd.detail and "{" not in xsd.detail
    assert result.value("number") == SAMPLES[0].number


def test_a_document_without_lines_skips_br_co_10() -> None:
    root = etree.fromstring(replace(SAMPLES[1], syntax="cii").xml())
    tx = next(
        n for n in root.iter() if isinstance(n.tag, str) and n.tag.endswith("SupplyChainTradeTransaction")
    )
    for item in [c for c in tx if c.tag.endswith("IncludedSupplyChainTradeLineItem")]:
        tx.remove(item)
    checks = {c.rule: c for c in extract_xml(etree.tostring(root)).checks}
    assert checks["BR-CO-10"].ok is None and checks["BR-CO-10"].detail.startswith("does not apply")
    assert checks["BR-CO-13"].ok is True


def test_sniff_accepts_xml_with_no_pages() -> None:
    sniffed = sniff_pdf(SAMPLES[0].xml())
    assert sniffed.is_xml and sniffed.page_count == 0
    bom = b"\xef\xbb\xbf" + SAMPLES[1].xml()
    assert extract(bom).value("number") == SAMPLES[1].number


def test_mode_is_ignored_for_xml() -> None:
    assert extract(SAMPLES[0].xml(), mode="text").source == "xml"


def test_cli_extract_xml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``extract`` of XML files: the contract object with source xml (batch too); the summary
    lists the named checks."""
    good, broken = tmp_path / "good.xml", tmp_path / "broken.xml"
    good.write_bytes(SAMPLES[0].xml())
    broken.write_bytes(replace(SAMPLES[1], broken="grand").xml())
    assert main(["extract", str(good), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"kind", "source", "fields", "warnings"} and out["source"] == "xml"
    assert main(["extract", str(good), str(broken), "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["file"] for line in lines] == [str(good), str(broken)]
    assert lines[1]["warnings"] == ["e-invoice checks failed: BR-CO-15, BR-CO-16 (see the checks)"]
    assert main(["extract", str(broken)]) == 0
    summary = capsys.readouterr().out
    assert "(source: xml)" in summary and "check XSD        ok" in summary
    assert "check BR-CO-15   FAILED Total with VAT = total without VAT + VAT: BT-112" in summary
