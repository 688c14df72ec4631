"""Party blocks: which line names the party, and which block is the letter's recipient."""

from __future__ import annotations

from functools import partial

import pytest

from billabex_core.extraction.labels import Neighbours, find_hits
from billabex_core.extraction.layout import Word, build_layout
from billabex_core.extraction.letters import address_blocks, recipient
from billabex_core.extraction.partylines import is_attention, is_salutation, is_street, name_in_block

from .cells import layout_of, result_of

_layout = partial(layout_of, char=6, height=10, gap=3)


@pytest.mark.parametrize(
    ("text", "street"),
    [
        ("12 rue des Lilas", True),
        ("Musterstr. 11", True),
        ("Industriestraße 7", True),
        ("93B Sai Yu Chung", True),
        ("PO Box 16122", True),
        ("Beispiel Bau AG", False),
        ("Jane Doe", False),
        ("LE CLIENT DISTRIBUTION", False),
    ],
)
def test_street_lines(text: str, street: bool) -> None:
    assert is_street(text) is street


def test_salutation_and_attention_lines() -> None:
    assert is_salutation("Herrn") and is_salutation("Mrs.") and not is_salutation("Herrn Max Mustermann")
    assert is_attention("z. Hd. Herrn Schulz") and is_attention("Contact Acheteur") and is_attention("Firma")
    assert not is_attention("Beispiel Bau AG")


def test_name_skips_contact_lines_and_joins_salutations() -> None:
    layout = _layout([(60, 100, "Contact Acheteur"), (60, 112, "ACME SARL"), (60, 124, "4 avenue Foch")])
    found = name_in_block(layout.segments)
    assert found is not None and found.value == "ACME SARL"
    layout = _layout([(60, 100, "Herrn"), (60, 112, "Max Mustermann"), (60, 124, "Musterstr. 11")])
    found = name_in_block(layout.segments)
    assert found is not None and found.value == "Herrn Max Mustermann"


def test_attention_line_is_the_name_when_the_street_follows() -> None:
    layout = _layout(
        [(60, 100, "ATTN: iViveLabs Limited"), (60, 112, "93B Sai Yu Chung"), (60, 124, "Hong Kong")]
    )
    found = name_in_block(layout.segments)
    assert found is not None and found.value == "iViveLabs Limited"


def test_recipient_is_the_block_under_the_return_line() -> None:
    layout = _layout(
        [
            (300, 40, "Sender GmbH"),
            (300, 52, "Hauptstr. 5"),
            (300, 64, "10115 Berlin"),
            (300, 76, "Tel. +49 30 1234567"),
            (60, 120, "Sender GmbH - Hauptstr. 5 - 10115 Berlin"),
            (60, 150, "Kunde AG"),
            (60, 162, "Weg 7"),
            (60, 174, "80331 München"),
        ]
    )
    blocks = address_blocks(layout)
    block = recipient(blocks, [])
    assert block is not None and block.name.value == "Kunde AG"


def test_a_label_word_inside_a_name_does_not_make_a_label_line() -> None:
    layout = _layout(
        [(60, 100, "Adresse du client"), (60, 112, "L'ACHETEUR"), (60, 124, "MUSTER-KUNDE GMBH")]
    )
    hits = find_hits(layout)
    nb = Neighbours(layout, hits)
    headed = [s.text for s in layout.segments if id(s) in nb.headed]
    assert headed == ["Adresse du client"]


def _two_blocks(left: str, right: str, repeated: str | None) -> list[tuple[float, float, str]]:
    """Two party blocks under one-word headings no vocabulary holds, in an invented town with
    no postcode line (their streets and VAT ids end them), and a payment line below."""
    cells = [(200, 40, "Rechnung")]
    for x, heading, name, street, vat in (
        (60, "Recipiens", left, "Killmotor Hill 1", "DE987654321"),
        (330, "Emittens", right, "Inventor Drive 23", "DE123456789"),
    ):
        cells += [(x, 100, heading), (x, 112, name), (x, 124, "Disneyland"), (x, 136, street)]
        cells += [(x, 148, f"USt-IdNr.: {vat}")]
    cells += [(60, 300, "Arc reactor 1 13000.00"), (60, 340, "Total 13000.00")]
    if repeated:
        cells += [
            (200, 400, "Kontoinhaber:"),
            (280, 400, repeated),
            (200, 412, "IBAN: DE89370400440532013000"),
        ]
    return cells


@pytest.mark.parametrize(
    ("left", "right"), [("Scrooge McDuck", "Gyro Gearloose"), ("Gyro Gearloose", "Scrooge McDuck")]
)
def test_the_name_printed_again_below_the_blocks_is_the_sellers(left: str, right: str) -> None:
    result = result_of(_two_blocks(left, right, repeated="Gyro Gearloose"))
    assert result.value("seller_name") == "Gyro Gearloose"
    assert result.value("buyer_name") == "Scrooge McDuck"


def test_a_blocks_heading_is_never_the_sellers_name() -> None:
    result = result_of(_two_blocks("Scrooge McDuck", "Gyro Gearloose", repeated=None))
    assert result.value("seller_name") not in ("Recipiens", "Emittens")


def test_both_names_printed_again_decide_nothing() -> None:
    cells = _two_blocks("Scrooge McDuck", "Gyro Gearloose", repeated="Gyro Gearloose")
    cells.append((200, 430, "Scrooge McDuck"))
    result = result_of(cells)
    assert result.value("seller_name") != "Gyro Gearloose" or result.value("buyer_name") != "Scrooge McDuck"


def test_a_column_of_values_beside_labels_is_not_an_address_block() -> None:
    layout = _layout(
        [
            (34, 239, "Payment Terms"),
            (155, 239, "30% advance payment,"),
            (155, 251, "balance at 30 days"),
            (34, 268, "Due Date"),
            (155, 268, "12/03/2017"),
            (34, 302, "Customer VAT Number"),
            (155, 302, "ESA12345674"),
        ]
    )
    assert [b.name.value for b in address_blocks(layout)] == []


def test_no_word_of_a_heading_row_is_the_sellers_name() -> None:
    cells = [(36, 41, "Faktura"), (400, 41, "č. 198900000001")]
    cells += [(46, 104, "Prodavac"), (246, 104, "Venditorus"), (311, 104, "Kupac"), (505, 104, "Clientus")]
    cells += [(46, 126, "Petr Nový"), (311, 126, "Adam Black")]
    cells += [(46, 149, "Rolnická 1"), (311, 149, "8648 Acacia Rd.")]
    cells += [(46, 165, "747 05 Opava"), (311, 165, "Brooklyn, NY 11203")]
    result = result_of(cells)
    assert result.value("seller_name") not in ("Venditorus", "Clientus", "Prodavac", "Kupac")
    assert result.value("buyer_name") == "Adam Black"


def _totals() -> list[tuple[float, float, str]]:
    return [(60, 300, "Total 550.00"), (60, 312, "Balance Due 550.00")]


def test_a_side_label_set_close_to_a_column_of_values_names_the_party() -> None:
    """ "Client  Some Long Client": the label's value starts where the lines below it do (a
    column of labels beside a column of values); a name wrapped onto a second line is whole."""
    cells = [(200, 40, "INVOICE #1")]
    cells += [(60, 100, "Client Some Long Client"), (92.5, 112, "Company Name")]
    cells += [(92.5, 124, "234 Client Address St"), (92.5, 136, "Sometown, ST 12345")]
    cells += [(330, 100, "Payable To Lowland Applied Research"), (380, 112, "Company")]
    cells += [(380, 124, "123 Anywhere St"), (380, 136, "Sometown, ST 12345")]
    result = result_of(cells + _totals())
    assert result.value("buyer_name") == "Some Long Client Company Name"
    assert result.value("seller_name") == "Lowland Applied Research Company"


def test_a_label_that_opens_another_label_names_no_one() -> None:
    """ "Customer Reference Spring Campaign" over lines that start elsewhere is another label:
    the buyer is the block under "Bill To"."""
    cells = [
        (200, 40, "INVOICE 12"),
        (60, 70, "Customer Reference Spring Campaign"),
        (60, 82, "Date 12/03/2026"),
    ]
    cells += [(60, 100, "Bill To"), (60, 112, "Kunde AG"), (60, 124, "Weg 7"), (60, 136, "80331 München")]
    assert result_of(cells + _totals()).value("buyer_name") == "Kunde AG"


@pytest.mark.parametrize(
    ("lines", "name"),
    [
        (["ACME Trading", "Company", "12 Main Street"], "ACME Trading Company"),
        (
            ["MVM Musterhafter", "Versicherungsverein Musterstadt a.G.", "Musterstr. 12"],
            "MVM Musterhafter Versicherungsverein Musterstadt a.G.",
        ),
        (["ACME SARL", "Service comptabilité", "4 avenue Foch"], "ACME SARL"),  # a department
        (["ACME Trading", "Beispiel GmbH", "Tel. +49 30 1234567"], "ACME Trading"),  # no street next
        (["Beispiel Handel", "Zweigniederlassung 2 GmbH", "Weg 7"], "Beispiel Handel"),  # digits
        (["Firma", "Beispiel Bau AG", "Weg 7"], "Beispiel Bau AG"),  # "Firma" over a name
    ],
)
def test_a_name_wrapped_onto_the_next_line_is_joined(lines: list[str], name: str) -> None:
    layout = _layout([(60, 100 + 12 * i, text) for i, text in enumerate(lines)])
    found = name_in_block(layout.segments)
    assert found is not None and found.value == name


def test_a_smaller_line_under_a_name_is_not_its_end() -> None:
    cells = [(60, 100, "ACME Trading", 14), (60, 118, "Limited", 9), (60, 130, "12 Main Street", 9)]
    words = []
    for x, top, text, size in cells:
        for token in text.split():
            words.append(Word(token, x, top, x + 0.6 * size * len(token), top + size, 1))
            x += 0.6 * size * len(token) + 3
    layout = build_layout(words, 1, {1: 842.0})
    found = name_in_block(layout.segments)
    assert found is not None and found.value == "ACME Trading"


def _letterhead(first: tuple[float, str]) -> list[tuple[float, float, str]]:
    cells = [(first[0], 40, first[1]), (60, 52, "Versicherungsverein Musterstadt a.G.")]
    cells += [(60, 120, "Herrn"), (60, 132, "Max Mustermann"), (60, 144, "Musterstr. 11")]
    cells += [
        (60, 156, "12346 Bad Musterhausen"),
        (60, 200, "Beitragsrechnung Nr. 00.123.456.7 11. März 2014"),
    ]
    return [*cells, (60, 300, "Gesamtbeitrag 50,00 €"), (60, 312, "Rechnungsbeitrag 59,50 €")]


def test_a_letterhead_name_in_two_lines_is_whole() -> None:
    """ "MVM Musterhafter" over "Versicherungsverein Musterstadt a.G.": the line above the one
    with the legal form, at its left edge and in its size, is the name's first half."""
    result = result_of(_letterhead((60, "MVM Musterhafter")))
    assert result.value("seller_name") == "MVM Musterhafter Versicherungsverein Musterstadt a.G."
    assert result.value("buyer_name") == "Herrn Max Mustermann"


def test_a_line_elsewhere_above_the_letterhead_is_not_its_start() -> None:
    result = result_of(_letterhead((300, "MVM Musterhafter")))
    assert result.value("seller_name") == "Versicherungsverein Musterstadt a.G."
