"""Tables that work like a spreadsheet (issue #16 point 3): money and dates are numbers and dates
(sorted as such, shown in the currency's format), a click on a row opens it, and the filters are
in the URL so that a link reproduces the view."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

from billabex_core.db.engine import session_scope
from billabex_core.services.accounts import create_account
from billabex_core.services.documents import create_manual_document
from tests.ui.rows import click_row
from tests.ui.test_invoices import TODAY, invoice, seed

PAGE = "pages/invoices.py"


def _url(at) -> dict[str, str]:
    """The page's query parameters, one value each."""
    return {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}


def _columns(at, table: int = 0) -> dict:
    return json.loads(at.dataframe[table].proto.columns)


def test_money_and_dates_sort_as_numbers_and_dates(app) -> None:  # type: ignore[no-untyped-def]
    with session_scope() as s:
        acme = create_account(session=s, name="Acme", actor="t")
        for number, total in (("F-908", "908"), ("F-8021", "8021"), ("F-87735", "87735.12")):
            create_manual_document(
                session=s, account=acme, data=invoice(number, total, date(2026, 4, 1)), actor="t", today=TODAY
            )
    at = app(PAGE)
    frame = at.dataframe[0].value
    assert frame["Total"].dtype.kind == "f"  # numbers, not "€8,021.00" strings
    by_total = frame.sort_values("Total", ascending=False)["Number"].tolist()
    assert by_total == ["F-87735", "F-8021", "F-908"]  # €908 after €8,021 when sorted descending
    assert frame["Total"].max() == 87735.12  # the whole figure
    assert isinstance(frame["Due"].iloc[0], date)
    config = _columns(at)
    assert config["Total"]["type_config"]["format"] == "euro"  # €1,234.56 / 1 234,56 €
    assert config["Remaining"]["width"] >= 130  # wide enough for the whole figure
    assert config["Due"]["type_config"]["format"] == "D MMM YYYY"


def test_several_currencies_get_a_currency_column(app) -> None:  # type: ignore[no-untyped-def]
    with session_scope() as s:
        acme = create_account(session=s, name="Acme", actor="t")
        eur = invoice("F-1", "100", date(2026, 4, 1))
        usd = replace(invoice("F-2", "250", date(2026, 4, 1)), currency="USD")
        for data in (eur, usd):
            create_manual_document(session=s, account=acme, data=data, actor="t", today=TODAY)
    at = app(PAGE)
    frame = at.dataframe[0].value
    assert dict(zip(frame["Number"], frame["Currency"], strict=True)) == {"F-1": "EUR", "F-2": "USD"}
    assert _columns(at)["Total"]["type_config"]["format"] == "localized"


def test_a_click_on_a_row_opens_it_and_back_shows_the_list(app) -> None:  # type: ignore[no-untyped-def]
    ids = seed()
    at = app(PAGE)
    numbers = at.dataframe[0].value["Number"].tolist()
    click_row(at, numbers.index("F-9"))
    assert at.title[0].value == "Invoice F-9"
    assert _url(at)["document"] == str(ids["F-9"])
    at.button(key="back").click().run()
    assert at.title[0].value == "Invoices and credit notes"  # not opened again by the old click
    assert at.dataframe[0].key != "doc_table_0"
    row = at.dataframe[0].value["Number"].tolist().index("F-1")
    at.session_state[at.dataframe[0].key] = {
        "selection": {"rows": [], "columns": [], "cells": [[row, "Due"]]}
    }
    at.run()  # a click on any cell of the row opens it too
    assert at.title[0].value == "Invoice F-1"


def test_the_url_reproduces_a_filtered_view(app) -> None:  # type: ignore[no-untyped-def]
    seed()
    at = app(PAGE)
    at.selectbox(key="doc_age").set_value("> 90").run()
    assert at.dataframe[0].value["Number"].tolist() == ["F-9"]
    assert _url(at)["age"] == "> 90"  # the filter is in the URL
    at.multiselect(key="doc_status_invoice").set_value(["overdue"]).run()
    assert _url(at)["status"] == "overdue"
    link = _url(at)
    fresh = app(PAGE)  # someone else opens the link
    for key, value in link.items():
        fresh.query_params[key] = value
    fresh.run()
    assert fresh.dataframe[0].value["Number"].tolist() == ["F-9"]
    assert fresh.selectbox(key="doc_age").value == "> 90"
    assert fresh.multiselect(key="doc_status_invoice").value == ["overdue"]
    fresh.selectbox(key="doc_age").set_value(None).run()  # back to "All": the URL forgets it
    assert "age" not in _url(fresh)
    assert sorted(fresh.dataframe[0].value["Number"]) == ["F-1", "F-9"]


def test_a_deep_link_to_a_document_still_opens_it(app) -> None:  # type: ignore[no-untyped-def]
    ids = seed()
    at = app(PAGE)
    at.query_params["document"] = str(ids["F-2"])
    at.run()
    assert at.title[0].value == "Invoice F-2"


def test_accounts_list_in_the_url_and_deep_links(app) -> None:  # type: ignore[no-untyped-def]
    with session_scope() as s:
        small = create_account(session=s, name="Small SARL", actor="t")
        big = create_account(session=s, name="Big SAS", actor="t")
        for account, number, total in ((small, "S-1", "908"), (big, "B-1", "8021")):
            create_manual_document(
                session=s,
                account=account,
                data=invoice(number, total, date(2026, 4, 1)),
                actor="t",
                today=TODAY,
            )
        big_id = big.id
    at = app("pages/accounts.py")
    assert at.dataframe[0].value["Outstanding"].dtype.kind == "f"
    at.selectbox(key="acc_sort").set_value("outstanding").run()
    assert at.dataframe[0].value["Name"].tolist() == ["Big SAS", "Small SARL"]  # 8,021 before 908
    at.text_input(key="acc_search").input("small").run()
    assert _url(at) == {"sort": "outstanding", "search": "small"}
    fresh = app("pages/accounts.py")
    for key, value in _url(at).items():
        fresh.query_params[key] = value
    fresh.run()
    assert fresh.dataframe[0].value["Name"].tolist() == ["Small SARL"]
    deep = app("pages/accounts.py")
    deep.query_params["account"] = str(big_id)  # /accounts?account=12
    deep.run()
    assert deep.title[0].value == "Big SAS"


def test_totals_of_many_currencies_are_not_squeezed(app) -> None:  # type: ignore[no-untyped-def]
    """Three currencies once made six metric columns, each too narrow for "€87,735.12"."""
    with session_scope() as s:
        acme = create_account(session=s, name="Acme", actor="t")
        for number, currency in (("E-1", "EUR"), ("U-1", "USD"), ("G-1", "GBP")):
            data = replace(invoice(number, "87735.12", date(2026, 4, 1)), currency=currency)
            create_manual_document(session=s, account=acme, data=data, actor="t", today=TODAY)
    at = app(PAGE)
    holding = [
        column
        for column in at.columns
        if any(m.label.startswith("Remaining in") for m in column.get("metric"))
    ]
    assert len(holding) == 3
    assert min(column.weight for column in holding) >= 0.25  # at most four metrics side by side
