"""Untrusted XML, parsed safely, and which e-invoice syntax it is.

An uploaded XML (or one attached to a PDF) is parsed by lxml with entities left unresolved, no
DTD loaded, no network access and lxml's limits on depth and text size kept (``huge_tree`` off);
a document that declares a DOCTYPE is refused outright, so an external entity (XXE) or an
entity-expansion bomb ("billion laughs") is never even looked at. The size limit is the upload
limit (``max_upload_mb``), checked by ``sniff``.

``parse_einvoice`` returns the root and its syntax, or raises the one-line ``ExtractionError``
of what is wrong: ``MalformedXmlError``, ``UnsafeXmlError``, ``NotAnEInvoiceError``.
"""

from __future__ import annotations

import re
from typing import Literal

from lxml import etree

from billabex_core.extraction.errors import MalformedXmlError, NotAnEInvoiceError, UnsafeXmlError

Syntax = Literal["ubl", "cii", "zugferd1"]

UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CII = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
ZUGFERD1 = "urn:ferd:CrossIndustryDocument:invoice:1p0"
_UBL_PREFIX = "urn:oasis:names:specification:ubl:schema:xsd:"
_ROOTS: dict[tuple[str, str], Syntax] = {
    (UBL_INVOICE, "Invoice"): "ubl",
    (UBL_CREDIT_NOTE, "CreditNote"): "ubl",
    (CII, "CrossIndustryInvoice"): "cii",
    (ZUGFERD1, "CrossIndustryDocument"): "zugferd1",
}
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_HEAD = 2048
_HTML = re.compile(rb"<!doctype\s+html|<html[\s>]", re.IGNORECASE)
_DECLARATIONS = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")


def looks_like_xml(data: bytes) -> bool:
    """Markup first (after a byte-order mark and white space): an XML or HTML file."""
    head = data[:_HEAD]
    for bom in _BOMS:
        if head.startswith(bom):
            return True
    return head.lstrip().startswith(b"<")


def _parser() -> etree.XMLParser:
    # One per parse: lxml parsers must not be shared between threads (the Streamlit server).
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=False,
    )


def parse_xml(data: bytes) -> etree._Element:
    """The root of well-formed XML without any DOCTYPE; raises for anything else."""
    head = data[:_HEAD]
    if _HTML.search(head):
        raise NotAnEInvoiceError("an HTML page")
    element = _FIRST_ELEMENT.search(data)
    if _DECLARATIONS.search(data, 0, element.start() if element else len(data)):
        raise UnsafeXmlError()  # a DOCTYPE can only stand in the prolog, before the root element
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise MalformedXmlError(str(exc)) from None
    except ValueError as exc:  # e.g. an encoding declaration lxml refuses
        raise MalformedXmlError(str(exc)) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:  # a DOCTYPE the byte scan missed (UTF-16)
        raise UnsafeXmlError()
    return root


def syntax_of(root: etree._Element) -> Syntax | None:
    """``ubl``, ``cii`` (Factur-X, ZUGFeRD 2, XRechnung CII) or ``zugferd1``, by root and namespace."""
    if not isinstance(root.tag, str):
        return None
    name = etree.QName(root)
    return _ROOTS.get((name.namespace or "", name.localname))


def describe(root: etree._Element) -> str:
    """What a root is, for an error line ("a UBL Order", "a CII CrossIndustryInvoice")."""
    name = etree.QName(root)
    if name.localname.lower() == "html":
        return "an HTML page"
    if syntax_of(root) in ("cii", "zugferd1"):
        return f"a CII {name.localname}"
    if (name.namespace or "").startswith(_UBL_PREFIX):
        return f"a UBL {name.localname}"
    where = f" in namespace {name.namespace}" if name.namespace else ""
    return f"an XML document whose root is {name.localname}{where}"[:160]


def parse_einvoice(data: bytes) -> tuple[etree._Element, Syntax]:
    """The root of a UBL or CII e-invoice and its syntax; raises a one-line error otherwise."""
    root = parse_xml(data)
    syntax = syntax_of(root)
    if syntax is None:
        raise NotAnEInvoiceError(describe(root))
    return root, syntax
