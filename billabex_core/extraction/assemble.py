"""From a ``Layout`` (text layer or OCR words) to an ``ExtractionResult``: the field logic."""

from __future__ import annotations

from billabex_core.extraction.amounts import format_amount
from billabex_core.extraction.base import ExtractedField, ExtractionResult, OrgIdentity, PaidMark
from billabex_core.extraction.dates import date_order, month_first_in
from billabex_core.extraction.exemption import exemption_segments
from billabex_core.extraction.fields import (
    currency_of_country,
    find_credited,
    find_currency,
    find_due_date,
    find_issue_date,
    find_kind,
)
from billabex_core.extraction.identifiers import find_vats, vat_country
from billabex_core.extraction.labels import Found, LabelHit, Neighbours, find_hits
from billabex_core.extraction.layout import Layout
from billabex_core.extraction.numbers import find_number
from billabex_core.extraction.parties import Parties, find_parties
from billabex_core.extraction.references import find_referenced, numbered_credit_title
from billabex_core.extraction.stamps import paid_stamp
from billabex_core.extraction.totals import Totals, choose, collect


def _field(found: Found | None, confidence: float, value: str | None = None) -> ExtractedField:
    if found is None:
        return ExtractedField(value, confidence if value is not None else 0.0)
    text = value if value is not None else str(found.value)
    return ExtractedField(text, confidence, found.segment.page, found.bbox)


def assemble(layout: Layout, *, source: str, org: OrgIdentity | None, scale: float = 1.0) -> ExtractionResult:
    """Every field found on the layout; ``scale`` lowers the confidences (OCR). Numeric dates
    are read in the order the document shows (``dates.month_first_in``)."""
    with date_order(month_first_in(s.text for s in layout.segments)):
        return _assemble(layout, source=source, org=org, scale=scale)


def _assemble(layout: Layout, *, source: str, org: OrgIdentity | None, scale: float) -> ExtractionResult:
    hits = find_hits(layout)
    nb = Neighbours(layout, hits)
    kind, _ = find_kind(layout)
    if kind == "invoice" and numbered_credit_title(layout) is not None:
        kind = "credit_note"  # "AVOIR N° :" labels the credit note's own number
    fields: dict[str, ExtractedField] = {}
    warnings: list[str] = []
    _identity_and_dates(layout, hits, nb, scale, fields, warnings, credit=kind == "credit_note")
    exempt = exemption_segments(layout)
    totals = choose(collect(hits, nb, layout, exempt), untaxed=bool(exempt))
    warnings += totals.warnings
    _totals(totals, scale, fields)
    if totals.negative:
        if kind == "invoice":
            warnings.append("credit note: the total is negative")
        kind = "credit_note"
    _parties(find_parties(layout, hits, nb, org), scale, fields)
    _unprinted_currency(layout, fields, warnings, scale)
    stamp = paid_stamp(layout)
    paid = PaidMark(stamp.text, stamp.paid_on.isoformat() if stamp.paid_on else None) if stamp else None
    if paid is not None:
        warnings.append(f"the document says it is paid ({paid.text})")
    credited = find_credited(hits, nb)
    if credited is None and kind == "credit_note":
        number = fields.get("number")
        credited = find_referenced(layout, nb, number.value if number else None)
    if credited:
        fields["credited_invoice_number"] = _field(credited, 0.8 * scale)
    return ExtractionResult(kind, source, fields, warnings, paid)


def _identity_and_dates(
    layout: Layout,
    hits: list[LabelHit],
    nb: Neighbours,
    scale: float,
    fields: dict[str, ExtractedField],
    warnings: list[str],
    *,
    credit: bool = False,
) -> None:
    """Number, issue date, due date (printed or from payment terms) and currency."""
    number = find_number(layout, hits, nb, credit=credit)
    if number:
        fields["number"] = _field(number[0], number[1] * scale)
    issue = find_issue_date(layout, hits, nb)
    if issue:
        fields["issue_date"] = _field(issue[0], issue[1] * scale, issue[0].value.isoformat())
    due = find_due_date(layout, hits, nb, issue[0] if issue else None)
    if due:
        where, value, confidence, warning = due
        fields["due_date"] = _field(where, confidence * scale, value.isoformat())
        if warning:
            warnings.append(warning)
    currency = find_currency(layout)
    if currency:
        code, seg, confidence = currency
        fields["currency"] = ExtractedField(code, confidence * scale, seg.page, seg.bbox())


def _unprinted_currency(
    layout: Layout, fields: dict[str, ExtractedField], warnings: list[str], scale: float
) -> None:
    """No currency printed (or none the OCR could read: "Kč", "zł" without their language's
    model): the currency of the seller's country — its VAT id's, else the one country of every
    VAT id of the page, else France for a SIREN — at a low confidence and with a warning: Review
    asks for it, where the draft would otherwise say EUR."""
    if "currency" in fields:
        return
    vat, siren = fields.get("seller_vat"), fields.get("seller_siren")
    countries = {vat_country(layout, str(v.value)) for v in find_vats(layout)}
    if vat and vat.value:
        country = vat_country(layout, vat.value) or ""
    elif len(countries) == 1:
        country = countries.pop() or ""
    else:
        country = "FR" if siren and siren.value else ""
    code = currency_of_country(country)
    if code:
        fields["currency"] = ExtractedField(
            code, 0.3 * scale, vat.page if vat else None, vat.bbox if vat else None
        )
        warnings.append(f"no currency printed: {code}, the currency of the seller's country ({country})")


def _totals(totals: Totals, scale: float, fields: dict[str, ExtractedField]) -> None:
    """The four amounts: read on the page, else derived from the others (lower confidence)."""
    for role in ("total_excl_tax", "tax_amount", "total_incl_tax", "amount_due"):
        cand = totals.picked.get(role)
        if role in totals.derived:
            fields[role] = ExtractedField(format_amount(totals.derived[role]), 0.5 * scale)
        elif cand is not None:
            fields[role] = ExtractedField(
                format_amount(cand.value), 0.85 * scale, cand.segment.page, cand.bbox
            )
    if "amount_due" not in fields and "total_incl_tax" in fields:
        incl = fields["total_incl_tax"]
        fields["amount_due"] = ExtractedField(incl.value, incl.confidence * 0.8, incl.page, incl.bbox)


def _parties(parties: Parties, scale: float, fields: dict[str, ExtractedField]) -> None:
    """Seller and buyer: names, VAT numbers, SIRENs, the buyer's address and country."""
    for name in ("seller_name", "seller_vat", "seller_siren", "buyer_name", "buyer_vat", "buyer_siren"):
        found = getattr(parties, name)
        if found is not None:
            fields[name] = _field(found, (0.8 if "name" in name else 0.9) * scale)
    if parties.buyer_address:
        text, seg = parties.buyer_address
        fields["buyer_address"] = ExtractedField(text, 0.6 * scale, seg.page, seg.bbox())
    if parties.buyer_country:
        code, where = parties.buyer_country
        fields["buyer_country"] = ExtractedField(
            code, 0.7 * scale, where.page if where else None, where.bbox() if where else None
        )
