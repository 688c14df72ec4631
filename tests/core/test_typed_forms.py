"""Dates and amounts typed on the Review form the way a French user types them (issue #16): the
one parser of typed amounts (``money.parse_amount``) and day-first dates, next to the plain forms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billabex_core.errors import ValidationError
from billabex_core.money import parse_amount
from billabex_core.services.draft_values import document_input

BASE = {"kind": "invoice", "number": "F-1", "currency": "EUR"}


@pytest.mark.parametrize("typed", ["1 234,56", "1234.56", "1\u202f234,56", "1.234,56", "1,234.56", "1234,56"])
def test_one_parser_reads_both_ways(typed: str) -> None:
    assert parse_amount(typed, currency="EUR") == Decimal("1234.56")


def test_review_reads_french_dates_and_amounts() -> None:
    data = document_input(
        {
            **BASE,
            "issue_date": "15/03/2026",
            "due_date": "2026-04-14",
            "total_incl_tax": "1 234,56",
            "total_excl_tax": "1028.80",
            "tax_amount": "205,76",
        },
        default_terms_days=30,
    )
    assert (data.issue_date, data.due_date) == (date(2026, 3, 15), date(2026, 4, 14))
    assert (data.total_incl_tax, data.total_excl_tax, data.tax_amount) == (
        Decimal("1234.56"),
        Decimal("1028.80"),
        Decimal("205.76"),
    )


def test_a_wrong_date_names_its_field_and_has_a_code() -> None:
    with pytest.raises(ValidationError) as caught:
        document_input({**BASE, "issue_date": "31/02/2026", "total_incl_tax": "10"}, default_terms_days=30)
    assert caught.value.field == "issue_date" and caught.value.code == "date.invalid"
