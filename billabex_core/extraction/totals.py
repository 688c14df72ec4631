"""Totals: excl. tax, tax, incl. tax and amount due, chosen so that excl + tax = incl.

Every labelled line gives a candidate (its rightmost amount, or the amount below a column
header). Combinations that add up win; when only some totals are printed, the missing one is
derived and a warning says so.

Labels are not needed for amounts that add up: the rightmost amount of every line of the
lower part of the document is also a candidate for any role (``ANY``), so a label the
vocabulary lacks ("Zwischensumme", "LESS DISCOUNT") costs nothing when excl. + tax = incl.
holds on the page with a plausible tax rate (0 to 30 %), the total below the net amount.

An invoice without VAT says why in words ("TVA non applicable, art. 293 B du CGI", "Kein
Ausweis von Umsatzsteuer, da Kleinunternehmer gemäß § 19 UStG", "BTW verlegd"): that line names
no tax amount, and the article numbers of a law reference are never amounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import product

from billabex_core.extraction.amounts import Amount, find_amounts
from billabex_core.extraction.exemption import names_no_tax, not_money
from billabex_core.extraction.identifiers import opens_with_vat
from billabex_core.extraction.labels import LabelHit, Neighbours
from billabex_core.extraction.layout import Layout, Segment
from billabex_core.extraction.numbers import names_a_number
from billabex_core.extraction.vocab import fold, language, vocab_cache

ROLES = ("total_excl_tax", "tax_amount", "total_incl_tax", "amount_due", "prepaid")
ANY = "any"  # an amount without a label: any role, if the arithmetic says so
UNTAXED = "no VAT: the document says it does not apply; the net amount is the total"
MAX_RATE = Decimal("0.3")
_RATE = re.compile(r"\(?\s*\d{1,2}(?:[.,]\d{1,2})?\s?%\s*\)?")
_ZERO_RATE = re.compile(r"[\s:(]*0+(?:[.,]0+)?\s?%(?![^%]*\d\s?%)")  # not "TVA 0% et 20 %"


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
    label = " ".join(seg.text[: hit.start].split()[-2:]) + seg.text[hit.start : hit.end]
    if names_a_number(label + re.split(r"\d", tail, maxsplit=1)[0]) or opens_with_vat(tail):
        return []  # "N° TVA : FR 11 123 456 782", "P.IVA: IT02569110949": an identifier
    found = find_amounts(tail)
    pool: list[tuple[Amount, Segment, int]] = [(a, seg, hit.end) for a in _money(found)]
    plain = [(a, seg, hit.end) for a in found if abs(a.value) >= 10 and not not_money(tail, a)]
    for s in nb.right_of(seg, limit=4):
        found = find_amounts(s.text)
        pool += [(a, s, 0) for a in _money(found)]
        plain += [(a, s, 0) for a in found if abs(a.value) >= 10 and not not_money(s.text, a)]
    if pool or plain:
        return [(pool or plain)[-1]]  # amounts without decimals only where there is nothing else
    column = []
    if hit.at_start and len(_RATE.sub("", tail).strip(" :()")) < 3:  # a column header: the values are below
        for s in nb.below(seg, 4):
            found = _money(find_amounts(s.text))
            if found and id(s) not in nb.labelled:
                column.append((found[0], s, 0))
    return column


def collect(hits: list[LabelHit], nb: Neighbours, layout: Layout, exempt: set[int]) -> list[Candidate]:
    """Candidates of the labelled lines, then the unlabelled amounts (role ``ANY``); ``exempt``:
    the cells saying no VAT applies (``exemption.exemption_segments``)."""
    out = []
    line_count = len(layout.lines)
    for hit in hits:
        if hit.role not in ROLES or (hit.role == "tax_amount" and names_no_tax(hit, exempt)):
            continue
        role = _net_total(hit)
        for amount, seg, base in _line_amounts(hit, nb):
            if role == "tax_amount" and amount.value and _ZERO_RATE.match(hit.segment.text, hit.end):
                continue  # "Allowance (Tax: 0.00%): Discount -10.00": a tax of 0 % is 0
            lateness = seg.line / max(1, line_count)
            score = min(len(hit.phrase), 20) / 20 + (0.3 if hit.at_start else 0) + 0.5 * lateness
            out.append(
                Candidate(
                    role,
                    abs(amount.value),
                    amount.value < 0,
                    seg,
                    base + amount.start,
                    base + amount.end,
                    score,
                )
            )
    return out + _unlabelled(layout, {h.segment.line for h in hits if h.role in ROLES}, exempt)


@vocab_cache
def _excluding() -> re.Pattern[str]:
    words = "|".join(re.escape(fold(w)) for w in language()["excluding_words"])
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)")


def _net_total(hit: LabelHit) -> str:
    """A total label that says "without tax" ("Rechnungssumme ohne USt.", "Total hors taxes")
    names the net amount."""
    if hit.role == "total_incl_tax" and _excluding().search(hit.segment.folded, hit.end):
        return "total_excl_tax"
    return hit.role


def _unlabelled(layout: Layout, labelled_lines: set[int], exempt: set[int]) -> list[Candidate]:
    """The amounts of the lines without a total label: money (the rightmost of a line first), or
    a whole number of 10 or more as a line's last amount where it has no money ("LESS DISCOUNT
    1436")."""
    out = []
    count = max(1, len(layout.lines))
    for index, line in enumerate(layout.lines):
        if index in labelled_lines:
            continue
        rightmost = True
        for seg in reversed(line):
            amounts = find_amounts(seg.text)
            money = _money(amounts)
            if (
                rightmost
                and amounts
                and not money
                and 10 <= abs(amounts[-1].value) < 1_000_000
                and id(seg) not in exempt
                and not not_money(seg.text, amounts[-1])
            ):
                money = amounts[-1:]  # a whole amount, not an identifier (SIREN, phone)
            for a in reversed(money):
                score = (0.3 if rightmost else 0.15) * index / count
                out.append(Candidate(ANY, abs(a.value), a.value < 0, seg, a.start, a.end, score))
                rightmost = False
            rightmost = rightmost and not amounts
    return out


def _tax_sums(taxes: list[Candidate]) -> list[tuple[Decimal, Candidate, float]]:
    """Single tax lines, sums of consecutive lines with the same label (one per rate), sums of
    the tax cells of one row (a header row with a column per rate: "IVA (22%)  IVA (10%)"), and
    the sum of every tax amount."""
    out = [(t.value, t, t.score) for t in taxes]
    run: list[Candidate] = []
    for t in sorted(taxes, key=lambda c: c.segment.line):
        if run and t.segment.line == run[-1].segment.line + 1:
            run.append(t)
        else:
            run = [t]
        if len(run) > 1:
            out.append((sum((c.value for c in run), Decimal(0)), run[-1], min(c.score for c in run)))
    rows: dict[int, list[Candidate]] = {}
    for t in taxes:
        rows.setdefault(t.segment.line, []).append(t)
    groups = [row for row in rows.values() if len({id(c.segment) for c in row}) > 1]
    if len(rows) > 1 and len(taxes) <= 8:
        groups.append(taxes)
    for group in groups:
        last = max(group, key=lambda c: (c.segment.line, c.segment.x0))
        out.append((sum((c.value for c in group), Decimal(0)), last, min(c.score for c in group)))
    return out


def _plausible(e: Candidate, tax: Decimal, t: Candidate, i: Candidate) -> bool:
    """Unlabelled amounts make a triple only as totals are printed: the tax a rate of the net
    amount (0 to 30 %), the total at or below the other two (to their right on one row)."""
    if not Decimal(0) <= tax <= MAX_RATE * e.value:
        return False
    for other in (e, t):
        if i.segment.line < other.segment.line:
            return False
        if i.segment.line == other.segment.line and i.segment.x0 <= other.segment.x0 and i is not other:
            return False
    return True


def _consistent(
    by: dict[str, list[Candidate]],
) -> tuple[float, Candidate, Candidate, Candidate, Decimal] | None:
    """The best (score, excl, tax, incl, tax sum) with excl + tax = incl. A labelled amount may
    also take another role, for less ("TOTAL TAX" read as a "total" label)."""
    relabelled = [replace(c, role=ANY, score=c.score * 0.3) for r in ROLES[:3] for c in by[r]]
    anys = [*by[ANY], *relabelled]
    excls = [*by["total_excl_tax"], *anys]
    taxes = [*_tax_sums(by["tax_amount"]), *((a.value, a, a.score) for a in anys)]
    # an amount due that equals excl + tax also gives the total ("Saldo adeudado" with no "Total")
    incls: dict[Decimal, list[Candidate]] = {}
    for c in [*by["total_incl_tax"], *(replace(c, score=c.score - 1) for c in by["amount_due"]), *anys]:
        incls.setdefault(c.value, []).append(c)
    best: tuple[float, Candidate, Candidate, Candidate, Decimal] | None = None
    for e in excls:
        for tv, t, ts in taxes:
            if t is e:
                continue
            for i in incls.get(e.value + tv, []):
                if i is e or i is t or i.value <= 0:
                    continue
                if ANY in (e.role, t.role, i.role) and not _plausible(e, tv, t, i):
                    continue
                if tv == 0 and t.role == ANY:
                    continue  # a "0.00" somewhere is no evidence of a zero tax
                score = e.score + ts + i.score
                if best is None or score > best[0]:
                    best = (score, e, t, i, tv)
    return best


def choose(cands: list[Candidate], *, untaxed: bool = False) -> Totals:
    """The totals; ``untaxed``: the page says that no VAT applies, so with no tax amount labelled
    a lone net amount or a lone total is both, the tax 0."""
    by = {r: [c for c in cands if c.role == r] for r in (*ROLES, ANY)}
    if any(c.value > 0 for c in by["total_excl_tax"]):  # "Gesamtbetrag der Abschläge -0,00": no total
        by["total_incl_tax"] = [c for c in by["total_incl_tax"] if c.value > 0]
    warnings: list[str] = []
    picked: dict[str, Candidate | None] = dict.fromkeys(ROLES)
    derived: dict[str, Decimal] = {}
    best = _consistent(by)
    # no tax labelled: a net total equal to a total below it beats a triple of item lines (its net
    # amount unlabelled), never one whose net amount is labelled ("HST 13%" a label we lack)
    zero = _zero_tax(by) if best is None or ANY == best[1].role == best[2].role else None
    if zero:
        picked["total_excl_tax"], picked["total_incl_tax"] = zero
        derived["tax_amount"] = Decimal("0.00")
        warnings.append("no tax: the total equals the net amount")
    elif best:
        _, e, t, i, tax_sum = best
        picked["total_excl_tax"] = replace(e, role="total_excl_tax")
        picked["tax_amount"] = replace(t, role="tax_amount")
        picked["total_incl_tax"] = replace(i, role="total_incl_tax")
        if tax_sum != t.value:
            derived["tax_amount"] = tax_sum
    else:
        _pairs(by, picked, derived, warnings)
        _untaxed(by, picked, derived, warnings)
        if untaxed:
            _said_untaxed(by, picked, derived, warnings)
    incl = derived.get("total_incl_tax") or (
        picked["total_incl_tax"].value if picked["total_incl_tax"] else None
    )
    picked["amount_due"] = _due(by, incl)
    if incl is None and picked["amount_due"] is not None and not by["prepaid"]:
        picked["total_incl_tax"] = replace(picked["amount_due"], role="total_incl_tax")
        warnings.append("total incl. tax read from the amount due")
    negative = any(c.negative for c in picked.values() if c is not None and c.role == "total_incl_tax")
    return Totals(picked, derived, negative, warnings)


def _zero_tax(by: dict[str, list[Candidate]]) -> tuple[Candidate, Candidate] | None:
    """No tax amount labelled on the page, and a net total with the same total at or below it
    ("Subtotale 43 111,63 / Totale 43 111,63" of an invoice without VAT): the tax is 0, rather
    than two item lines that happen to add up to the total. Without a total label, an amount due
    equal to the net total ("Totale netto / Totale da pagare") is the total."""
    if any(c.value > 0 for c in by["tax_amount"]):
        return None
    dues = [replace(c, role="total_incl_tax", score=c.score - 1) for c in by["amount_due"]]
    pairs = [
        (e, i)
        for e, i in product(by["total_excl_tax"], by["total_incl_tax"] or dues)
        if e.value == i.value > 0 and i.segment.line >= e.segment.line and i.segment is not e.segment
    ]
    return max(pairs, key=lambda p: p[0].score + p[1].score) if pairs else None


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


def _untaxed(by: dict[str, list[Candidate]], picked: dict, derived: dict, warnings: list[str]) -> None:
    """No tax printed as an amount, a net total and, below it, an amount equal to it without a
    known label ("Bruttosumme 824,88" of a tax-exempt invoice): that is the total, the tax 0."""
    e = picked["total_excl_tax"]
    if e is None or picked["total_incl_tax"] is not None or by["tax_amount"] or "total_incl_tax" in derived:
        return
    below = [c for c in by[ANY] if c.value == e.value and c.segment.line > e.segment.line]
    if below:
        picked["total_incl_tax"] = replace(min(below, key=lambda c: c.segment.line), role="total_incl_tax")
        derived["tax_amount"] = Decimal("0.00")
        warnings.append("no tax: the total equals the net amount")


def _said_untaxed(by: dict[str, list[Candidate]], picked: dict, derived: dict, warnings: list[str]) -> None:
    """The page says no VAT applies and labels no tax amount: of a net amount and a total, the
    one printed is the other too ("Total 1 500,00 €" of a micro-entrepreneur's invoice)."""
    if any(c.value > 0 for c in by["tax_amount"]) or "tax_amount" in derived:
        return
    e, i = picked["total_excl_tax"], picked["total_incl_tax"]
    if (e is None) == (i is None):
        return
    known = (e or i).value
    if any(c.value > known for c in by["amount_due"]):
        return  # an amount due above the one total printed: there is a tax after all
    derived["tax_amount"] = Decimal("0.00")
    if e is None:
        picked["total_excl_tax"] = replace(i, role="total_excl_tax")
    else:
        picked["total_incl_tax"] = replace(e, role="total_incl_tax")
    warnings.append(UNTAXED)


def _due(by: dict[str, list[Candidate]], incl: Decimal | None) -> Candidate | None:
    """The amount due: the labelled one that is the total less a prepayment, else the
    best-labelled one. Below a prepayment, an amount that is the total less it is the amount
    due whatever its label ("Anticipo 980,67 / Total pendiente 2 288,24")."""
    dues = [c for c in by["amount_due"] if incl is None or c.value <= incl]
    prepaid = [p for p in by["prepaid"] if p.value > 0]
    if incl is not None and prepaid:
        rest = incl - sum((p.value for p in prepaid), Decimal(0))  # every prepayment deducted
        for d in sorted(dues, key=lambda c: -c.segment.line):
            if d.value == rest or any(incl - p.value == d.value for p in prepaid):
                return d
        last = max(p.segment.line for p in prepaid)
        below = [
            c
            for c in (*by["total_incl_tax"], *by[ANY])
            if c.value == rest > 0
            and c.segment.line >= last
            and all(c.segment is not p.segment for p in prepaid)
        ]
        if below:
            return replace(min(below, key=lambda c: c.segment.line), role="amount_due")
    return max(dues, key=lambda c: (c.score, c.segment.line)) if dues else None
