"""Migrations match the models on both databases; column types keep their promises."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from alembic import command
from sqlmodel import select

from billabex_core.db.engine import alembic_config, get_engine
from billabex_core.models import AuditEvent, Organisation
from billabex_core.money import parse_money


def test_alembic_check_is_clean(db_url: str) -> None:
    """``alembic check``: the models have no change that a migration does not carry."""
    command.check(alembic_config(get_engine(db_url)))


def test_migrate_is_idempotent(db_url: str) -> None:
    from billabex_core.db.engine import _migrated, migrate

    engine = get_engine(db_url)
    _migrated.discard(engine.url.render_as_string(hide_password=False))
    migrate(engine)
    command.check(alembic_config(engine))


def test_money_round_trips_exactly(session) -> None:
    big = Decimal("999999999999.99")
    session.add(Organisation(id=1, name="x"))
    from billabex_core.models import Account

    acc = Account(name="a", normalized_name="a", outstanding_balance=big)
    session.add(acc)
    session.commit()
    session.expire_all()
    assert session.get(Account, acc.id).outstanding_balance == big
    with pytest.raises(Exception, match="must not be a float"):
        acc.outstanding_balance = 0.1
        session.flush()
    session.rollback()


def test_timestamps_are_aware_utc(session) -> None:
    paris = timezone(timedelta(hours=1))
    session.add(AuditEvent(actor="t", action="a", entity="e", at=datetime(2026, 1, 1, 12, 0, tzinfo=paris)))
    session.commit()
    session.expire_all()
    event = session.exec(select(AuditEvent)).one()
    assert event.at == datetime(2026, 1, 1, 11, 0, tzinfo=UTC)
    assert event.at.tzinfo is not None and event.at.utcoffset() == timedelta(0)
    naive = datetime(2026, 1, 1)  # noqa: DTZ001 - the point of the test
    session.add(AuditEvent(actor="t", action="a", entity="e", at=naive))
    with pytest.raises(Exception, match="aware"):
        session.commit()
    session.rollback()


@pytest.mark.parametrize("bad", ["1e400", "NaN", "12,5", "", 3.2])
def test_parse_money_refuses(bad) -> None:
    from billabex_core.errors import ValidationError

    with pytest.raises(ValidationError):
        parse_money(bad)


def test_processes_starting_at_once_on_a_new_sqlite_database_all_migrate_it(tmp_path) -> None:
    """`make run` starts the app and the worker together; the first start creates the schema:
    each process migrates, none fails on a table another has just created."""
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'billabex.db'}"
    code = "import sys; from billabex_core.db.engine import get_engine; get_engine(sys.argv[1]).dispose()"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILLABEX_")}
    procs = [
        subprocess.Popen([sys.executable, "-c", code, url], env=env, stderr=subprocess.PIPE) for _ in range(4)
    ]
    errors = [p.communicate(timeout=120)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
