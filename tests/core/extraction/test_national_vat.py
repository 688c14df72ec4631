"""A VAT number printed without its country code, under the label its country uses ("NIP" in
Poland, "P.IVA" in Italy, "NIF"/"CIF" in Spain), is read as printed and goes to its party."""

from __future__ import annotations

import pytest

from .cells import result_of


def _two_parties(seller_id: str, buyer_id: str) -> list[tuple[float, float, str]]:
    cells = [(200, 40, "Faktura nr FV 7/2021"), (60, 60, "Data wystawienia: 2021-07-30")]
    cells += [(60, 100, "Sprzedawca"), (330, 100, "Nabywca")]
    cells += [(60, 112, "Simple App"), (330, 112, "Buyer Sp. z o.o.")]
    cells += [(60, 124, "ul. Nieznana 1"), (330, 124, "al. Nieznana 2")]
    cells += [(60, 136, "11-111 Olsztyn"), (330, 136, "22-222 Gdynia")]
    cells += [(60, 148, seller_id), (330, 148, buyer_id)]
    return [*cells, (60, 300, "Razem 22 222,00 5 111,06 27 333,06 zł")]


@pytest.mark.parametrize(
    ("seller_id", "buyer_id", "seller_vat", "buyer_vat"),
    [
        ("NIP: 1234567890", "NIP: 111-111-11-11", "1234567890", "1111111111"),  # a bad checksum too
        ("P.IVA 01234567890", "Partita IVA: 09876543210", "01234567890", "09876543210"),
        ("CIF: B12345678", "NIF 12345678Z", "B12345678", "12345678Z"),
    ],
)
def test_national_vat_numbers_are_read_as_printed(
    seller_id: str, buyer_id: str, seller_vat: str, buyer_vat: str
) -> None:
    result = result_of(_two_parties(seller_id, buyer_id))
    assert (result.value("seller_vat"), result.value("buyer_vat")) == (seller_vat, buyer_vat)


@pytest.mark.parametrize(
    "printed", ["NIP: 12345", "P.IVA 0123456789012", "Bank 1234567890", "NIP: 1234567890123"]
)
def test_other_numbers_are_not_vat_numbers(printed: str) -> None:
    result = result_of(_two_parties(printed, "Tel. 22 222 22 22"))
    assert result.value("seller_vat") is None and result.value("buyer_vat") is None
