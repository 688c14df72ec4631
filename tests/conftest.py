"""Shared fixtures: a fresh database on SQLite and (when BILLABEX_TEST_PG_URL is set) PostgreSQL.

``db_url`` is parametrised over both backends, so every test that uses it (or ``session``) runs
twice; without ``BILLABEX_TEST_PG_URL`` the PostgreSQL half is reported as skipped, with the reason.
PostgreSQL tests use a private database created for this run and dropped at the end.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel

from billabex_core import redaction
from billabex_core.config import reset_settings
from billabex_core.db.engine import dispose_engines, get_engine

# A text key missing from a catalogue of the interface fails the test (production shows English).
os.environ.setdefault("BILLABEX_I18N_STRICT", "1")
PG_URL = os.environ.get("BILLABEX_TEST_PG_URL")
PG_SKIP_REASON = "PostgreSQL tests need BILLABEX_TEST_PG_URL (set by .ci/run)"
TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets its own data directory; nothing touches the real data/ folder."""
    monkeypatch.setenv("BILLABEX_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("BILLABEX_DATABASE_URL", raising=False)
    monkeypatch.setenv("BILLABEX_SECRET_KEY", "tests-secret-key-not-for-production-0123456789")
    # Every Pennylane sandbox of the suite checks its replies against Pennylane's OpenAPI
    # (billabex_sandbox/contract.py): an off-contract reply is a 500 and a listed violation.
    monkeypatch.setenv("BILLABEX_SANDBOX_CONTRACT", "1")
    reset_settings()
    yield
    reset_settings()
    # Redaction is process-wide: a test token ("revoked") would mask that word in every later
    # test's messages (a French error text then read "expirés ou [redacted]").
    redaction.forget_all()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = get_engine(f"sqlite:///{path}")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def _pg_database() -> Iterator[str]:
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    name = f"billabex_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    get_engine(url)
    yield url
    dispose_engines()
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_pg(url: str) -> None:
    engine = get_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        # Triggers refuse TRUNCATE of validated documents and of the audit log (migration 0011);
        # a superuser's replica mode skips them (the test user is one).
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The URL of an empty, migrated database; also set as BILLABEX_DATABASE_URL."""
    if request.param == "sqlite":
        path = tmp_path / "billabex.db"
        shutil.copy(request.getfixturevalue("_sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("_pg_database")
        _truncate_pg(url)
    monkeypatch.setenv("BILLABEX_DATABASE_URL", url)
    reset_settings()
    yield url
    if request.param == "sqlite":
        get_engine(url, migrate_schema=False).dispose()


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    """A session on a fresh database; committed data is visible to other sessions."""
    with Session(get_engine(db_url), expire_on_commit=False) as s:
        yield s


@pytest.fixture
def today() -> date:
    return TODAY
