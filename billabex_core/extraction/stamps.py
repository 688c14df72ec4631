"""What a document says about itself beyond its fields: a "paid" stamp.

A paid stamp is a segment that says only that ("PAYÉE", "Paid in full", "Betrag dankend
erhalten", "Status: Paid!"), possibly with its date ("Payée le 15/03/2026", "Bezahlt am
02.04.2026"). A label followed by an amount ("Amount paid 0.00", or "Paid" in a column of
labels with "$0.00" beside it) is not one. The words are data (``language.json``:
``paid_stamps``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from billabex_core.extraction.amounts import find_amounts
from billabex_core.extraction.dates import find_dates
from billabex_core.extraction.layout import Layout, Segment
from billabex_core.extraction.vocab import fold, language, vocab_cache


@dataclass(frozen=True)
class PaidStamp:
    text: str  # as printed
    paid_on: date | None
    page: int


@vocab_cache
def _stamp() -> re.Pattern[str]:
    words = "|".join(re.escape(fold(w)) for w in sorted(language()["paid_stamps"], key=len, reverse=True))
    status = "|".join(re.escape(fold(w)) for w in language()["status_words"])
    return re.compile(rf"^(?:(?:{status})\s*:?\s*)?(?:{words})(?P<rest>\s+\S.*)?[\s!.]*$")


def paid_stamp(layout: Layout) -> PaidStamp | None:
    pattern = _stamp()
    for seg in layout.segments:
        m = pattern.match(seg.folded.strip())
        if not m:
            continue
        rest = m.group("rest") or ""
        dates = find_dates(rest)
        if rest.strip() and not (dates and len(rest.strip()) - (dates[0].end - dates[0].start) < 8):
            continue  # more words than a date: a sentence, not a stamp
        if _amount_beside(seg, layout):
            continue  # "Paid      $0.00": the label of an amount
        return PaidStamp(seg.text.strip(), dates[0].value if dates else None, seg.page)
    return None


def _amount_beside(seg: Segment, layout: Layout) -> bool:
    """An amount printed to the right of ``seg`` on its line."""
    return any(s.x0 > seg.x1 and find_amounts(s.text) for s in layout.lines[seg.line])
