"""Credit notes read from their words: the title that labels the credit note's own number, and
the invoice a credit note refers to when no label of the vocabulary names it.

A credit-note title followed by a number word ("AVOIR N° :", "Gutschrift Nr.:", "Credit note
no.:") labels the document's own number: the document is a credit note, though the segment ends
with a colon like a label ("Avoir :" alone, the label of an amount, does not count).

The credited invoice, best first: a label referring to another document by a referring word and
a document word ("for invoice No.", "facture d'origine n°"); a label naming an invoice with a word
of its own ("Facture liée", "N° de facture associée", "Linked invoice", "Zugehörige Rechnung",
"Faktura korygowana nr": ``numbers.names_another_invoice``); a number of origin ("Ursprungsbeleg-
Nr", "Original No.", "N° d'origine": a referring word of five letters or more — a preposition
such as "for", "zu", "pour" refers only together with a document word). The value is an
identifier alone in its cell (but for that invoice's date after it: "vom 01.03.2026"), never the
credit note's own number, never a date or an amount.
"""

from __future__ import annotations

from billabex_core.extraction.dates import find_dates
from billabex_core.extraction.labels import Found, Neighbours
from billabex_core.extraction.layout import Layout, Segment
from billabex_core.extraction.numberlabels import (
    MAX_LABEL_WORDS,
    TOKEN,
    WordSet,
    classify_label,
    label_score,
    names_another_invoice,
)
from billabex_core.extraction.numbers import is_amount, label_end, value_after
from billabex_core.extraction.vocab import fold, language, title_pattern, vocab_cache

_MAX_TITLE_WORDS = 8


def numbered_credit_title(layout: Layout) -> Segment | None:
    """A segment opening with a credit-note title that labels the document's number."""
    credit = title_pattern("credit_note")
    for seg in layout.segments:
        m = credit.match(seg.folded)
        if not m or len(seg.words) > _MAX_TITLE_WORDS:
            continue
        end = max(label_end(seg), m.end())
        if end > m.end() and label_score(seg.text[:end]) is not None and classify_label(seg.text[:end])[0]:
            return seg
    return None


@vocab_cache
def _referring() -> WordSet:
    """The referring words that refer by themselves ("original", "ursprungs"), not the
    prepositions ("for", "zu", "pour")."""
    return WordSet({fold(w) for w in language()["reference_words"] if len(w) >= 5 and " " not in w})


def _tier(label: str) -> int | None:
    """How surely a label names the credited invoice: 0 best, None not at all."""
    if not label.strip() or len(TOKEN.findall(label)) > MAX_LABEL_WORDS:
        return None
    numbered, documented, other, referring = classify_label(label)
    if other:
        return None
    if referring and documented:
        return 0
    if names_another_invoice(label):
        return 1
    if numbered and referring and any(t in _referring() for t in TOKEN.findall(fold(label))):
        return 2
    return None


def _alone(found: Found[str]) -> bool:
    """The identifier is the rest of its cell, but for the date of that invoice ("RE-2026-0815
    vom 01.03.2026", "F-2026-0042 du 01/03/2026"), and not an amount."""
    rest = found.segment.text[found.end :].strip(" .,;)")
    if rest:
        dates = find_dates(rest)
        if not dates or dates[-1].end < len(rest) or len(rest[: dates[0].start].split()) > 2:
            return False
    return not is_amount(found.value)


def find_referenced(layout: Layout, nb: Neighbours, number: str | None = None) -> Found[str] | None:
    """The number of the invoice a credit note refers to (``number``: the credit note's own)."""
    best: dict[int, Found[str]] = {}
    for seg in layout.segments:
        end = label_end(seg)
        tier = _tier(seg.text[:end])
        if tier is None or tier in best:
            continue
        found = value_after(seg, end, nb)
        if found is None or found.value == number or (tier > 0 and not _alone(found)):
            continue
        best[tier] = found
    return best[min(best)] if best else None
