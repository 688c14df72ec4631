"""The page kit (``billabex_ui``) through AppTest, on tiny scripts: flash messages, ``call``, the
login guard, pagination, opening rows, the account picker and the contact name tip."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from streamlit.testing.v1 import AppTest

from billabex_core.db.engine import session_scope
from billabex_core.models import InvoiceStatus, PaymentStatus
from billabex_core.services.accounts import create_account
from billabex_core.services.auth import SignedIn
from billabex_ui import label, money


def run(script, **kwargs) -> AppTest:  # type: ignore[no-untyped-def]
    at = AppTest.from_function(script, kwargs=kwargs or None, default_timeout=30).run()
    assert not at.exception, at.exception
    return at


# Flash messages ------------------------------------------------------------------------------------


def flash_script() -> None:
    import streamlit as st

    from billabex_ui import flash, show_flash

    show_flash()
    st.session_state["runs"] = st.session_state.get("runs", 0) + 1
    if st.button("Save", key="save"):
        flash("Saved.")


def test_flash_survives_the_rerun_it_triggers_and_shows_once() -> None:
    at = run(flash_script)
    assert not at.success
    at.button(key="save").click().run()
    # The click run set the message and reran at once: the message is on the page that follows.
    assert [s.value for s in at.success] == ["Saved."]
    assert at.session_state["runs"] == 3  # first run, the click run, the rerun flash asked for
    at.run()
    assert not at.success  # shown once


# call and show_error -------------------------------------------------------------------------------


def call_script(outcome: str) -> None:
    import streamlit as st

    from billabex_core.errors import NotFoundError, ValidationError
    from billabex_ui import call

    def action(*, session, value):  # type: ignore[no-untyped-def]
        assert session is not None
        if outcome == "invalid":
            raise ValidationError("the subject is required", field="subject")
        if outcome == "missing":
            raise NotFoundError("task", 9)
        if outcome == "bug":
            raise RuntimeError("secret internals")
        return value * 2

    st.session_state["result"] = call(action, value=21)


@pytest.mark.usefixtures("ui_db")
@pytest.mark.parametrize(
    ("outcome", "result", "warnings", "errors"),
    [
        ("ok", 42, [], []),
        ("invalid", None, ["the subject is required"], []),
        ("missing", None, [], ["task 9 does not exist"]),
        (
            "bug",
            None,
            [],
            ["Something went wrong on our side; nothing was saved. The error is in the server log."],
        ),
    ],
)
def test_call_runs_one_action_and_shows_refusals(
    outcome: str, result: int | None, warnings: list[str], errors: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="billabex"):
        at = run(call_script, outcome=outcome)
    assert at.session_state["result"] == result
    assert [w.value for w in at.warning] == warnings
    assert [e.value for e in at.error] == errors
    assert ("secret internals" in caplog.text) == (outcome == "bug")  # in the log, never on screen


# The login guard -----------------------------------------------------------------------------------


def guarded_script() -> None:
    import streamlit as st

    from billabex_ui import require_login

    require_login()
    st.title("Secret figures")


def test_require_login_shows_nothing_without_a_login() -> None:
    at = run(guarded_script)
    assert not at.title
    at.session_state["billabex_login"] = SignedIn(
        username="alice", name="Alice", is_admin=False, language="en", token="t", expires_at=datetime.now(UTC)
    )
    at.run()
    assert [t.value for t in at.title] == ["Secret figures"]


# Pagination and rows -------------------------------------------------------------------------------


def pager_script() -> None:
    import streamlit as st

    from billabex_core.queries import Page
    from billabex_ui import Pager, row_opener, selected_id

    pager = Pager("p_page", size=10)
    st.text_input("Search", key="p_search", on_change=pager.reset)
    st.session_state["opened"] = selected_id("item")
    rows = list(range(1, 26))
    number = pager.number
    shown = rows[(number - 1) * 10 : number * 10]
    page = Page(rows=shown, total=len(rows), page=number, page_size=10)
    with pager.footer(page, "Items"):
        row_opener("Open an item", {i: f"item {i}" for i in shown}, key="p", param="item")


def test_pager_footer_and_reset_on_a_new_search() -> None:
    at = run(pager_script)
    assert [c.value for c in at.caption] == ["Items 1–10 of 25"]
    assert at.number_input(key="p_page").label == "Page (of 3)"
    at.number_input(key="p_page").set_value(3).run()
    assert [c.value for c in at.caption] == ["Items 21–25 of 25"]
    at.text_input(key="p_search").input("x").run()
    assert at.number_input(key="p_page").value == 1


def test_row_opener_puts_the_row_in_the_url() -> None:
    at = run(pager_script)
    at.selectbox(key="p_pick").set_value(4)
    at.button(key="p_open").click().run()
    assert at.query_params["item"] == "4"
    assert at.session_state["opened"] == 4


# Account picker ------------------------------------------------------------------------------------


def picker_script() -> None:
    import streamlit as st

    from billabex_ui import account_picker

    st.session_state["picked"] = account_picker("a", linked="account")


def test_account_picker_searches_and_falls_back_to_the_url(ui_db: str) -> None:
    with session_scope() as s:
        globex = create_account(session=s, name="Globex", actor="t")
        create_account(session=s, name="Initech", actor="t")
    at = run(picker_script)
    assert at.session_state["picked"] is None
    at.query_params["account"] = "77"
    at.run()
    assert at.session_state["picked"] == 77  # nothing typed: the account of the URL
    at.text_input(key="a_search").input("glob").run()
    assert at.session_state["picked"] == globex.id
    assert at.selectbox(key="a_pick").label == "Matching accounts"
    at.text_input(key="a_search").input("nobody").run()
    assert at.session_state["picked"] == -1  # a filter then shows an empty list, not everything
    assert "No account matches." in [c.value for c in at.caption]


# Contact inputs ------------------------------------------------------------------------------------


def contact_script() -> None:
    import streamlit as st

    from billabex_ui import new_contact_inputs

    st.session_state["contact"] = new_contact_inputs("c")


def test_new_contact_name_is_filled_from_the_email_unless_typed() -> None:
    at = run(contact_script)
    at.text_input(key="c_email").input("comptabilite@acme.com").run()
    assert at.text_input(key="c_name").value == "comptabilite"
    at.text_input(key="c_name").input("Compta Acme")
    at.text_input(key="c_email").input("ap@acme.com").run()
    assert at.text_input(key="c_name").value == "Compta Acme"
    at.selectbox(key="c_lang").set_value("fr").run()
    assert at.session_state["contact"] == ("ap@acme.com", "Compta Acme", "fr")


# Formatting ----------------------------------------------------------------------------------------


def test_labels_and_money() -> None:
    assert label(PaymentStatus.PARTIALLY_PAID) == "Partially paid"
    assert label(InvoiceStatus.OVERDUE, capitalize=False) == "overdue"
    assert label(None) == "" and (label(None) or "All") == "All"
    from decimal import Decimal

    assert money(Decimal("1234.5"), "EUR") == "€1,234.50"
    assert money(None, "EUR") == ""
