"""Persistence: engine per URL, sessions, custom column types and Alembic migrations."""

from billabex_core.db.engine import get_engine, migrate, new_session, session_scope

__all__ = ["get_engine", "migrate", "new_session", "session_scope"]
