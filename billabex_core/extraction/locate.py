"""Where the embedded XML's values are printed on the page, so the Review screen can draw a box
around them too. The values themselves stay the XML's (exact); only ``page`` and ``bbox`` are
added when the same value is found in the text layer (amounts and dates in any printed format)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation

from billabex_core.errors import ExtractionError
from billabex_core.extraction.amounts import find_amounts
from billabex_core.extraction.base import Bbox, ExtractionJob, ExtractionResult
from billabex_core.extraction.dates import find_dates
from billabex_core.extraction.layout import Segment, build_layout
from billabex_core.extraction.text import read_words
from billabex_core.extraction.vocab import fold

AMOUNTS = ("total_excl_tax", "tax_amount", "total_incl_tax", "amount_due")
DATES = ("issue_date", "due_date")
TEXTS = (
    "number",
    "credited_invoice_number",
    "seller_name",
    "seller_vat",
    "seller_siren",
    "buyer_name",
    "buyer_vat",
    "buyer_siren",
)


def _find_amount(value: str, segments: list[Segment]) -> tuple[int, Bbox] | None:
    try:
        wanted = abs(Decimal(value))
    except InvalidOperation:
        return None
    for seg in reversed(segments):  # totals are printed last: the bottom-most match
        for amount in find_amounts(seg.text):
            if abs(amount.value) == wanted:
                return seg.page, seg.bbox(amount.start, amount.end)
    return None


def _find_date(value: str, segments: list[Segment]) -> tuple[int, Bbox] | None:
    wanted = date.fromisoformat(value)
    for seg in segments:
        for found in find_dates(seg.text):
            if found.value == wanted:
                return seg.page, seg.bbox(found.start, found.end)
    return None


def _find_text(value: str, segments: list[Segment]) -> tuple[int, Bbox] | None:
    """The value's characters in order, spaces ignored (``FR 40 303…`` matches ``FR40303…``)."""
    needle = "".join(fold(value).split())
    if not needle:
        return None
    for seg in segments:
        kept = [(i, ch) for i, ch in enumerate(seg.folded) if not ch.isspace()]
        squeezed = "".join(ch for _, ch in kept)
        at = squeezed.find(needle)
        if at >= 0:
            return seg.page, seg.bbox(kept[at][0], kept[at + len(needle) - 1][0] + 1)
    return None


def locate_fields(result: ExtractionResult, job: ExtractionJob) -> None:
    """Add page and box to the fields that have a value but no position (best effort)."""
    try:
        words, heights = read_words(job)
    except ExtractionError:
        return
    if not words:
        return
    segments = build_layout(words, len(heights), heights).segments
    finders = {
        **dict.fromkeys(AMOUNTS, _find_amount),
        **dict.fromkeys(DATES, _find_date),
        **dict.fromkeys(TEXTS, _find_text),
    }
    for name, finder in finders.items():
        extracted = result.fields.get(name)
        if extracted is None or extracted.value is None or extracted.page is not None:
            continue
        hit = finder(extracted.value, segments)
        if hit is not None:
            result.fields[name] = replace(extracted, page=hit[0], bbox=hit[1])
