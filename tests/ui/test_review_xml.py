"""Review of a standalone XML e-invoice: no page to render but the XML itself, and the named
e-invoice checks (XSD, EN 16931) in the checks area — a failing one as a warning."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

import pytest
import streamlit as st
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from billabex_core.extraction.base import RuleCheck
from billabex_core.extraction.en16931 import Totals, check_totals
from billabex_core.models import ImportDraft, User
from billabex_core.services import imports
from billabex_core.services.draft_review import Check, einvoice_checks
from billabex_ui import i18n
from billabex_ui.i18n import use_language
from billabex_ui.review import check_text
from tests.core.extraction.einvoice_samples import generate


def _texts(at: AppTest) -> str:
    items = [*at.markdown, *at.success, *at.info, *at.warning, *at.error, *at.caption]
    return "\n".join(str(x.value) for x in items)


def test_review_shows_the_xml_and_its_checks(app, db) -> None:
    sample = replace(generate(1)[0], syntax="ubl", broken="lines", number="XML-1")
    imports.upload_pdf(session=db, data=sample.xml(), file_name="XML-1.xml", actor="alice")
    db.commit()
    at = app("pages/review.py")
    assert not at.exception, at.exception
    text = _texts(at)
    assert "XML e-invoice: every field was read exactly from the XML" in text
    assert "cannot render the PDF" not in text
    assert ":material/check_circle: XSD — XML schema: UBL 2.1 Invoice: valid" in text
    assert ":material/warning: BR-CO-10 — Sum of the line net amounts: BT-106" in text and "≠" in text
    assert ":material/check_circle: BR-CO-16 — Amount due = total with VAT − paid + rounding" in text
    assert any(c.language == "xml" and "XML-1" in c.value for c in at.code)


def _every_rule_result() -> list[Check]:
    """Every phrasing extraction gives a rule (passes, fails, missing, does not apply), as Review
    receives it."""
    d = Decimal
    full = Totals(
        lines=[d("10"), d("5")], line_total=d("15"), allowances=[d("1")], allowance_total=d("1"),
        charges=[d("2")], charge_total=d("3"), tax_exclusive=d("16"), tax_total=d("3.2"),
        tax_breakdown=[d("3.2")], tax_inclusive=d("19.2"), prepaid=d("1"), payable=d("18.2"),
    )  # fmt: skip
    variants = [
        full,
        replace(full, tax_inclusive=None, payable=None, tax_total=None),
        Totals(lines=[]),
        Totals(),
    ]
    variants.append(replace(full, tax_exclusive=None, lines=[d("7")], line_total=None))
    checks = [c for totals in variants for c in check_totals(totals)]
    checks.append(RuleCheck("XSD", "XML schema", None, "does not apply: no schema for this document"))
    checks += [RuleCheck("XSD", "XML schema: UBL 2.1 Invoice", ok, detail) for ok, detail in (
        (True, "valid"), (False, "not valid"), (False, "line 3: Element 'Foo': This element is not expected."))
    ]  # fmt: skip
    checks.append(
        RuleCheck("EN 16931", "Totals (BR-CO rules)", None, "does not apply: ZUGFeRD 1.0 predates EN 16931")
    )
    draft = ImportDraft(sha256="0" * 64, extraction={"checks": [c.to_dict() for c in checks]})
    return einvoice_checks(draft)


ENGLISH = re.compile(
    r"\b(?:line net|sum of|total (?:with|without)|amount due|allowance|charge|missing|does not|schema|valid|the document|this document|invoice lines|predates|breakdown|category)\b",
    re.I,
)


def test_every_e_invoice_rule_reads_in_french(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules' names and every result phrasing go through the catalogue: no English left in
    French but the rule codes, the amounts and a validator's own message (issue #15)."""
    monkeypatch.setattr(st, "session_state", {})
    monkeypatch.setenv(i18n.STRICT_ENV, "1")
    checks = _every_rule_result()
    assert {c.detail.split(":")[0] for c in checks} >= {"does not apply", "valid", "not valid", "line 3"}
    use_language("fr")
    french = [check_text(c) for c in checks]
    for text in french:
        assert not ENGLISH.search(text.replace("Element 'Foo': This element is not expected.", "")), text
    assert "BR-CO-10 — Somme des montants nets des lignes : BT-106 15 = Σ 2 montants nets de ligne" in french
    assert (
        "XSD — Schéma XML : UBL 2.1 Invoice : ligne 3 : Element 'Foo': This element is not expected."
        in french
    )
    assert "BR-CO-15 — Total TTC = total HT + TVA : BT-109 (total HT) manquant" in french
    use_language("en")
    plural = re.compile(r"(\d+) ([\w ]+?)\(s\)")  # English: as extraction words it, plurals made
    english = [plural.sub(lambda m: f"{m[1]} {m[2]}{'' if m[1] == '1' else 's'}", c.message) for c in checks]
    assert [check_text(c) for c in checks] == english


def test_review_of_an_xml_in_french(app, db) -> None:  # type: ignore[no-untyped-def]
    db.exec(select(User).where(User.username == "alice")).one().language = "fr"
    db.commit()
    sample = replace(generate(1)[0], syntax="ubl", broken="lines", number="XML-1")
    imports.upload_pdf(session=db, data=sample.xml(), file_name="XML-1.xml", actor="alice")
    db.commit()
    at = app("pages/review.py")
    assert not at.exception, at.exception
    text = _texts(at)
    assert "Facture électronique XML : chaque champ a été lu exactement dans le XML" in text
    assert ":material/check_circle: XSD — Schéma XML : UBL 2.1 Invoice : valide" in text
    assert ":material/warning: BR-CO-10 — Somme des montants nets des lignes : BT-106" in text and "≠" in text
    assert ":material/check_circle: BR-CO-16 — Net à payer = total TTC − déjà payé + arrondi" in text
    assert [e.label for e in at.expander if e.label == "Le XML"]
