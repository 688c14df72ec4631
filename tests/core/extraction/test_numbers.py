"""The document number among other numbers: the label decides (word lists, no PDF)."""

from __future__ import annotations

import pytest

from billabex_core.extraction.assemble import assemble
from billabex_core.extraction.numbers import label_score, parse_id

from .cells import layout_of

_layout = layout_of


def _number(cells: list[tuple[float, float, str]]) -> str | None:
    return assemble(_layout(cells), source="text", org=None).value("number")


@pytest.mark.parametrize(
    "label",
    [
        "N° client",
        "Commande n°",
        "Kundennummer",
        "Bestellnummer",
        "Order No.",
        "Customer #",
        "Ligne",
        "N° de TVA",
        "Kunden-Nr.",
        "Nº pedido",
        "Lieferschein-Nr.",
        "Page",
        "Documento di trasporto n.",
    ],
)
def test_labels_naming_another_number_never_give_the_invoice_number(label: str) -> None:
    assert label_score(label) is None


@pytest.mark.parametrize(
    "label",
    [
        "Facture n°",
        "Rechnungsnr.",
        "INV#",
        "Invoice No.",
        "Factuurnummer",
        "Nº factura",
        "Fattura n.",
        "Fattura N.:",
        "Nota di credito n.:",
        "N.:",
    ],
)
def test_document_number_labels(label: str) -> None:
    assert label_score(label) is not None


def test_header_row_with_order_and_customer_numbers() -> None:
    cells = [
        (40, 40, "FACTURE"),
        (40, 100, "N° client"),
        (150, 100, "Commande n°"),
        (260, 100, "Facture n°"),
        (370, 100, "Date"),
        (40, 114, "C-00412"),
        (150, 114, "88213"),
        (260, 114, "F-2026-0042"),
        (370, 114, "15/03/2026"),
    ]
    assert _number(cells) == "F-2026-0042"


def test_customer_number_first_in_a_label_column() -> None:
    cells = [
        (40, 40, "RECHNUNG"),
        (340, 100, "Kundennummer:"),
        (460, 100, "40417"),
        (340, 113, "Bestellnummer:"),
        (460, 113, "PO-7781"),
        (340, 126, "Rechnungsnr.:"),
        (460, 126, "RE2026-117"),
    ]
    assert _number(cells) == "RE2026-117"


def test_abbreviated_invoice_label_and_short_numbers() -> None:
    assert _number([(40, 40, "INVOICE"), (400, 80, "INV#"), (440, 80, "INV0001")]) == "INV0001"
    assert _number([(40, 40, "I N V O I C E #1"), (40, 80, "May 7, 2020")]) == "1"


def test_a_date_shaped_number_under_an_invoice_number_label() -> None:
    cells = [(400, 40, "Numer faktury"), (400, 54, "2/11/2023"), (40, 100, "Data wystawienia: 2023-11-30")]
    assert _number(cells) == "2/11/2023"


def test_corrected_invoice_number_and_the_invoice_it_corrects() -> None:
    cells = [
        (40, 40, "CREDIT NOTE"),
        (150, 100, "Corrected invoice No. 1234567890"),
        (160, 114, "for invoice No. 1234567889 from 12 Sep 2024"),
    ]
    result = assemble(_layout(cells), source="text", org=None)
    assert result.value("number") == "1234567890"
    assert result.value("credited_invoice_number") == "1234567889"


def test_parse_id_refuses_dates_and_amounts_but_keeps_numbers_containing_them() -> None:
    assert parse_id("15/03/2026") is None
    assert parse_id("12,50") is None
    assert parse_id("2024-03-10t172205") == ("2024-03-10t172205", 0, 17)
    assert parse_id("#2015-11-04")[0] == "2015-11-04"  # type: ignore[index]
    assert parse_id("nr FV 7/2021")[0] == "FV 7/2021"  # type: ignore[index]


def test_a_compound_title_with_a_type_code_before_the_number() -> None:
    cells = [
        (40, 40, "Handelsrechnung (380) Nr. 471102 vom 15.11.2024"),
        (40, 80, "Verkäufer"),
        (40, 94, "Nummer:"),
        (200, 94, "549910"),
    ]
    result = assemble(_layout(cells), source="text", org=None)
    assert (result.value("number"), result.value("issue_date")) == ("471102", "2024-11-15")


@pytest.mark.parametrize("label", ["Numeris", "Numurs", "Numéro", "Número", "Numer"])
def test_the_root_of_number_is_a_number_word_in_any_language(label: str) -> None:
    assert label_score(f"{label}:") is not None


def test_a_number_label_of_a_language_the_vocabularies_lack() -> None:
    cells = [
        (40, 40, "UAB Pavyzdys"),
        (340, 80, "Sąskaitos numeris:"),
        (440, 80, "LT-2024-17"),
        (340, 94, "Data:"),
        (440, 94, "2024-03-10"),
        (40, 200, "1"),
        (80, 200, "Konsultacija"),
        (480, 200, "61,00"),
    ]
    assert _number(cells) == "LT-2024-17"


def test_a_bare_number_word_wins_over_a_number_of_a_thing_the_vocabularies_cannot_name() -> None:
    cells = [
        (40, 40, "Nordwind GmbH"),
        (340, 80, "Angebot Nr."),
        (460, 80, "26-861"),
        (340, 94, "Nr."),
        (460, 94, "2026-08-9935"),
        (340, 108, "Datum"),
        (460, 108, "15.03.2026"),
    ]
    assert _number(cells) == "2026-08-9935"


@pytest.mark.parametrize(
    "cells",
    [
        [
            (463, 40, "FACTURE"),
            (340, 54, "N° de devis"),
            (460, 54, "25-578"),
            (340, 68, "N°:"),
            (460, 68, "F-0042"),
        ],
        [
            (450, 40, "FACTURE"),
            (300, 54, "N°"),
            (400, 54, "Client"),
            (300, 68, "F-0042"),
            (400, 68, "CL-2026-09061"),
        ],
    ],
    ids=["label-left-of-the-value", "header-row-above-the-value"],
)
def test_a_value_under_the_title_with_a_label_of_its_own_is_not_the_titles(cells) -> None:
    assert _number(cells) == "F-0042"
