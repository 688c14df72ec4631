"""Invoices without VAT, and the numbers of a page that are no amounts.

An invoice without VAT says why in words ("TVA non applicable, art. 293 B du CGI", "Kein
Ausweis von Umsatzsteuer, da Kleinunternehmer gemäß § 19 UStG", "BTW verlegd"): that line names
no tax amount, and the article numbers of a law reference ("art. 293 B", "§ 19", "section 31")
or a count of something ("binnen 14 dagen", "12 rate") are never amounts. ``totals`` reads its candidates
through these.
"""

from __future__ import annotations

import re

from billabex_core.extraction.amounts import Amount, find_amounts
from billabex_core.extraction.labels import LabelHit
from billabex_core.extraction.layout import Layout
from billabex_core.extraction.vocab import fold, language, phrases, role_labels, title_pattern, vocab_cache


@vocab_cache
def _exemption() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(words that say it alone, a qualifier and a tax label in one clause: at most three words
    apart, no punctuation between — "TVA non applicable", "exonération de TVA", "Operazione in
    franchigia da IVA", not "Escompte : non applicable - TVA sur les débits")."""
    alone = phrases("tax_exemption_words").pattern
    qualifier = phrases("tax_exemption_qualifiers").pattern
    tax = role_labels("tax_amount").pattern
    gap = r"(?:\s+[\w']+){0,3}?\s+"
    return re.compile(alone), re.compile(rf"(?:{tax}){gap}(?:{qualifier})|(?:{qualifier}){gap}(?:{tax})")


def exemption_segments(layout: Layout) -> set[int]:
    """The cells (``id``) saying that no tax applies and holding no money amount: words that say
    it alone ("Autoliquidation", "Reverse charge", "BTW verlegd", "Kleinunternehmer"), or a
    qualifier beside a tax word ("TVA non applicable", "VAT exempt"). Their tax label names no
    tax amount, their whole numbers are no amounts."""
    alone, clause = _exemption()
    return {
        id(seg)
        for seg in layout.segments
        if (alone.search(seg.folded) or clause.search(seg.folded))
        and not any(a.has_decimals for a in find_amounts(seg.text))
    }


def names_no_tax(hit: LabelHit, exempt: set[int]) -> bool:
    """A tax label that names no tax amount: in a cell saying no tax applies, or the start of a
    document title ("TAX INVOICE")."""
    if id(hit.segment) in exempt:
        return True
    return any(
        title_pattern(kind).match(hit.segment.folded, hit.start) for kind in ("invoice", "credit_note")
    )


@vocab_cache
def _law_reference() -> re.Pattern[str]:
    """A law reference's word right before a number ("art. 293 B", "§ 19 UStG", "section 31")."""
    words = "|".join(re.escape(fold(w)) for w in language()["law_reference_words"])
    return re.compile(rf"(?:(?<!\w)(?:{words})\.?|§)\s*$")


_COUNTED = re.compile(r"\s*[^\W\d_]")


def not_money(text: str, amount: Amount) -> bool:
    """A whole number that is no amount: a law's article ("art. 293 B", "§ 19 UStG"), a count of
    days ("Te betalen binnen 14 dagen") or of anything a word names after it ("a 30 gg d.f.",
    "in 12 rate mensili")."""
    if amount.has_decimals or amount.currency:
        return False
    folded = fold(text)
    if _COUNTED.match(folded, amount.end):
        return True
    return bool(_law_reference().search(folded[: amount.start]))
