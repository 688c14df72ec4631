"""Hostile and wrong XML: XXE, entity bombs, DTDs, malformed, not an invoice, empty, too large —
each one clear line (exit code 2 on the command line), nothing stored (service and CLI)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from pypdf import PdfWriter
from sqlmodel import select

from billabex_core.cli import main
from billabex_core.config import get_settings, reset_settings
from billabex_core.errors import ExtractionError
from billabex_core.extraction import extract, sniff_pdf
from billabex_core.extraction.errors import (
    EmptyEInvoiceError,
    EmptyFileError,
    FileTooLargeError,
    MalformedXmlError,
    NotAnEInvoiceError,
    UnsafeXmlError,
)
from billabex_core.extraction.xml_einvoice import extract_xml
from billabex_core.models import AuditEvent, ImportDraft
from billabex_core.services import imports

from .conftest import make_pdf
from .einvoice_samples import generate

FUZZ_BASE = [s.xml() for s in generate(4)]
UBL = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
XXE = f"""<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="{UBL}" xmlns:cbc="{CBC}"><cbc:ID>&xxe;</cbc:ID></Invoice>""".encode()
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'.encode()
        for i in range(1, 10)
    )
    + f']>\n<Invoice xmlns="{UBL}" xmlns:cbc="{CBC}"><cbc:ID>&lol9;</cbc:ID></Invoice>'.encode()
)
EXTERNAL_DTD = f"""<?xml version="1.0"?>
<!DOCTYPE Invoice SYSTEM "http://127.0.0.1:9/evil.dtd">
<Invoice xmlns="{UBL}"/>""".encode()
PARAMETER_ENTITY = f"""<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>
<Invoice xmlns="{UBL}"/>""".encode()
UTF16_XXE = XXE.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16")
ORDER = b'<?xml version="1.0"?><Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"><ID>1</ID></Order>'
HTML = b"<!DOCTYPE html>\n<html><head><title>Invoice</title></head><body><p>Invoice 12</p></body></html>"
BARE_HTML = b"<html><body>Invoice</body></html>"

CASES = [
    (XXE, UnsafeXmlError, "DOCTYPE refused"),
    (BILLION_LAUGHS, UnsafeXmlError, "DOCTYPE refused"),
    (EXTERNAL_DTD, UnsafeXmlError, "DOCTYPE refused"),
    (PARAMETER_ENTITY, UnsafeXmlError, "DOCTYPE refused"),
    (UTF16_XXE, UnsafeXmlError, "DOCTYPE refused"),
    (b'<?xml version="1.0"?><Invoice><ID>1</Invoice>', MalformedXmlError, "malformed XML"),
    (generate(1)[0].xml()[:400], MalformedXmlError, "malformed XML"),
    (b"<a>" * 400 + b"</a>" * 400, MalformedXmlError, "malformed XML"),
    (ORDER, NotAnEInvoiceError, "not an e-invoice: a UBL Order"),
    (HTML, NotAnEInvoiceError, "not an e-invoice: an HTML page"),
    (BARE_HTML, NotAnEInvoiceError, "not an e-invoice: an HTML page"),
    (b"<?xml version='1.0'?><note><to>Tove</to></note>", NotAnEInvoiceError, "root is note"),
    (b'<CrossIndustryInvoice xmlns="urn:example:other"/>', NotAnEInvoiceError, "not an e-invoice"),
    (b"", EmptyFileError, "empty file"),
    (b"  \n\t", EmptyFileError, "empty file"),
]
IDS = [
    "xxe",
    "billion-laughs",
    "external-dtd",
    "parameter-entity",
    "utf16-xxe",
    "malformed",
    "truncated",
    "too-deep",
    "ubl-order",
    "html",
    "bare-html",
    "other-xml",
    "cii-wrong-namespace",
    "empty",
    "blank",
]


@pytest.mark.parametrize(("data", "error", "message"), CASES, ids=IDS)
def test_refused_by_sniff_and_extract(data: bytes, error: type[ExtractionError], message: str) -> None:
    with pytest.raises(error) as info:
        sniff_pdf(data)
    assert message in str(info.value) and "\n" not in str(info.value)
    assert "root:" not in str(info.value)  # nothing of /etc/passwd ever shows
    with pytest.raises(error):
        extract(data)


def test_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BILLABEX_MAX_UPLOAD_MB", "1")
    reset_settings()
    big = (
        generate(1)[0].xml().replace(b"<cbc:Name>", b"<cbc:Name>" + b"x" * get_settings().max_upload_bytes, 1)
    )
    with pytest.raises(FileTooLargeError):
        sniff_pdf(big)


@pytest.mark.parametrize(("data", "message"), [(c[0], c[2]) for c in CASES], ids=IDS)
def test_cli_extract_one_line_exit_2(
    data: bytes, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "in.xml"
    path.write_bytes(data)
    assert main(["extract", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ") and message in captured.err and captured.err.count("\n") == 1


@pytest.mark.parametrize(
    ("data", "message"), [(c[0], c[2]) for c in CASES[:1] + CASES[5:11:2] + CASES[13:14]]
)
def test_cli_import_refuses_and_stores_nothing(
    data: bytes, message: str, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], session
) -> None:
    path = tmp_path / "in.xml"
    path.write_bytes(data)
    assert main(["--db", db_url, "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1 and str(path) in err
    assert session.exec(select(ImportDraft)).all() == []
    assert not any(get_settings().files_dir.rglob("*.*"))


def test_service_refuses_xxe_and_stores_nothing(session) -> None:
    with pytest.raises(UnsafeXmlError):
        imports.upload_pdf(session=session, data=XXE, file_name="evil.xml", actor="alice")
    session.rollback()
    assert session.exec(select(ImportDraft)).all() == []
    assert not any(get_settings().files_dir.rglob("*.*"))
    refused = session.exec(select(AuditEvent).where(AuditEvent.action == "upload.rejected")).all()
    assert len(refused) == 1 and "DOCTYPE refused" in str(refused[0].details)


def test_hostile_attachment_in_a_pdf_is_skipped() -> None:
    """An XXE attachment is not an e-invoice: the PDF is read from its text, nothing leaks."""
    writer = PdfWriter(clone_from=io.BytesIO(make_pdf(["Invoice", "Invoice number: A-1", "Total 12.00 EUR"])))
    writer.add_attachment("factur-x.xml", XXE)
    out = io.BytesIO()
    writer.write(out)
    result = extract(out.getvalue())
    assert result.source in ("text", "ocr") and result.checks == []
    assert not any("root:" in (f.value or "") for f in result.fields.values())


def test_empty_invoice_root_is_refused() -> None:
    with pytest.raises(EmptyEInvoiceError, match="empty e-invoice: a UBL Invoice"):
        extract(f'<Invoice xmlns="{UBL}"/>'.encode())
    with pytest.raises(EmptyEInvoiceError, match="a CII CrossIndustryInvoice"):
        extract(
            b'<x:CrossIndustryInvoice xmlns:x="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"/>'
        )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, len(FUZZ_BASE) - 1),
    st.lists(
        st.tuples(st.integers(0, 10_000), st.sampled_from(["drop", "text", "attr"]), st.text(max_size=12))
    ),
)
def test_mutated_einvoices_read_or_refuse_cleanly(base: int, edits: list[tuple[int, str, str]]) -> None:
    """Elements dropped, texts and attributes replaced by anything: the mapping never crashes —
    a result, or a one-line ExtractionError."""
    root = etree.fromstring(FUZZ_BASE[base])
    for index, action, value in edits:
        nodes = [n for n in root.iter() if isinstance(n.tag, str)]
        node = nodes[index % len(nodes)]
        if action == "drop" and node is not root:
            node.getparent().remove(node)
        elif action == "text":
            node.text = "".join(c for c in value if c.isprintable() and c not in "\ud800\udfff") or None
        elif action == "attr":
            node.set("currencyID" if index % 2 else "schemeID", "".join(c for c in value if c.isalnum()))
    try:
        result = extract_xml(etree.tostring(root))
    except ExtractionError as exc:
        assert "\n" not in str(exc) and "Error" not in str(exc)  # a named refusal, not a crash
        return
    contract = result.to_contract()
    assert contract["source"] == "xml" and all(c.rule for c in result.checks)


@pytest.mark.parametrize(
    ("text", "value"),
    [("1234.50", "1234.50"), ("-3", "-3"), ("+0.5", "0.5"), (".5", "0.5"), ("0001.00", "1.00")]
    + [(bad, None) for bad in ("1E100", "1e3", "NaN", "Infinity", "12,50", "", "1" * 16, "--1")],
)
def test_an_amount_is_an_xs_decimal(text: str, value: str | None) -> None:
    """Found by the mutation test: '1E100' as an amount crashed the EN 16931 checks (a Decimal
    too large to round to the cent). UBL and CII amounts are xs:decimal: no exponent."""
    from decimal import Decimal

    from lxml import etree

    from billabex_core.extraction.xmlpath import decimal

    node = etree.fromstring(f"<a>{text}</a>")
    assert decimal(node) == (None if value is None else Decimal(value))
