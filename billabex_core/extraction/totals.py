"""Totals: excl. tax, tax, incl. tax and amount due, chosen so that excl + tax = incl.

Every labelled line gives a candidate (its rightmost amount, or the amount below a column
header). Combinations that add up win; when only some totals are printed, the missing one is
derived and a warning says so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import product

from billabex_core.extraction.amounts import Amount, find_amounts
from billabex_core.extraction.labels import LabelHit, Neighbours
from billabex_core.extraction.layout import Segment

ROLES = ("total_excl_tax", "tax_amount", "total_incl_tax", "amount_due", "prepaid")


@dataclass(frozen=True)
class Candidate:
    role: str
    value: Decimal  # absolute value
    negative: bool
    segment: Segment
    start: int
    end: int
    score: float

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return self.segment.bbox(self.start, self.end)


@dataclass
class Totals:
    picked: dict[str, Candidate | None]
    derived: dict[str, Decimal]
    negative: bool
    warnings: list[str]


def _money(amounts: list[Amount]) -> list[Amount]:
    return [a for a in amounts if a.has_decimals or a.currency]


def _line_amounts(hit: LabelHit, nb: Neighbours) -> list[tuple[Amount, Segment, int]]:
    """The rightmost amount of the label's line, else the amounts of the column below it."""
    seg = hit.segment
    tail = seg.text[hit.end :]
    if tail.lstrip(" -").startswith("%"):
        return []  # a rate column ("MwSt-%"), not an amount
    pool: list[tuple[Amount, Segment, int]] = [(a, seg, hit.end) for a in _money(find_amounts(tail))]
    for s in nb.right_of(seg, limit=4):
        pool += [(a, s, 0) for a in _money(find_amounts(s.text))]
    if pool:
        return [pool[-1]]
    column = []
    if hit.at_start and len(tail.strip(" :")) < 3:  # a column header: the values are below
        for s in nb.below(seg, 4):
            found = _money(find_amounts(s.text))
            if found and id(s) not in nb.labelled:
                column.append((found[0], s, 0))
    return column


def collect(hits: list[LabelHit], nb: Neighbours, line_count: int) -> list[Candidate]:
    out = []
    for hit in hits:
        if hit.role not in ROLES:
            continue
        for amount, seg, base in _line_amounts(hit, nb):
            lateness = seg.line / max(1, line_count)
            score = min(len(hit.phrase), 20) / 20 + (0.3 if hit.at_start else 0) + 0.5 * lateness
            out.append(
                Candidate(
                    hit.role,
                    abs(amount.value),
                    amount.value < 0,
                    seg,
                    base + amount.start,
                    base + amount.end,
                    score,
                )
            )
    return out


def _tax_sums(taxes: list[Candidate]) -> list[tuple[Decimal, Candidate, float]]:
    """Single tax lines, and sums of consecutive lines with the same label (one per rate)."""
    out = [(t.value, t, t.score) for t in taxes]
    run: list[Candidate] = []
    for t in sorted(taxes, key=lambda c: c.segment.line):
        if run and t.segment.line == run[-1].segment.line + 1:
            run.append(t)
        else:
            run = [t]
        if len(run) > 1:
            out.append((sum((c.value for c in run), Decimal(0)), run[-1], min(c.score for c in run)))
    return out


def choose(cands: list[Candidate]) -> Totals:
    by = {r: [c for c in cands if c.role == r] for r in ROLES}
    warnings: list[str] = []
    picked: dict[str, Candidate | None] = dict.fromkeys(ROLES)
    derived: dict[str, Decimal] = {}
    best: tuple[float, Candidate, Candidate, Candidate, Decimal] | None = None
    # an amount due that equals excl + tax also gives the total ("Saldo adeudado" with no "Total")
    incls = [
        *by["total_incl_tax"],
        *(replace(c, role="total_incl_tax", score=c.score - 1) for c in by["amount_due"]),
    ]
    for e, (tv, t, ts), i in product(by["total_excl_tax"], _tax_sums(by["tax_amount"]), incls):
        if e.value + tv == i.value and i.value > 0:
            score = e.score + ts + i.score
            if best is None or score > best[0]:
                best = (score, e, t, i, tv)
    if best:
        _, picked["total_excl_tax"], picked["tax_amount"], picked["total_incl_tax"], tax_sum = best
        if tax_sum != best[2].value:
            derived["tax_amount"] = tax_sum
    else:
        _pairs(by, picked, derived, warnings)
    incl = derived.get("total_incl_tax") or (
        picked["total_incl_tax"].value if picked["total_incl_tax"] else None
    )
    picked["amount_due"] = _due(by, incl)
    if incl is None and picked["amount_due"] is not None and not by["prepaid"]:
        picked["total_incl_tax"] = replace(picked["amount_due"], role="total_incl_tax")
        warnings.append("total incl. tax read from the amount due")
    negative = any(c.negative for c in picked.values() if c is not None and c.role == "total_incl_tax")
    return Totals(picked, derived, negative, warnings)


def _best(cands: list[Candidate]) -> Candidate | None:
    return max(cands, key=lambda c: c.score) if cands else None


def _pairs(by: dict[str, list[Candidate]], picked: dict, derived: dict, warnings: list[str]) -> None:
    exact_pairs = []
    for t, i in product(by["tax_amount"], by["total_incl_tax"]):
        if t.value < i.value:
            exact_pairs.append((t.score + i.score, "total_excl_tax", t, i, i.value - t.value))
    for e, i in product(by["total_excl_tax"], by["total_incl_tax"]):
        if e.value == i.value:
            exact_pairs.append((e.score + i.score + 0.5, "tax_amount", e, i, Decimal("0.00")))
    if exact_pairs and not (by["total_excl_tax"] and by["tax_amount"]):
        _, missing, a, i, value = max(exact_pairs, key=lambda p: p[0])
        picked[a.role], picked["total_incl_tax"] = a, i
        derived[missing] = value
        warnings.append(f"{missing.replace('_', ' ')} computed from the other totals")
        return
    picked["total_incl_tax"] = _best(by["total_incl_tax"])
    picked["total_excl_tax"] = _best(by["total_excl_tax"])
    picked["tax_amount"] = _best(by["tax_amount"])
    e, t = picked["total_excl_tax"], picked["tax_amount"]
    if picked["total_incl_tax"] is None and e and t:
        derived["total_incl_tax"] = e.value + t.value
        warnings.append("total incl. tax computed from the other totals")


def _due(by: dict[str, list[Candidate]], incl: Decimal | None) -> Candidate | None:
    dues = [c for c in by["amount_due"] if incl is None or c.value <= incl]
    if incl is not None:
        for p in by["prepaid"]:
            for d in dues:
                if incl - p.value == d.value:
                    return d
    return max(dues, key=lambda c: (c.score, c.segment.line)) if dues else None
