"""A "paid" stamp is what a document says of itself; the label of an amount paid is not one."""

from __future__ import annotations

import pytest

from billabex_core.extraction.stamps import paid_stamp

from .cells import layout_of


@pytest.mark.parametrize(
    ("cells", "stamp"),
    [
        ([(400, 100, "PAYÉE le 01/03/2026")], "PAYÉE le 01/03/2026"),
        ([(400, 100, "Betrag dankend erhalten")], "Betrag dankend erhalten"),
        ([(60, 100, "Status: Paid!")], "Status: Paid!"),
        ([(400, 300, "Paid"), (500, 300, "$0.00")], None),  # a column of labels beside amounts
        ([(400, 300, "Payée"), (500, 300, "120,00 €")], None),
        ([(400, 300, "Amount paid 0.00")], None),
        ([(400, 300, "Paid in full"), (60, 320, "Total 120.00")], "Paid in full"),  # another line
    ],
)
def test_paid_stamps(cells: list[tuple[float, float, str]], stamp: str | None) -> None:
    found = paid_stamp(layout_of([(60, 40, "Invoice 12"), *cells]))
    assert (found.text if found else None) == stamp
