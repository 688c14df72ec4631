"""Buyer and seller in letter layouts and two-column headers; buyer VAT and SIREN (no PDF)."""

from __future__ import annotations

from .cells import result_of

_result = result_of


def test_buyer_vat_and_siren_in_its_column_of_a_two_column_header() -> None:
    cells = [
        (40, 60, "Fournisseur"),
        (320, 60, "Client"),
        (40, 74, "Atelier Lumen SARL"),
        (320, 74, "Nordwind SAS"),
        (40, 87, "12 rue des Lilas"),
        (320, 87, "8 avenue Voltaire"),
        (40, 100, "75011 Paris"),
        (320, 100, "69001 Lyon"),
        (40, 113, "N° TVA : FR40303265045"),
        (320, 113, "N° TVA : FR05987654321"),
        (320, 126, "SIREN : 987 654 321"),
        (40, 200, "Facture n° F-1"),
        (40, 214, "Date : 15/03/2026"),
    ]
    r = _result(cells)
    assert (r.value("buyer_name"), r.value("seller_name")) == ("Nordwind SAS", "Atelier Lumen SARL")
    assert (r.value("buyer_vat"), r.value("seller_vat")) == ("FR05987654321", "FR40303265045")
    assert r.value("buyer_siren") == "987654321"  # as printed: its checksum fails, Review warns


def test_buyer_vat_under_a_customer_vat_column_header() -> None:
    cells = [
        (40, 60, "Invoice No"),
        (170, 60, "Customer VAT"),
        (40, 74, "F-2025-9601"),
        (170, 74, "GB426314725"),
        (40, 120, "From"),
        (320, 120, "Invoice to:"),
        (40, 134, "Kappa Systems Limited"),
        (320, 134, "Oakridge Analytics LLC"),
        (40, 147, "137 Baker Street"),
        (320, 147, "2 High Street"),
        (40, 160, "Leeds M16 6BL"),
        (320, 160, "Bristol SW6 7BN"),
        (40, 173, "VAT number: GB549076669"),
    ]
    r = _result(cells)
    assert (r.value("buyer_vat"), r.value("seller_vat")) == ("GB426314725", "GB549076669")


def test_name_on_the_label_line_and_address_under_the_name() -> None:
    cells = [
        (40, 40, "Atelier Lumen EURL"),
        (40, 54, "116 avenue Jean Jaurès"),
        (40, 67, "91392 Lille"),
        (320, 100, "Client : Bureau Vallée EURL"),
        (363, 113, "36 boulevard Voltaire"),
        (363, 126, "63848 Bordeaux"),
    ]
    r = _result(cells)
    assert r.value("buyer_name") == "Bureau Vallée EURL"
    assert r.value("buyer_address") == "36 boulevard Voltaire, 63848 Bordeaux"


def test_letter_window_with_an_attention_line_and_a_bulleted_return_line() -> None:
    cells = [
        (122, 146, "Max Mustermann • Musterstraße 37 • 12345 Musterstadt"),
        (122, 160, "Erika Mustermann"),
        (122, 172, "Musterallee 1"),
        (122, 184, "12345 Musterstadt"),
        (346, 293, "Musterstadt, November 2, 2015"),
        (122, 339, "Invoice #2015-11-04"),
    ]
    r = _result(cells)
    assert (r.value("buyer_name"), r.value("seller_name")) == ("Erika Mustermann", "Max Mustermann")
    assert r.value("number") == "2015-11-04"


def test_surname_first_buyer_and_a_polish_name_sub_label() -> None:
    cells = [
        (300, 100, "To:"),
        (300, 114, "Steel, Laura"),
        (300, 128, "429 Seventh Av."),
        (300, 142, "BE-9000 Ghent"),
    ]
    assert _result(cells).value("buyer_name") == "Steel, Laura"
    cells = [
        (298, 100, "Nabywca"),
        (298, 114, "NIP: 1111111111"),
        (298, 128, "Nazwa: F.H.U. Jan Kowalski"),
        (298, 142, "Adres"),
        (298, 156, "ul. Polna 1, 00-001 Warszawa"),
    ]
    assert _result(cells).value("buyer_name") == "F.H.U. Jan Kowalski"


def test_a_buyer_label_after_an_address_word_without_the_whole_phrase_in_the_vocabulary() -> None:
    from billabex_core.extraction import vocab

    data = {name: vocab.load_file(name) for name in vocab.FILES}
    data["labels.json"]["buyer"]["fr"] = [
        p for p in data["labels.json"]["buyer"]["fr"] if p != "adresse du client"
    ]
    cells = [
        (40, 40, "LE FOURNISSEUR"),
        (40, 54, "1 rue du fournisseur"),
        (40, 68, "29000 Quimper"),
        (300, 100, "Adresse du Client"),
        (302, 114, "LE CLIENT"),
        (302, 128, "5 rue de l'acheteur"),
        (302, 142, "38000 Grenoble"),
    ]
    vocab.use_vocabularies(data)
    try:
        assert _result(cells).value("buyer_name") == "LE CLIENT"
    finally:
        vocab.use_vocabularies(None)


def test_buyer_vat_under_a_heading_that_names_the_buyer() -> None:
    cells = [
        (90, 71, "SELLER TRADE NAME"),
        (296, 71, "Adresse du Client"),
        (90, 82, "LE FOURNISSEUR"),
        (303, 82, "LE CLIENT"),
        (90, 90, "35 rue d'ici"),
        (303, 90, "MON ADRESSE LIGNE 1"),
        (90, 99, "75018 PARIS, FR"),
        (303, 99, "06000 MA VILLE, FR"),
        (90, 142, "N° TVA : FR 11 123 456 782"),
        (91, 202, "Nos références"),
        (296, 202, "Vos identifiants"),
        (303, 220, "SIREN : 987 654 321"),
        (303, 229, "N° TVA : FR 05 987 654 321"),
    ]
    r = _result(cells)
    assert (r.value("buyer_vat"), r.value("seller_vat")) == ("FR05987654321", "FR11123456782")


def test_one_word_headings_over_two_columns_of_a_language_the_vocabularies_lack() -> None:
    cells = [
        (40, 40, "Faktura nr 2024-17"),
        (40, 60, "Myyjä"),  # Finnish: seller, buyer — in no vocabulary
        (320, 60, "Ostaja"),
        (40, 74, "Petr Nový"),
        (320, 74, "Adam Černý"),
        (40, 87, "Rolnická 1"),
        (320, 87, "Ostravská 1"),
        (40, 100, "747 05 Opava"),
        (320, 100, "747 70 Opava"),
        (40, 200, "Datum: 15/03/2026"),
    ]
    assert _result(cells).value("buyer_name") == "Adam Černý"


def test_two_word_headings_in_capitals_over_two_columns() -> None:
    cells = [
        (40, 40, "FATURA"),
        (40, 60, "FATURAR A"),  # Portuguese: in no vocabulary
        (320, 60, "ENTREGAR A"),
        (40, 74, "Anita Oliver"),
        (320, 74, "Anita Oliver"),
        (40, 87, "4557 De Silva St"),
        (320, 87, "4557 De Silva St"),
        (40, 100, "Fremont CA 94538"),
        (320, 100, "Fremont CA 94538"),
        (40, 200, "Fecha: 15/03/2026"),
    ]
    assert _result(cells).value("buyer_name") == "Anita Oliver"


def test_a_buyer_heading_with_an_alternative_word_after_a_slash() -> None:
    cells = [
        (40, 40, "Rechnung Nr. 6069"),
        (40, 60, "Verkäufer"),
        (40, 74, "Name:"),
        (120, 74, "Musterlieferant GmbH"),
        (40, 87, "DE 12345 Musterstadt"),
        (40, 110, "Buyer/Consignee"),
        (40, 124, "Nummer:"),
        (120, 124, "22334455"),
        (40, 137, "Name:"),
        (120, 137, "Musterkäufer GmbH"),
        (40, 150, "Anschrift:"),
        (120, 150, "Käuferweg 3"),
        (40, 163, "DE 54321 Kaufstadt"),
        (40, 250, "Datum: 10.04.2026"),
    ]
    assert _result(cells).value("buyer_name") == "Musterkäufer GmbH"
