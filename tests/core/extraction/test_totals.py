"""Totals that add up, with or without the labels the vocabulary knows (word lists, no PDF)."""

from __future__ import annotations

from .cells import result_of

_result = result_of


def _totals(cells) -> tuple[str | None, str | None, str | None]:
    r = _result(cells)
    return r.value("total_excl_tax"), r.value("tax_amount"), r.value("total_incl_tax")


ITEMS = [(40, 200, "1"), (80, 200, "Wartung"), (480, 200, "61 820,06")]


def test_an_unknown_net_label_is_read_from_the_arithmetic() -> None:
    cells = [
        *ITEMS,
        (340, 300, "Zwischensumme"),
        (480, 300, "61 820,06 EUR"),
        (340, 314, "USt. 19%"),
        (480, 314, "8 019,97 EUR"),
        (340, 328, "USt. 7%"),
        (480, 328, "1 372,68 EUR"),
        (340, 342, "Gesamtbetrag"),
        (480, 342, "71 212,71 EUR"),
    ]
    assert _totals(cells) == ("61820.06", "9392.65", "71212.71")


def test_totals_without_any_known_label() -> None:
    cells = [
        (40, 200, "Widget"),
        (480, 200, "1,436.00"),
        (340, 300, "LESS DISCOUNT"),
        (480, 300, "1436"),
        (340, 314, "LEVY"),
        (480, 314, "100.52"),
        (340, 328, "TO PAY NOW"),
        (480, 328, "$1,536.52"),
    ]
    assert _totals(cells) == ("1436.00", "100.52", "1536.52")


def test_a_tax_column_header_carrying_its_rate() -> None:
    cells = [
        (40, 300, "Bedrag excl. btw"),
        (212, 300, "BTW (21%)"),
        (383, 300, "Totaal"),
        (40, 314, "26.928,50"),
        (212, 314, "5.654,99"),
        (383, 314, "32.583,49"),
    ]
    assert _totals(cells) == ("26928.50", "5654.99", "32583.49")


def test_item_lines_do_not_make_totals_when_labelled_ones_add_up() -> None:
    cells = [
        (40, 200, "A"),
        (480, 200, "100,00"),
        (40, 214, "B"),
        (480, 214, "20,00"),
        (40, 228, "C"),
        (480, 228, "120,00"),
        (340, 300, "Total HT"),
        (480, 300, "240,00"),
        (340, 314, "TVA 20 %"),
        (480, 314, "48,00"),
        (340, 328, "Total TTC"),
        (480, 328, "288,00"),
    ]
    assert _totals(cells) == ("240.00", "48.00", "288.00")


def test_a_total_label_saying_without_tax_is_the_net_amount() -> None:
    cells = [
        (40, 300, "Rechnungssumme ohne USt."),
        (480, 300, "214,09"),
        (40, 314, "Steuer"),
        (480, 314, "16,39"),
        (40, 328, "Summe brutto"),
        (480, 328, "230,48"),
    ]
    assert _totals(cells) == ("214.09", "16.39", "230.48")


def test_an_unlabelled_zero_is_no_evidence_of_a_zero_tax() -> None:
    cells = [
        (40, 200, "Rabatt"),
        (480, 200, "0,00"),
        (40, 300, "Positionssumme"),
        (480, 300, "214,09"),
        (40, 314, "Rechnungssumme"),
        (480, 314, "214,09"),
        (40, 328, "MwSt. 7,66 %"),
        (480, 328, "16,39"),
        (40, 342, "Bruttosumme"),
        (480, 342, "230,48"),
    ]
    assert _totals(cells)[1:] == ("16.39", "230.48")


def test_a_vat_number_is_no_tax_amount() -> None:
    cells = [
        (40, 40, "Facture F-26"),
        (40, 100, "N° TVA : FR 11 123 456 782"),
        (40, 200, "1"),
        (80, 200, "Audit"),
        (480, 200, "100,00"),
        (340, 300, "TOTAL HT"),
        (480, 300, "100,00"),
        (340, 314, "TOTAL TTC"),
        (480, 314, "100,00"),
        (40, 800, "35 rue de la Paix, Paris - N° TVA : FR32 123 456 789"),
    ]
    assert _totals(cells) == ("100.00", "0.00", "100.00")


def test_a_tax_exempt_total_under_an_unknown_label() -> None:
    cells = [
        *ITEMS,
        (340, 300, "Nettobetrag"),
        (480, 300, "61 820,06"),
        (340, 314, "Gesamtbetrag der Abschläge"),
        (480, 314, "-0,00"),
        (340, 328, "Endsumme"),
        (480, 328, "61 820,06"),
    ]
    result = _result(cells)
    assert _totals(cells) == ("61820.06", "0.00", "61820.06")
    assert "no tax: the total equals the net amount" in result.warnings


def test_no_total_is_read_where_only_the_net_amount_is_printed() -> None:
    cells = [*ITEMS, (340, 300, "Nettobetrag"), (480, 300, "61 820,06")]
    assert _totals(cells) == ("61820.06", None, None)
