"""Error messages name the fields by the labels the screens show, never by internal names such as
``due_date`` or ``api_token`` (issue #16, "Also seen on the way"); the CLI keeps the names."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import shown


def error_script(case: str) -> None:
    from billabex_core.connectors.pennylane import PennylaneConnector
    from billabex_core.errors import BillabexError
    from billabex_core.money import parse_money
    from billabex_core.services.draft_values import _parse_amount, _parse_date
    from billabex_ui.feedback import show_error

    raise_it = {
        "due_date": lambda: _parse_date("31/02/2026", "due_date"),
        "total_incl_tax": lambda: _parse_amount("abc", "total_incl_tax"),
        "tax_amount": lambda: parse_money(None, field="tax_amount"),
        "api_token": lambda: PennylaneConnector.validate_config({}),
        "client_secret": lambda: __import__(
            "billabex_core.connectors.zoho_books", fromlist=["ZohoBooksConnector"]
        ).ZohoBooksConnector.validate_config({"organization_id": "1", "client_id": "x"}),
    }[case]
    try:
        raise_it()
    except BillabexError as exc:
        show_error(exc)


@pytest.mark.parametrize(
    ("case", "seen"),
    [
        ("due_date", "Due date: not a date (YYYY-MM-DD): '31/02/2026'"),
        ("total_incl_tax", "Total incl. tax: not an amount: 'abc'"),
        ("tax_amount", "VAT amount is required."),
        ("api_token", "the Pennylane API token is required"),  # was "... token (api_token) ..."
        ("client_secret", "the Zoho Books Client secret is required"),
    ],
)
def test_errors_name_the_label_the_user_sees(case: str, seen: str) -> None:
    at = AppTest.from_function(error_script, kwargs={"case": case}, default_timeout=30).run()
    assert not at.exception, at.exception
    assert [shown(w.value) for w in at.warning] == [seen]
