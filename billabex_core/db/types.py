"""Column types that keep the domain's promises on every database.

- ``Money``: ``Decimal`` in Python, ``NUMERIC(14,2)`` on PostgreSQL. SQLite has no decimal type
  (its NUMERIC goes through binary floats), so there the same column holds integer cents: exact
  storage and exact ``SUM`` on both databases, never a float.
- ``UTCDateTime``: refuses naive datetimes, stores UTC, and gives back aware UTC datetimes
  (SQLite forgets the offset; it is restored on load).
- ``JSONList`` / ``JSONDict``: portable JSON.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

CENT = Decimal("0.01")


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_money(value: Decimal | int | str) -> Decimal:
    """Quantise to the cent (half up, as on an invoice). Floats are refused."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class Money(TypeDecorator[Decimal]):
    impl = sa.Numeric(14, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.BigInteger())
        return dialect.type_descriptor(sa.Numeric(14, 2, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        amount = to_money(value)
        if dialect.name == "sqlite":
            return int(amount * 100)
        return amount

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return (Decimal(int(value)) / 100).quantize(CENT)
        return Decimal(value).quantize(CENT)

    @property
    def python_type(self) -> type:
        return Decimal


class UTCDateTime(TypeDecorator[datetime]):
    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError("timestamps must be aware datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    @property
    def python_type(self) -> type:
        return datetime


class JSONList(TypeDecorator[list]):
    impl = sa.JSON
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> list:
        return list(value or [])

    @property
    def python_type(self) -> type:
        return list


class JSONDict(TypeDecorator[dict]):
    impl = sa.JSON
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> dict:
        return dict(value or {})

    @property
    def python_type(self) -> type:
        return dict


def str_enum(enum_cls: type) -> sa.Enum:
    """Enums are stored as their string values in a VARCHAR (no native PG enum to migrate)."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda e: [m.value for m in e],
    )
