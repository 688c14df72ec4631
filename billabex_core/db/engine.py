"""Engine per database URL (cached), short sessions, and schema migration on first use.

SQLite is the default (``data/billabex.db``); PostgreSQL when ``BILLABEX_DATABASE_URL`` (or
``--db``) says so. Every entry point calls ``migrate`` once per process and URL, which runs the
Alembic migrations up to head (idempotent; serialised by an advisory lock on PostgreSQL, by a
lock file beside the database on SQLite: the app and the worker start together on a new file).
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Engine, ExceptionContext, make_url
from sqlmodel import Session

from billabex_core.config import get_settings, private_file

_engines: dict[str, Engine] = {}
_migrated: set[str] = set()
_lock = threading.Lock()
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_PG_MIGRATION_LOCK = 7_301_001


def resolve_url(url: str | None = None) -> str:
    return url or get_settings().resolved_database_url


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    # REPLACE's implicit delete of a conflicting row fires the delete triggers only with this on
    # (the validated-document guard of migrations 0004 and 0011).
    cur.execute("PRAGMA recursive_triggers=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


IMMUTABLE_MESSAGE = "a validated document is immutable"  # raised by the triggers of migrations 0004, 0011


def _domain_errors(context: ExceptionContext) -> None:
    """A database trigger's refusal becomes the domain's ``ImmutableError``."""
    from billabex_core.errors import ImmutableError

    if IMMUTABLE_MESSAGE in str(context.original_exception):
        raise ImmutableError(None, ["refused by the database"])


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            private_file(Path(parsed.database))  # 0600 in a 0700 folder; SQLite's -wal/-shm copy it
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
    event.listen(engine, "handle_error", _domain_errors)
    return engine


def get_engine(url: str | None = None, *, migrate_schema: bool = True) -> Engine:
    """The engine for ``url`` (default from settings), created once, migrated on first use."""
    url = resolve_url(url)
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = _create_engine(url)
    if migrate_schema and url not in _migrated:
        migrate(engine)
    return engine


def dispose_engines() -> None:
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _migrated.clear()


def alembic_config(engine: Engine) -> Config:
    import io

    cfg = Config(stdout=io.StringIO())  # alembic's default is the sys.stdout of import time
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest revision (idempotent)."""
    from alembic import command

    url = engine.url.render_as_string(hide_password=False)
    with _lock:
        if url in _migrated:
            return
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
                try:
                    cfg = alembic_config(engine)
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, "head")
                    conn.commit()
                finally:
                    conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_MIGRATION_LOCK})
                    conn.commit()
        else:
            with _sqlite_migration_lock(engine):
                command.upgrade(alembic_config(engine), "head")
        _migrated.add(url)


@contextmanager
def _sqlite_migration_lock(engine: Engine) -> Iterator[None]:
    """One process at a time migrates a SQLite file (SQLite's DDL is not transactional for
    Alembic: two processes would both create the first tables); in memory, nothing to share."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    path = Path(database)
    with open(path.with_name(path.name + ".migrate-lock"), "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def new_session(url: str | None = None) -> Session:
    return Session(get_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """One short transaction: commit on success, roll back on any error."""
    session = new_session(url)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
