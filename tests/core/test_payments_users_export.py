"""Payments by hand, logins, and exports (JSON / CSV with formula neutralisation)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billabex_core.errors import ValidationError
from billabex_core.models import DocumentKind, Source
from billabex_core.services.accounts import create_account
from billabex_core.services.export import (
    EXPORTERS,
    FORMULA_PREFIXES,
    PLAIN_NUMBER,
    export_rows,
    neutralise,
    to_csv,
)
from billabex_core.services.payments import record_payment
from billabex_core.services.users import add_user, credentials, verify_password


@pytest.mark.parametrize("amount", ["0", "-5", "abc", 1.5, None])
def test_bad_payments_refused(session, account, add_document, today, amount) -> None:
    inv = add_document(account, "F-1", "10.00").document
    with pytest.raises(ValidationError):
        record_payment(
            session=session, document_id=inv.id, amount=amount, paid_on=today, actor="a", today=today
        )


def test_no_payment_on_credit_note_or_synced(session, account, add_document, today) -> None:
    note = add_document(account, "AV-1", "10.00", kind=DocumentKind.CREDIT_NOTE).document
    with pytest.raises(ValidationError, match="credit notes"):
        record_payment(session=session, document_id=note.id, amount="1", paid_on=today, actor="a")


def test_users(session) -> None:
    user, generated = add_user(session=session, username="Ada", email="ada@example.com", name="Ada Lovelace")
    assert user.username == "ada" and generated and len(generated) >= 16
    assert verify_password(generated, user.password_hash)
    assert not verify_password("wrong-password", user.password_hash)
    assert user.password_hash.startswith("$2")
    with pytest.raises(ValidationError, match="already exists"):
        add_user(session=session, username="ada", email="x@example.com", name="X")
    with pytest.raises(ValidationError, match="72 bytes"):
        add_user(session=session, username="bob", email="b@example.com", name="Bob", password="é" * 40)
    with pytest.raises(ValidationError, match="at least"):
        add_user(session=session, username="bob", email="b@example.com", name="Bob", password="short")
    creds = credentials(session=session)
    assert creds["usernames"]["ada"]["password"] == user.password_hash


@pytest.mark.parametrize(
    ("cell", "out"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-12.50", "-12.50"),
        ("ok", "ok"),
    ],
)
def test_neutralise(cell: str, out: str) -> None:
    assert neutralise(cell) == out


def test_export_all_entities(session, add_document) -> None:
    evil = create_account(session=session, name='=HYPERLINK("x")', actor="a")
    add_document(evil, "F-1", "12.34")
    for entity in EXPORTERS:
        export_rows(session=session, entity=entity)
    rows = export_rows(session=session, entity="invoices")
    assert rows[0]["total_incl_tax"] == "12.34" and rows[0]["invoice_status"] in ("issued", "overdue")
    assert rows[0]["source"] == Source.MANUAL.value
    for key in (
        "id",
        "kind",
        "number",
        "account_name",
        "account_external_id",
        "source",
        "external_id",
        "issue_date",
        "due_date",
        "currency",
        "total_incl_tax",
        "paid_amount",
        "credited_amount",
        "remaining_amount",
        "invoice_status",
        "payment_status",
    ):
        assert key in rows[0]
    accounts = export_rows(session=session, entity="accounts")
    parsed = list(csv.DictReader(io.StringIO(to_csv(accounts))))
    assert parsed[0]["name"].startswith("'=")
    assert Decimal(parsed[0]["outstanding_balance"]) == Decimal("12.34")
    with pytest.raises(ValidationError):
        export_rows(session=session, entity="nope")


@given(cell=st.text(max_size=12))
def test_no_cell_reaches_a_spreadsheet_as_a_formula(cell: str) -> None:
    out = neutralise(cell)
    if cell.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.match(cell):
        assert out == "'" + cell
    else:
        assert out == cell
    assert not out.startswith(FORMULA_PREFIXES) or PLAIN_NUMBER.match(out)
