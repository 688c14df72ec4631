"""Credit notes: the title that labels the document's own number, and the invoice the credit
note refers to when its label is not in the vocabulary (constructed layouts, no PDF)."""

from __future__ import annotations

import pytest

from billabex_core.extraction.assemble import assemble

from .cells import layout_of

_layout = layout_of


def _result(cells: list[tuple[float, float, str]]):
    return assemble(_layout(cells), source="text", org=None)


@pytest.mark.parametrize("title", ["AVOIR N° :", "Gutschrift Nr.:", "Credit note no.:", "Creditnota nr.:"])
def test_a_credit_note_title_labelling_its_number_makes_a_credit_note(title: str) -> None:
    cells = [(40, 40, "Lumen SARL"), (300, 40, title), (460, 40, "AV-2026-0007"), (300, 54, "Date :")]
    cells += [(460, 54, "15/03/2026"), (300, 200, "Total"), (460, 200, "120,00")]
    result = _result(cells)
    assert (result.kind, result.value("number")) == ("credit_note", "AV-2026-0007")


def test_an_amount_label_of_a_credit_title_does_not_make_a_credit_note() -> None:
    cells = [(40, 40, "FACTURE"), (300, 60, "Facture n°"), (460, 60, "F-2026-0042")]
    cells += [(300, 200, "Avoir :"), (460, 200, "20,00"), (300, 214, "Total TTC"), (460, 214, "100,00")]
    assert _result(cells).kind == "invoice"


@pytest.mark.parametrize(
    "label",
    [
        "Facture concernée",  # fr
        "Linked invoice",  # en
        "Zugehörige Rechnung",  # de
        "Factura asociada",  # es
        "Fattura collegata",  # it
        "Bijbehorende factuur",  # nl
        "N° de facture liée :",
        "Faktura korygowana nr",  # pl
    ],
)
def test_on_a_credit_note_a_label_naming_an_invoice_gives_the_credited_invoice(label: str) -> None:
    cells = [
        (40, 40, "AVOIR AV-2026-0007"),
        (40, 80, "Date"),
        (160, 80, "15/03/2026"),
        (40, 94, "Date de facture"),
        (160, 94, "01/03/2026"),
        (40, 108, "N° client"),
        (160, 108, "C-0412"),
        (40, 122, label),
        (160, 122, "FA-2026-0031"),
    ]
    result = _result(cells)
    assert result.kind == "credit_note"
    assert (result.value("number"), result.value("credited_invoice_number")) == (
        "AV-2026-0007",
        "FA-2026-0031",
    )


@pytest.mark.parametrize("label", ["Ursprungsbeleg-Nr", "Original No.", "N° d'origine", "Número original"])
def test_on_a_credit_note_a_number_of_origin_gives_the_credited_invoice(label: str) -> None:
    cells = [
        (300, 40, "GUTSCHRIFT"),
        (300, 60, "Beleg-Nr"),
        (420, 60, ": GS-4471"),
        (300, 74, "Bestell-Nr"),
        (420, 74, ": B123456"),
        (300, 88, label),
        (420, 88, ": R-2026-0815"),
    ]
    result = _result(cells)
    assert (result.value("number"), result.value("credited_invoice_number")) == ("GS-4471", "R-2026-0815")


def test_the_credit_notes_own_number_is_never_the_credited_invoice() -> None:
    cells = [(40, 40, "CREDIT NOTE"), (300, 60, "Invoice No."), (420, 60, "CN-0099"), (300, 74, "Date")]
    cells += [(420, 74, "15/03/2026")]
    result = _result(cells)
    assert (result.value("number"), result.value("credited_invoice_number")) == ("CN-0099", None)


def test_on_an_invoice_a_label_naming_another_invoice_is_not_a_credited_invoice() -> None:
    cells = [(40, 40, "FACTURE F-2026-0042"), (40, 80, "Facture concernée"), (160, 80, "FA-2026-0031")]
    assert _result(cells).value("credited_invoice_number") is None


@pytest.mark.parametrize(
    ("title", "line", "issued"),
    [
        ("Avoir n° AV-2026-003", "Annule et remplace la facture n° F-2026-0042 du 01/03/2026", "2026-03-15"),
        ("Gutschrift Nr. GS-2026-17", "zur Rechnung Nr. F-2026-0042 vom 01.03.2026", "2026-03-15"),
    ],
)
def test_the_credited_invoice_followed_by_its_own_date(title: str, line: str, issued: str) -> None:
    """The invoice's date after its number does not hide the number, nor become the issue date."""
    cells = [(40, 40, "Lumen SARL"), (40, 170, title), (40, 184, "Date : 15.03.2026"), (40, 198, line)]
    cells += [(300, 300, "Total HT"), (460, 300, "100,00"), (300, 314, "TVA 20 %"), (460, 314, "20,00")]
    cells += [(300, 328, "Total TTC"), (460, 328, "120,00")]
    result = _result(cells)
    assert (result.kind, result.value("credited_invoice_number")) == ("credit_note", "F-2026-0042")
    assert result.value("issue_date") == issued
