"""How values read on screen: money through the one locale-aware formatter, enum values as words."""

from __future__ import annotations

from decimal import Decimal

from billabex_core.money import format_money


def money(amount: Decimal | None, currency: str) -> str:
    """``€1,234.50``; an empty string for no amount."""
    return format_money(amount, currency)


def label(value: object, *, capitalize: bool = True) -> str:
    """An enum value (or any code with underscores) as words: ``partially_paid`` → ``Partially paid``.

    None reads as an empty string, so ``label(x) or "All"`` names an unset filter.
    """
    text = str(value or "").replace("_", " ")
    return text.capitalize() if capitalize else text
