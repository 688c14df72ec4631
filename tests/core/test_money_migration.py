"""The move of money columns to thousandths converts data already stored, on both databases."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import make_url
from sqlmodel import Session

from billabex_core.db.engine import alembic_config, get_engine
from billabex_core.errors import ImmutableError
from billabex_core.models import Account, CreditApplication, Document, Payment
from tests.conftest import PG_SKIP_REASON, PG_URL

BEFORE = "0004"  # the last revision storing cents


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database, not migrated at all."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    name = f"billabex_mig_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    get_engine(url, migrate_schema=False).dispose()
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _old_rows(conn: sa.Connection, sqlite: bool) -> None:
    def amount(text: str) -> object:
        return int(Decimal(text) * 100) if sqlite else Decimal(text)

    now = "2026-01-05 10:00:00"
    conn.execute(
        sa.text(
            "INSERT INTO account (id, name, normalized_name, source, currency, paused, outstanding_balance, "
            "overdue_count, contact_count, created_at, updated_at, version) VALUES "
            "(1, 'ACME', 'acme', 'manual', 'EUR', false, :bal, 0, 0, :now, :now, 1)"
        ),
        {"bal": amount("1134.56"), "now": now},
    )
    conn.execute(
        sa.text(
            "INSERT INTO document (id, account_id, kind, number, source, currency, total_excl_tax, tax_amount, "
            "total_incl_tax, provider_remaining, paid_amount, credited_amount, remaining_amount, "
            "validated_at, validated_by, created_at, updated_at) VALUES "
            "(1, 1, 'invoice', 'F-1', 'manual', 'EUR', :excl, :tax, :incl, NULL, :paid, :zero, :left, "
            ":now, 'alice', :now, :now)"
        ),
        {
            "excl": amount("1028.80"),
            "tax": amount("205.76"),
            "incl": amount("1234.56"),
            "paid": amount("100.00"),
            "zero": amount("0"),
            "left": amount("1134.56"),
            "now": now,
        },
    )
    conn.execute(
        sa.text(
            "INSERT INTO payment (id, account_id, document_id, amount, currency, paid_on, source, created_at) "
            "VALUES (1, 1, 1, :amount, 'EUR', '2026-01-05', 'manual', :now)"
        ),
        {"amount": amount("100.00"), "now": now},
    )


def test_stored_cents_become_thousandths(empty_url: str) -> None:
    engine = get_engine(empty_url, migrate_schema=False)
    command.upgrade(alembic_config(engine), BEFORE)
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as conn:
        _old_rows(conn, sqlite)
    get_engine(empty_url)  # migrates to head
    with Session(engine) as s:
        doc = s.get(Document, 1)
        assert doc is not None
        assert (doc.total_excl_tax, doc.tax_amount, doc.total_incl_tax) == (
            Decimal("1028.80"),
            Decimal("205.76"),
            Decimal("1234.56"),
        )
        assert (doc.paid_amount, doc.remaining_amount, doc.provider_remaining) == (
            Decimal("100.00"),
            Decimal("1134.56"),
            None,
        )
        assert s.get(Account, 1).outstanding_balance == Decimal("1134.56")
        assert s.get(Payment, 1).amount == Decimal("100.00")
        paid_on = doc.created_at.date()
        s.add(
            Payment(
                id=2, account_id=1, document_id=1, amount=Decimal("0.005"), currency="TND", paid_on=paid_on
            )
        )
        s.commit()
        assert s.exec(sa.select(sa.func.sum(Payment.amount))).one()[0] == Decimal("100.005")
        assert s.exec(sa.select(sa.func.count()).select_from(CreditApplication)).one()[0] == 0
    # the validated document is still guarded by the database
    with engine.begin() as conn, pytest.raises(ImmutableError):
        conn.execute(sa.text("UPDATE document SET total_incl_tax = total_incl_tax + 1 WHERE id = 1"))
