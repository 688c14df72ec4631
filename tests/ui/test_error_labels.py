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


def seen_on_the_form(name: str) -> str:
    """The label of ``name`` on the form where it is typed: Review (``domain.fields``) or the
    Integrations form (``integration_forms``)."""
    from billabex_core.domain.fields import FIELD_BY_NAME
    from billabex_core.services.integration_forms import FIELDS

    if name in FIELD_BY_NAME:
        return FIELD_BY_NAME[name].label
    return next(f.label for fields in FIELDS.values() for f in fields if f.key == name)


@pytest.mark.parametrize("case", ["due_date", "total_incl_tax", "tax_amount", "api_token", "client_secret"])
def test_errors_name_the_label_the_user_sees(case: str) -> None:
    at = AppTest.from_function(error_script, kwargs={"case": case}, default_timeout=30).run()
    assert not at.exception, at.exception
    [text] = [shown(w.value) for w in at.warning]
    seen = seen_on_the_form(case)
    assert seen in text and case not in text, text
    made_up = case.replace("_", " ").capitalize()  # "Api token": a name nobody sees on a form
    assert made_up == seen or made_up not in text, text
