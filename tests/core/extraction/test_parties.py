"""Party blocks: which line names the party, and which block is the letter's recipient."""

from __future__ import annotations

from functools import partial

import pytest

from billabex_core.extraction.labels import Neighbours, find_hits
from billabex_core.extraction.letters import address_blocks, recipient
from billabex_core.extraction.partylines import is_attention, is_salutation, is_street, name_in_block

from .cells import layout_of

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
