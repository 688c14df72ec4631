"""The EN 16931 arithmetic rules on an e-invoice's totals, each named and with its result.

The rules (EN 16931-1:2017, business rules "BR-CO"), as the official schematrons compute them:
every sum is rounded to 2 decimals (half up) and compared exactly.

- BR-CO-10  sum of invoice line net amounts (BT-106) = Σ invoice line net amount (BT-131)
- BR-CO-11  sum of allowances on document level (BT-107) = Σ allowance amounts (BT-92)
- BR-CO-12  sum of charges on document level (BT-108) = Σ charge amounts (BT-99)
- BR-CO-13  total without VAT (BT-109) = BT-106 − BT-107 + BT-108
- BR-CO-14  total VAT (BT-110) = Σ VAT category tax amounts (BT-117)
- BR-CO-15  total with VAT (BT-112) = BT-109 + BT-110
- BR-CO-16  amount due (BT-115) = BT-112 − paid amount (BT-113) + rounding amount (BT-114)

BR-CO-11 and 12 are listed only when the document has allowances or charges; a rule whose
amounts the document does not give (no lines: Factur-X MINIMUM, BASIC WL) does not apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from billabex_core.extraction.base import RuleCheck

CENT = Decimal("0.01")
ZERO = Decimal(0)


@dataclass
class Totals:
    """The amounts the rules compare, as the document gives them (None: absent)."""

    lines: list[Decimal] | None = None  # BT-131 of every line; None when one is unreadable
    line_total: Decimal | None = None  # BT-106
    allowances: list[Decimal] = field(default_factory=list)  # BT-92
    allowance_total: Decimal | None = None  # BT-107
    charges: list[Decimal] = field(default_factory=list)  # BT-99
    charge_total: Decimal | None = None  # BT-108
    tax_exclusive: Decimal | None = None  # BT-109
    tax_total: Decimal | None = None  # BT-110
    tax_breakdown: list[Decimal] = field(default_factory=list)  # BT-117
    tax_inclusive: Decimal | None = None  # BT-112
    prepaid: Decimal | None = None  # BT-113
    rounding: Decimal | None = None  # BT-114
    payable: Decimal | None = None  # BT-115


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _show(value: Decimal) -> str:
    return format(value, "f")


def _equal(rule: str, title: str, stated: Decimal | None, computed: Decimal, how: str, bt: str) -> RuleCheck:
    """``stated`` (the document's BT) against ``computed`` (``how``), rounded to the cent."""
    expected = _round(computed)
    if stated is None:
        return RuleCheck(rule, title, False, f"{bt} is missing; {how} = {_show(expected)}")
    if stated == expected:
        return RuleCheck(rule, title, True, f"{bt} {_show(stated)} = {how}")
    return RuleCheck(rule, title, False, f"{bt} {_show(stated)} ≠ {how} = {_show(expected)}")


def _not_applicable(rule: str, title: str, why: str) -> RuleCheck:
    return RuleCheck(rule, title, None, f"does not apply: {why}")


def br_co_10(t: Totals) -> RuleCheck:
    rule, title = "BR-CO-10", "Sum of the line net amounts"
    if not t.lines:
        return _not_applicable(
            rule,
            title,
            "the document has no invoice lines" if t.lines == [] else "a line amount is unreadable",
        )
    return _equal(
        rule, title, t.line_total, sum(t.lines, ZERO), f"Σ {len(t.lines)} line net amount(s)", "BT-106"
    )


def br_co_11_12(t: Totals) -> list[RuleCheck]:
    out = []
    if t.allowances or t.allowance_total:
        how = f"Σ {len(t.allowances)} document allowance(s)"
        out.append(
            _equal(
                "BR-CO-11",
                "Sum of the allowances",
                t.allowance_total or ZERO,
                sum(t.allowances, ZERO),
                how,
                "BT-107",
            )
        )
    if t.charges or t.charge_total:
        how = f"Σ {len(t.charges)} document charge(s)"
        out.append(
            _equal(
                "BR-CO-12", "Sum of the charges", t.charge_total or ZERO, sum(t.charges, ZERO), how, "BT-108"
            )
        )
    return out


def br_co_13(t: Totals) -> RuleCheck:
    rule, title = "BR-CO-13", "Total without VAT = lines − allowances + charges"
    if t.line_total is None:
        return _not_applicable(rule, title, "no sum of line net amounts (BT-106)")
    computed = t.line_total - (t.allowance_total or ZERO) + (t.charge_total or ZERO)
    return _equal(rule, title, t.tax_exclusive, computed, "BT-106 − BT-107 + BT-108", "BT-109")


def br_co_14(t: Totals) -> RuleCheck:
    rule, title = "BR-CO-14", "Total VAT = sum of the VAT breakdown"
    if not t.tax_breakdown:
        return _not_applicable(rule, title, "no VAT breakdown (BT-117)")
    how = f"Σ {len(t.tax_breakdown)} VAT category amount(s)"
    return _equal(rule, title, t.tax_total, sum(t.tax_breakdown, ZERO), how, "BT-110")


def br_co_15(t: Totals) -> RuleCheck:
    rule, title = "BR-CO-15", "Total with VAT = total without VAT + VAT"
    if t.tax_exclusive is None:
        return RuleCheck(rule, title, False, "BT-109 (total without VAT) is missing")
    computed = t.tax_exclusive + (t.tax_total or ZERO)
    return _equal(rule, title, t.tax_inclusive, computed, "BT-109 + BT-110", "BT-112")


def br_co_16(t: Totals) -> RuleCheck:
    rule, title = "BR-CO-16", "Amount due = total with VAT − paid + rounding"
    if t.tax_inclusive is None:
        return RuleCheck(rule, title, False, "BT-112 (total with VAT) is missing")
    computed = t.tax_inclusive - (t.prepaid or ZERO) + (t.rounding or ZERO)
    return _equal(rule, title, t.payable, computed, "BT-112 − BT-113 + BT-114", "BT-115")


def check_totals(totals: Totals) -> list[RuleCheck]:
    """Every rule above, in order."""
    return [
        br_co_10(totals),
        *br_co_11_12(totals),
        br_co_13(totals),
        br_co_14(totals),
        br_co_15(totals),
        br_co_16(totals),
    ]
