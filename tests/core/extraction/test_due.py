"""Due dates from labels and printed payment terms, dates in the document's order (no PDF)."""

from __future__ import annotations

import pytest

from .cells import result_of

_result = result_of


@pytest.mark.parametrize(
    ("terms", "due"),
    [
        ("Paiement à 45 jours fin de mois", "2026-04-30"),
        ("Zahlbar innerhalb 14 Tagen", "2026-03-29"),
        ("Payment terms: Net 45", "2026-04-29"),
        ("Forma de pago: a 30 días", "2026-04-14"),
        ("Pagamento a 30 giorni data fattura", "2026-04-14"),
        ("Te betalen binnen 30 dagen", "2026-04-14"),
        ("Payable à réception de facture", "2026-03-15"),
        ("Bitte überweisen Sie den Betrag bis 20.04.2026", "2026-04-20"),
        ("Merci de régler d’ici le 20/04/2026", "2026-04-20"),
        ("Payable on or before 4/20/2026", "2026-04-20"),
        # end of month after the days: EOM, FDM, fin de mes, fine mese, d.f.f.m.
        ("Payment terms: 30 days EOM", "2026-04-30"),  # 31 March + 30 days
        ("Payment terms: Net 45 EOM", "2026-05-15"),
        ("Conditions de paiement : 30 j FDM", "2026-04-30"),
        ("Condiciones de pago: 30 días fin de mes", "2026-04-30"),
        ("Pagamento a 60 giorni d.f.f.m.", "2026-05-31"),
        ("Termini di pagamento: 30 gg fine mese", "2026-04-30"),
    ],
)
def test_due_date_from_printed_terms(terms: str, due: str) -> None:
    cells = [(40, 40, "INVOICE"), (340, 80, "Date: 15.03.2026"), (40, 600, terms)]
    assert _result(cells).value("due_date") == due


def test_terms_label_and_its_date_in_the_next_cell() -> None:
    cells = [
        (40, 40, "Invoice X-1"),
        (40, 80, "Date:"),
        (120, 80, "30.06.2023"),
        (40, 94, "Payment until:"),
        (120, 94, "30.07.2023"),
    ]
    assert _result(cells).value("due_date") == "2023-07-30"


def test_a_document_writing_dates_month_first() -> None:
    cells = [
        (40, 40, "Invoice"),
        (300, 80, "Issue date"),
        (420, 80, "10/20/2025"),
        (300, 94, "Due date"),
        (420, 94, "11/03/2025"),
    ]
    result = _result(cells)
    assert (result.value("issue_date"), result.value("due_date")) == ("2025-10-20", "2025-11-03")


def test_typographic_apostrophe_in_labels() -> None:
    cells = [
        (40, 40, "Facture F-1"),
        (40, 80, "Date d’émission: 2024-03-10"),
        (40, 94, "Livré le 2016-04-03"),
        (40, 108, "Date d’échéance: 2024-04-10"),
    ]
    result = _result(cells)
    assert (result.value("issue_date"), result.value("due_date")) == ("2024-03-10", "2024-04-10")


def test_a_date_column_of_the_item_table_is_not_the_issue_date() -> None:
    cells = [
        (40, 40, "INVOICE #7"),
        (40, 54, "May 7, 2020"),
        (40, 120, "Date"),
        (120, 120, "Description"),
        (400, 120, "Amount"),
        (40, 134, "2020/04/01"),
        (120, 134, "Audit"),
        (400, 134, "$50.00"),
        (40, 148, "2020/04/04"),
        (120, 148, "Design"),
        (400, 148, "$400.00"),
    ]
    assert _result(cells).value("issue_date") == "2020-05-07"


def test_a_date_header_over_one_value_is_still_the_issue_date() -> None:
    cells = [
        (40, 40, "INVOICE"),
        (40, 80, "Date"),
        (140, 80, "Number"),
        (40, 94, "15.03.2026"),
        (140, 94, "F-12"),
        (40, 160, "2020/04/01"),
        (140, 160, "Audit"),
    ]
    assert _result(cells).value("issue_date") == "2026-03-15"


def test_a_date_header_over_a_header_row_of_other_labelled_dates() -> None:
    cells = [
        (40, 40, "Rechnung 12"),
        (40, 80, "Bestellung"),
        (140, 80, "Datum"),
        (40, 94, "99443"),
        (140, 94, "12. April 2026"),
        (40, 108, "Lieferschein"),
        (140, 108, "Zahlbar bis"),
        (40, 122, "PO-1568"),
        (140, 122, "11. Juni 2026"),
    ]
    result = _result(cells)
    assert (result.value("issue_date"), result.value("due_date")) == ("2026-04-12", "2026-06-11")


@pytest.mark.parametrize(
    "cells",
    [
        # a label in a language the vocabularies do not hold (Danish)
        [(40, 40, "Faktura 1234"), (40, 80, "Fakturadato: 10.03.2024"), (40, 94, "Forfaldsdato: 24.03.2024")],
        # the label left of its value, in a header table of the first page
        [
            (40, 40, "Faktura 1234"),
            (40, 80, "10.03.2024"),
            (300, 80, "Forfaldsdato"),
            (400, 80, "24.03.2024"),
        ],
        # the label above its value
        [
            (40, 40, "Faktura 1234"),
            (40, 80, "10.03.2024"),
            (300, 80, "Forfaldsdato"),
            (300, 94, "24.03.2024"),
        ],
        # a date on a line about paying, no "by" word
        [
            (40, 40, "Invoice 1234"),
            (40, 80, "10.03.2024"),
            (40, 500, "Payment expected 24.03.2024, thank you"),
        ],
    ],
)
def test_the_later_named_date_is_the_due_date(cells: list[tuple[float, float, str]]) -> None:
    result = _result(cells)
    assert (result.value("issue_date"), result.value("due_date")) == ("2024-03-10", "2024-03-24")
    assert any("without a known label" in w for w in result.warnings)


@pytest.mark.parametrize(
    "label", ["Lieferdatum:", "Date de livraison :", "Delivery date:", "Order date:", "Leistungsdatum bis"]
)
def test_a_later_date_naming_something_else_is_not_the_due_date(label: str) -> None:
    cells = [(40, 40, "Invoice 1234"), (40, 80, "Datum: 10.03.2024"), (40, 94, f"{label} 24.03.2024")]
    assert _result(cells).value("due_date") is None


def test_an_earlier_or_same_date_is_not_the_due_date() -> None:
    cells = [(40, 40, "Faktura 1234"), (40, 80, "Fakturadato: 10.03.2024"), (40, 94, "Leveret: 10.03.2024")]
    assert _result(cells).value("due_date") is None


@pytest.mark.parametrize(
    ("cells", "due"),
    [
        # a due-date word qualifying a bare date word
        (
            [
                (40, 40, "Rechnung 12"),
                (40, 80, "Datum: 10.03.2024"),
                (40, 94, "Datum der Fälligkeit: 24.03.2024"),
            ],
            "2024-03-24",
        ),
        # a due-date label inside an amount-due label
        (
            [
                (40, 40, "Invoice 12"),
                (40, 80, "Invoice Date: July 20, 2014"),
                (40, 94, "TOTAL AMOUNT DUE ON August 3, 2014"),
                (400, 94, "$4.11"),
            ],
            "2014-08-03",
        ),
    ],
)
def test_a_due_label_inside_another_label(cells: list[tuple[float, float, str]], due: str) -> None:
    assert _result(cells).value("due_date") == due
