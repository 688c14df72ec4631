"""Immutability below the ORM (issue #17, point 11), on SQLite and PostgreSQL.

A validated manual document cannot be rewritten or deleted by SQL that goes around the ORM:
SQLite's ``INSERT OR REPLACE`` / ``REPLACE`` / ``UPDATE OR REPLACE`` (whose implicit delete fires
the delete trigger because every connection turns ``recursive_triggers`` on), a changed id,
PostgreSQL's ``TRUNCATE``; and its paid, credited and remaining amounts and statuses can only
be written as its payments and credit applications give them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from billabex_core.db.engine import get_engine
from billabex_core.errors import ImmutableError
from billabex_core.models import Account, AuditEvent, Document, DocumentKind, Source
from billabex_core.services.payments import record_payment
from billabex_core.services.status import recompute_account


def _row(session: Session, doc_id: int) -> dict:
    conn = session.connection()
    return dict(conn.execute(sa.text("SELECT * FROM document WHERE id = :i"), {"i": doc_id}).mappings().one())


def _insert_sql(verb: str, row: dict) -> tuple[str, dict]:
    names = list(row)
    return (
        f"{verb} INTO document ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)})",
        row,
    )


def _execute(db_url: str, sql: str, params: dict | None = None) -> None:
    with get_engine(db_url).begin() as conn:
        conn.execute(sa.text(sql), params or {})


def _synced_invoice(session: Session, account: Account, number: str) -> Document:
    doc = Document(
        account_id=account.id,
        kind=DocumentKind.INVOICE,
        number=number,
        source=Source.PENNYLANE,
        external_id=f"x-{number}",
        currency="EUR",
        total_incl_tax=D("50.00"),
        remaining_amount=D("50.00"),
        provider_remaining=D("50.00"),
    )
    session.add(doc)
    session.commit()
    return doc


@pytest.mark.parametrize("verb", ["INSERT OR REPLACE", "REPLACE"])
def test_sqlite_replace_cannot_rewrite_a_validated_document(
    session, db_url, account, add_document, verb
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("REPLACE is SQLite's")
    doc = add_document(account, "F-1", "120.00").document
    row = _row(session, doc.id)
    session.commit()
    forged = {**row, "total_incl_tax": 1, "number": "F-1"}
    with pytest.raises(ImmutableError):
        _execute(db_url, *_insert_sql(verb, forged))
    # a new id on the same identity (account, kind, number): REPLACE would delete the original
    other = {**row, "id": doc.id + 100, "total_incl_tax": 1}
    with pytest.raises(ImmutableError):
        _execute(db_url, *_insert_sql(verb, other))
    session.expire_all()
    kept = session.get(Document, doc.id)
    assert kept is not None and kept.total_incl_tax == D("120.00")
    assert session.exec(select(sa.func.count()).select_from(Document)).one() == 1


def test_sqlite_update_or_replace_cannot_delete_a_validated_document(
    session, db_url, account, add_document
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("UPDATE OR REPLACE is SQLite's")
    doc = add_document(account, "F-1", "120.00").document
    synced = _synced_invoice(session, account, "S-1")
    with pytest.raises(ImmutableError):
        _execute(db_url, "UPDATE OR REPLACE document SET number = 'F-1' WHERE id = :i", {"i": synced.id})
    session.expire_all()
    assert session.get(Document, doc.id) is not None


def test_sqlite_connections_turn_recursive_triggers_on(db_url) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("a SQLite pragma")
    with get_engine(db_url).connect() as conn:
        assert conn.exec_driver_sql("PRAGMA recursive_triggers").scalar() == 1


def test_a_validated_document_keeps_its_id(session, db_url, account, add_document) -> None:
    doc = add_document(account, "F-1", "120.00").document
    session.commit()
    with pytest.raises(ImmutableError):
        _execute(db_url, "UPDATE document SET id = :n WHERE id = :i", {"n": doc.id + 1000, "i": doc.id})
    session.expire_all()
    assert session.get(Document, doc.id) is not None


def test_postgresql_truncate_is_refused(session, db_url, account, add_document) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite has no TRUNCATE (its DELETE fires the row triggers)")
    add_document(account, "F-1", "120.00")
    for sql in ("TRUNCATE document CASCADE", "TRUNCATE account CASCADE"):
        with pytest.raises(ImmutableError):
            _execute(db_url, sql)
    with pytest.raises(DBAPIError, match="append-only"):
        _execute(db_url, "TRUNCATE auditevent")
    session.expire_all()
    assert session.exec(select(sa.func.count()).select_from(Document)).one() == 1
    assert session.exec(select(sa.func.count()).select_from(AuditEvent)).one() > 0


FORGERIES = [
    "paid_amount = total_incl_tax, remaining_amount = 0, payment_status = 'paid', invoice_status = 'paid'",
    "remaining_amount = 0",
    "invoice_status = 'paid'",
    "payment_status = 'paid'",
    "credited_amount = total_incl_tax, remaining_amount = 0",
]


@pytest.mark.parametrize("forgery", FORGERIES)
def test_figures_of_a_validated_document_cannot_be_written_freely(
    session, db_url, account, add_document, forgery
) -> None:
    doc = add_document(account, "F-1", "120.00").document
    session.commit()
    with pytest.raises(ImmutableError):
        _execute(db_url, f"UPDATE document SET {forgery} WHERE id = :i", {"i": doc.id})
    session.expire_all()
    kept = session.get(Document, doc.id)
    assert kept.remaining_amount == D("120.00") and kept.paid_amount == D("0.00")


def test_the_orm_cannot_forge_figures_either(session, account, add_document) -> None:
    doc = add_document(account, "F-1", "120.00").document
    doc.remaining_amount = D("0.00")
    with pytest.raises(ImmutableError):
        session.flush()
    session.rollback()


def test_payments_and_credits_still_move_the_figures(session, account, add_document, today) -> None:
    doc = add_document(account, "F-1", "120.00").document
    record_payment(
        session=session, document_id=doc.id, amount="20.00", paid_on=today, actor="alice", today=today
    )
    session.commit()
    add_document(account, "A-1", "30.00", kind=DocumentKind.CREDIT_NOTE, credited="F-1")
    session.expire_all()
    doc = session.get(Document, doc.id)
    assert (doc.paid_amount, doc.credited_amount, doc.remaining_amount) == (
        D("20.00"),
        D("30.00"),
        D("70.00"),
    )
    record_payment(
        session=session, document_id=doc.id, amount="70.00", paid_on=today, actor="alice", today=today
    )
    session.commit()
    session.expire_all()
    doc = session.get(Document, doc.id)
    assert doc.remaining_amount == D("0.00") and doc.invoice_status == "paid" and doc.payment_status == "paid"


def test_the_recompute_derives_figures_from_the_rows(session, db_url, account, add_document, today) -> None:
    """Figures a trigger does not guard (a synced document's) are a cache: any recompute of the
    account writes them again from the payments, credits and the provider's remaining amount."""
    synced = _synced_invoice(session, account, "S-1")
    recompute_account(session=session, account_id=account.id, today=date(2026, 1, 1))
    session.commit()
    _execute(
        db_url,
        "UPDATE document SET paid_amount = total_incl_tax, remaining_amount = 0, "
        "payment_status = 'paid', invoice_status = 'paid' WHERE id = :i",
        {"i": synced.id},
    )
    session.expire_all()
    recompute_account(session=session, account_id=account.id, today=date(2026, 1, 1))
    session.commit()
    session.expire_all()
    fixed = session.get(Document, synced.id)
    assert (fixed.paid_amount, fixed.remaining_amount) == (D("0.00"), D("50.00"))
    assert fixed.payment_status == "unpaid" and fixed.invoice_status == "issued"
