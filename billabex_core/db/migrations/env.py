"""Alembic environment: the engine (or connection) comes from ``billabex_core.db.engine``."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import billabex_core.models  # noqa: F401  (registers the tables)

target_metadata = SQLModel.metadata
config = context.config


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Render our column types with their real module path (the default guesses wrong)."""
    if type_ == "type":
        module = type(obj).__module__
        if module.startswith(("billabex_core.", "sqlmodel.")):
            autogen_context.imports.add(f"import {module}")
            return f"{module}.{obj!r}"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    with config.attributes["engine"].connect() as conn:
        _run(conn)
        conn.commit()
