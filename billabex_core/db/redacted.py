"""Columns that keep errors and details: secrets are redacted on the way in (issue #17, point 10).

The redaction (``billabex_core.redaction``) runs when a value is bound to the column, so it holds
for the ORM and for SQL statements alike (the sync engine writes ``SyncRun.errors`` and the audit
rows with Core statements). Same storage as ``sa.Text`` / ``JSONList`` / ``JSONDict``: no migration.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from billabex_core.db.types import JSONDict, JSONList
from billabex_core.redaction import redact, redact_value


class RedactedText(TypeDecorator[str]):
    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return redact(value) if isinstance(value, str) else value

    @property
    def python_type(self) -> type:
        return str


class RedactedJSONList(JSONList):
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return redact_value(value)


class RedactedJSONDict(JSONDict):
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return redact_value(value)
