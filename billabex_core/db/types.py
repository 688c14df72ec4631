"""Column types that keep the domain's promises on every database.

- ``Money``: ``Decimal`` in Python, ``NUMERIC(15,3)`` on PostgreSQL. SQLite has no decimal type
  (its NUMERIC goes through binary floats), so there the same column holds integer thousandths:
  exact storage and exact ``SUM`` on both databases, never a float. Three decimals because some
  currencies have three (TND, KWD, BHD, JOD, OMR, LYD, IQD); an amount read back that is whole
  cents is given with two decimals ("1234.50"), any other with three ("1.234"), so the amounts of
  two-decimal currencies read exactly as before (``money.amount_places`` says how many a
  currency keeps).
- ``UTCDateTime``: refuses naive datetimes, stores UTC, and gives back aware UTC datetimes
  (SQLite forgets the offset; it is restored on load).
- ``JSONList`` / ``JSONDict``: portable JSON.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from billabex_core.domain.amounts import STORED_PLACES as STORED_PLACES
from billabex_core.domain.amounts import to_money as to_money

CENT = Decimal("0.01")
THOUSANDTH = Decimal("0.001")
_SQLITE_FACTOR = 10**STORED_PLACES


def utcnow() -> datetime:
    return datetime.now(UTC)


def stored_amount(value: Decimal) -> Decimal:
    """An amount as read back: two decimals when it is whole cents, else three."""
    amount = value.quantize(THOUSANDTH)
    cents = amount.quantize(CENT)
    return cents if cents == amount else amount


class Money(TypeDecorator[Decimal]):
    impl = sa.Numeric(15, STORED_PLACES)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.BigInteger())
        numeric = cast(sa.Numeric[Decimal], self.impl_instance)  # Money(precision, scale) of old migrations
        return dialect.type_descriptor(sa.Numeric(numeric.precision, numeric.scale, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        amount = to_money(value)
        if dialect.name == "sqlite":
            return int(amount * _SQLITE_FACTOR)
        return amount

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return stored_amount(Decimal(int(value)) / _SQLITE_FACTOR)
        return stored_amount(Decimal(value))

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
