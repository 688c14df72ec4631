"""SuiteQL over the sandbox's SQLite tables: the client's query really runs (never matched).

SuiteQL is Oracle-flavoured SQL; SQLite runs it once a few functions exist: ``TO_CHAR``,
``TO_TIMESTAMP``, ``TO_DATE``, ``NVL`` (registered here) and ``BUILTIN.DF`` (the display value;
renamed ``BUILTIN_DF``, which knows the status and currency labels); the table ``transaction``
is quoted (a keyword in SQLite). Anything SQLite cannot
run becomes NetSuite's 400 ``INVALID_PARAMETER`` "Invalid search query". Only reading is allowed
(an authorizer refuses every write). Results follow the REST envelope: lower-case column names,
every value a string, nulls left out, raw dates in the user's format (``3/2/2026``), and at most
``row_cap`` rows per query (NetSuite's 100,000) whatever the offset.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from datetime import date, datetime
from typing import Any

_FORMATS = {"YYYY": "%Y", "MM": "%m", "DD": "%d", "HH24": "%H", "MI": "%M", "SS": "%S"}
_TOKEN = re.compile(r"YYYY|MM|DD|HH24|MI|SS")
_DF = re.compile(r"\bBUILTIN\.DF\s*\(", re.IGNORECASE)
_TRANSACTION = re.compile(r"\b(FROM|JOIN)\s+transaction\b", re.IGNORECASE)  # a keyword in SQLite
_STATUS = {
    ("CustInvc", "A"): "Invoice : Open",
    ("CustInvc", "B"): "Invoice : Paid In Full",
    ("CustInvc", "V"): "Invoice : Voided",
    ("CustCred", "A"): "Credit Memo : Open",
    ("CustCred", "B"): "Credit Memo : Fully Applied",
    ("CustPymt", "C"): "Payment : Deposited",
}
_READ_ONLY = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION}


class SuiteQLError(Exception):
    """A query NetSuite would refuse (400 ``INVALID_PARAMETER``)."""


class NsDate(str):
    """A raw ``NS_DATE`` cell (rendered in the user's date format)."""


class NsTimestamp(str):
    """A raw ``NS_TIMESTAMP`` cell."""


sqlite3.register_converter("NS_DATE", lambda raw: NsDate(raw.decode()))
sqlite3.register_converter("NS_TIMESTAMP", lambda raw: NsTimestamp(raw.decode()))


def _pattern(fmt: str) -> str:
    return _TOKEN.sub(lambda m: _FORMATS[m.group(0)], fmt)


def to_char(value: Any, fmt: str = "YYYY-MM-DD HH24:MI:SS") -> str | None:
    if value is None:
        return None
    text = str(value)
    parsed = (
        datetime.fromisoformat(text)
        if len(text) > 10
        else datetime.combine(date.fromisoformat(text), datetime.min.time())
    )
    return parsed.strftime(_pattern(fmt))


def to_timestamp(value: Any, fmt: str = "YYYY-MM-DD HH24:MI:SS") -> str | None:
    if value is None:
        return None
    try:
        parsed = datetime.strptime(str(value), _pattern(fmt))  # noqa: DTZ007 - the account's wall clock
        return parsed.strftime("%Y-%m-%d %H:%M:%S")
    except ValueError as exc:
        raise ValueError(f"bad TO_TIMESTAMP value {value!r}") from exc


def to_date(value: Any, fmt: str = "YYYY-MM-DD") -> str | None:
    stamp = to_timestamp(value, fmt)
    return None if stamp is None else stamp[:10]


def user_format(value: Any) -> str:
    """Raw dates and timestamps as NetSuite shows them to a US-format user."""
    if isinstance(value, NsDate):
        day = date.fromisoformat(value[:10])
        return f"{day.month}/{day.day}/{day.year}"
    if isinstance(value, NsTimestamp):
        moment = datetime.fromisoformat(value)
        hour = moment.hour % 12 or 12
        return f"{moment.month}/{moment.day}/{moment.year} {hour}:{moment.minute:02d} {'pm' if moment.hour >= 12 else 'am'}"
    if isinstance(value, float):
        return format(value, ".15g")
    return str(value)


class SuiteQL:
    """Runs SuiteQL on the sandbox's connection (one query at a time)."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock, *, row_cap: int = 100_000) -> None:
        self.db, self.lock, self.row_cap = db, lock, row_cap
        db.create_function("TO_CHAR", -1, to_char, deterministic=True)
        db.create_function("TO_TIMESTAMP", -1, to_timestamp, deterministic=True)
        db.create_function("TO_DATE", -1, to_date, deterministic=True)
        db.create_function("NVL", 2, lambda a, b: b if a is None else a, deterministic=True)
        db.create_function("BUILTIN_DF", 1, self._display)
        self._currencies = {row[0]: row[1] for row in db.execute("SELECT id, name FROM currency")}

    def _display(self, value: Any) -> Any:
        if isinstance(value, str) and ":" not in value:
            for (_kind, code), label in _STATUS.items():
                if code == value:
                    return label
        return self._currencies.get(value, value)

    def run(self, query: str, *, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
        """The rows ``offset .. offset + limit`` (within the row cap) and the query's total."""
        text = query.strip().rstrip(";")
        if not re.match(r"^\s*SELECT\b", text, re.IGNORECASE):
            raise SuiteQLError("Invalid search query: only SELECT statements can be run.")
        text = _TRANSACTION.sub(r'\1 "transaction"', _DF.sub("BUILTIN_DF(", text))
        capped_limit = max(0, min(limit, self.row_cap - offset))
        with self.lock:
            self.db.set_authorizer(
                lambda action, *_: sqlite3.SQLITE_OK if action in _READ_ONLY else sqlite3.SQLITE_DENY
            )
            try:
                (total,) = self.db.execute(f"SELECT COUNT(*) FROM ({text})").fetchone()
                cursor = self.db.execute(f"SELECT * FROM ({text}) LIMIT ? OFFSET ?", (capped_limit, offset))
                names = [d[0].lower() for d in cursor.description]
                rows = cursor.fetchall()
            except (sqlite3.Error, ValueError) as exc:
                raise SuiteQLError(
                    f"Invalid search query. Detailed unprocessed description follows. {exc}."
                ) from None
            finally:
                self.db.set_authorizer(None)
        items = [
            {n: user_format(v) for n, v in zip(names, row, strict=True) if v is not None} for row in rows
        ]
        return items, min(total, self.row_cap)
