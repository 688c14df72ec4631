"""Parties on layouts the vocabularies were not written for: letters without a salutation word
the vocabulary knows, attention lines of any language, a seller told by its identifiers rather
than the first line of the page (small constructed layouts, no PDF)."""

from __future__ import annotations

from billabex_core.extraction.assemble import assemble
from billabex_core.extraction.base import ExtractionResult
from billabex_core.extraction.layout import Word, build_layout
from billabex_core.extraction.partylines import POSTCODE_LINE, clean_name

Cell = tuple[float, float, str] | tuple[float, float, str, float]  # x, top, text[, font height]


def _result(cells: list[Cell]) -> ExtractionResult:
    words = []
    for x, top, text, *size in cells:
        height = size[0] if size else 9.0
        cursor = x
        for token in text.split():
            width = 0.55 * height * len(token)
            words.append(Word(token, cursor, top, cursor + width, top + height, 1))
            cursor += width + 0.28 * height
    return assemble(build_layout(words, 1, {1: 842.0}), source="text", org=None)


_META = [(340, 300, "Rechnung Nr. R-2026-17"), (340, 313, "Datum: 15.03.2026")]
_SENDER = [  # a letterhead on the right: phone and e-mail lines
    (340, 40, "Atelier Lumen SARL"),
    (340, 52, "12 rue des Lilas"),
    (340, 64, "75011 Paris"),
    (340, 76, "Tél. 01 23 45 67 89"),
    (340, 88, "contact@lumen.example"),
]


def test_a_date_range_in_the_letter_is_not_a_postcode_and_a_paragraph_is_not_an_address() -> None:
    cells: list[Cell] = [
        (71, 106, "Erika Berger"),
        (71, 118, "Lindenweg 4"),
        (71, 130, "12346 Bad Musterhausen"),
        (71, 370, "Sehr geehrte Frau Berger,"),
        (71, 382, "für den Zeitraum vom 06.12.2013 bis zum 06.12.2014 berechnen wir"),
        (71, 394, "den Beitrag für Ihr Haus: Muster Str. 11, 12345 Bad Musterhausen"),
        (71, 60, "Versicherungsverein Musterstadt"),
        *_META,
    ]
    r = _result(cells)
    assert r.value("buyer_name") == "Erika Berger"
    assert r.value("buyer_address") == "Lindenweg 4, 12346 Bad Musterhausen"
    assert not POSTCODE_LINE.search("vom 06.12.2013 bis zum 06.12.2014")
    assert not POSTCODE_LINE.search("from 06/12/2013 to")
    assert POSTCODE_LINE.search("D-12346 Bad Musterhausen")
    assert POSTCODE_LINE.search("560001 Bengaluru") and POSTCODE_LINE.search("010011 Bucuresti")  # six digits
    assert not POSTCODE_LINE.search("1234567 Lines")


def test_a_short_form_of_address_the_vocabulary_lacks_is_joined_to_the_name() -> None:
    cells: list[Cell] = [
        (71, 120, "Pan"),
        (71, 132, "Jan Kowalski"),
        (71, 144, "ul. Długa 5"),
        (71, 156, "00-950 Warszawa"),
        *_SENDER,
        *_META,
    ]
    assert _result(cells).value("buyer_name") == "Pan Jan Kowalski"


def test_a_name_after_an_attention_label_of_any_language() -> None:
    cells: list[Cell] = [
        (40, 120, "Bill to"),
        (40, 132, "Zuhanden: Alpenblick AG"),
        (40, 144, "Bahnhofstrasse 5"),
        (40, 156, "8001 Zürich"),
        *_META,
    ]
    assert _result(cells).value("buyer_name") == "Alpenblick AG"


def test_the_attention_line_after_the_address_names_a_buyer_printed_without_a_name() -> None:
    cells: list[Cell] = [
        (72, 195, "Invoice To:"),
        (72, 207, "1 Makebelieve Avenue,"),
        (72, 219, "Sim City"),
        (72, 231, "America"),
        (72, 243, "Attention: John Doe"),
        (72, 255, "Email: johndoe@example.com"),
        *_META,
    ]
    assert _result(cells).value("buyer_name") == "John Doe"


def test_a_buyer_label_followed_by_an_address_word_heads_the_block() -> None:
    cells: list[Cell] = [
        *_SENDER,
        (40, 140, "Sold to address:"),
        (40, 152, "Kowa Trading Ltd"),
        (40, 164, "5 Queen Street"),
        (40, 176, "Leeds"),
        *_META,
    ]
    assert _result(cells).value("buyer_name") == "Kowa Trading Ltd"


def test_the_topmost_buyer_heading_decides_over_a_label_word_printed_under_it() -> None:
    cells: list[Cell] = [
        (349, 132, "Bill To"),
        (349, 141, "Customer"),
        (349, 151, "Address"),
        (349, 160, "City, State Zipcode"),
        *_META,
    ]
    assert _result(cells).value("buyer_name") == "Customer"


def test_a_name_printed_a_little_apart_from_its_address_lines() -> None:
    cells: list[Cell] = [
        (40, 132, "Nordwind Handel", 12),
        (40, 157, "89 Rue de Paris", 12),
        (40, 171, "29200 Brest", 12),
        (40, 185, "France", 12),
        *_SENDER,
        *_META,
    ]
    r = _result(cells)
    assert r.value("buyer_name") == "Nordwind Handel"
    assert r.value("buyer_address") == "89 Rue de Paris, 29200 Brest"


def test_a_sentence_at_the_top_of_the_page_is_not_the_sellers_name() -> None:
    cells: list[Cell] = [
        (119, 20, "Fresh bread every day. We bake it with love."),
        (40, 60, "Atelier Lumen"),
        (40, 72, "12 rue des Lilas"),
        (40, 84, "75011 Paris"),
        (320, 140, "Client : Nordwind SAS"),
        (363, 152, "8 avenue Voltaire"),
        (363, 164, "69001 Lyon"),
        *_META,
    ]
    assert _result(cells).value("seller_name") == "Atelier Lumen"


def test_a_label_with_an_abbreviation_point_and_its_value_is_not_a_name() -> None:
    assert clean_name("Ref.: testref") is None
    assert clean_name("Nordwind SAS") == "Nordwind SAS"


def test_the_seller_is_the_block_over_its_identifiers_not_a_brand_line_above_it() -> None:
    cells: list[Cell] = [
        (45, 47, "Imprimerie du Centre", 12),
        (44, 80, "Papeterie Lumen", 8),
        (44, 90, "35 rue d'ici", 8),
        (44, 100, "75018 Paris", 8),
        (44, 121, "SIREN : 732 829 320", 8),
        (302, 80, "Client : Nordwind SAS", 8),
        (343, 90, "8 avenue Voltaire", 8),
        (343, 100, "69001 Lyon", 8),
        *_META,
    ]
    assert _result(cells).value("seller_name") == "Papeterie Lumen"


def test_a_name_opening_with_a_seller_word_but_carrying_a_legal_form_is_a_name() -> None:
    cells: list[Cell] = [
        (40, 40, "Absender", 8),
        (53, 54, "Lieferant GmbH", 12),
        (53, 68, "Lieferantenstraße 20", 12),
        (53, 82, "80333 München", 12),
        (40, 141, "Rechnungsempfänger", 8),
        (53, 156, "Kunden AG Mitte", 12),
        (53, 171, "Kundenstraße 15", 12),
        (53, 185, "69876 Frankfurt", 12),
        *_META,
    ]
    assert _result(cells).value("seller_name") == "Lieferant GmbH"


def test_a_house_number_of_four_digits_is_not_the_postcode_of_the_line_below() -> None:
    cells: list[Cell] = [
        (40, 100, "Bill To:"),
        (40, 112, "Jasmine Rivera"),
        (40, 124, "2558 Michael Mills"),
        (40, 136, "East Steven, MI 89330"),
        (300, 100, "Ship To:"),
        (300, 112, "Kowa Trading"),
        (300, 124, "1234 Main Street, New York,"),
        (300, 136, "NY 10001"),
        *_META,
    ]
    assert _result(cells).value("buyer_address") == "2558 Michael Mills, East Steven, MI 89330"


def test_a_row_printed_only_in_the_other_column_does_not_end_the_address() -> None:
    cells: list[Cell] = [
        (38, 134, "From:", 12),
        (300, 134, "To:", 12),
        (38, 150, "Das Company", 12),
        (300, 150, "Kowa Trading", 12),
        (38, 167, "ZUG Business Center", 12),
        (300, 167, "429 Seventh Av.", 12),
        (38, 183, "Highway 1", 12),
        (38, 199, "BE-9000 Ghent", 12),
        (300, 199, "BE-9000 Ghent", 12),
        *_META,
    ]
    assert _result(cells).value("buyer_address") == "429 Seventh Av., BE-9000 Ghent"


def test_a_letter_window_without_return_line_is_not_the_letterhead_of_a_sole_trader() -> None:
    cells: list[Cell] = [
        (340, 30, "Artisan depuis 1998 et travail soigné. Devis gratuit sur demande.", 7),
        (340, 41, "Claire Martin", 12),
        (340, 54, "26 avenue Jean Jaurès"),
        (340, 66, "54628 Bordeaux"),
        (340, 79, "Téléphone 01 23 45 67 89"),
        (50, 157, "Korenbloem Bakkerij SA", 12),
        (50, 170, "36 rue des Lilas"),
        (50, 182, "52696 Nantes"),
        (40, 232, "Facture F-2026-17", 21),
        (40, 270, "Date de facture : 15/03/2026"),
    ]
    r = _result(cells)
    assert (r.value("seller_name"), r.value("buyer_name")) == ("Claire Martin", "Korenbloem Bakkerij SA")


def test_the_buyers_vat_id_in_the_letter_window_does_not_name_the_seller() -> None:
    cells: list[Cell] = [
        (340, 41, "Vega Logistique S.L.", 12),
        (340, 54, "Calle Mayor 50"),
        (340, 66, "34607 Valencia"),
        (340, 91, "Tel. +40 627 603295"),
        (50, 157, "Hansen & Söhne S.A.", 12),
        (50, 170, "Calle Mayor 142"),
        (50, 182, "38933 Madrid"),
        (50, 195, "NIF: ESA77625101"),
        (40, 231, "Factura N° 2025/9460", 21),
        (40, 267, "Fecha de emisión 10.11.2025"),
        (40, 335, "Ref."),
        (440, 335, "Precio"),
        (40, 350, "1"),
        (440, 350, "1047,32"),
        (40, 364, "2"),
        (440, 364, "€54361,10"),
    ]
    r = _result(cells)
    assert (r.value("seller_name"), r.value("buyer_name")) == ("Vega Logistique S.L.", "Hansen & Söhne S.A.")
    assert not POSTCODE_LINE.search("€54361,10")


def test_a_title_with_its_number_is_not_the_sellers_name() -> None:
    cells: list[Cell] = [
        (40, 41, "Jonas Weber", 12),
        (40, 54, "Stationsweg 162", 10),
        (382, 49, "Creditnota FA25-6629", 16),
        (40, 66, "7293 LW Amsterdam", 10),
        (40, 90, "Telefoon 02 46 10 59 34", 10),
        (40, 125, "Factuurdatum", 10),
        (40, 137, "21-09-2025", 10),
        (40, 162, "Factuuradres: De Vries Techniek N.V.", 12),
        (118, 175, "Dorpsstraat 162", 10),
        (118, 187, "2993 LR Rotterdam", 10),
    ]
    assert _result(cells).value("seller_name") == "Jonas Weber"
