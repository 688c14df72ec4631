"""Invoices without VAT, and the numbers of a page that are no amounts.

An invoice without VAT says why in words ("TVA non applicable, art. 293 B du CGI", "Kein
Ausweis von Umsatzsteuer, da Kleinunternehmer gemäß § 19 UStG", "BTW verlegd"): that line names
no tax amount, and the article numbers of a law reference ("art. 293 B", "§ 19", "section 31")
or a count of days ("binnen 14 dagen") are never amounts. ``totals`` reads its candidates
through these.
"""

from __future__ import annotations

import re

from billabex_core.extraction.amounts import Amount
from billabex_core.extraction.labels import LabelHit
from billabex_core.extraction.layout import Layout
from billabex_core.extraction.vocab import fold, language, phrases, title_pattern, vocab_cache


def says_untaxed(layout: Layout) -> bool:
    """Whether the page says that no VAT applies ("TVA non applicable, art. 293 B du CGI")."""
    return bool(exemption_lines(layout))


def exemption_lines(layout: Layout) -> set[int]:
    """The lines saying that no tax applies: words that say it alone ("Autoliquidation",
    "Reverse charge", "BTW verlegd", "Kleinunternehmer"), or a qualifier beside a tax word ("TVA
    non applicable", "VAT exempt" — not "Escompte : non applicable"). Their tax label names no
    tax amount."""
    alone, qualifier, tax = (
        phrases("tax_exemption_words"),
        phrases("tax_exemption_qualifiers"),
        phrases("tax_words"),
    )
    out = set()
    for i, line in enumerate(layout.lines):
        text = " ".join(s.folded for s in line)
        if alone.search(text) or (qualifier.search(text) and tax.search(text)):
            out.add(i)
    return out


def names_no_tax(hit: LabelHit, exempt: set[int]) -> bool:
    """A tax label that names no tax amount: on a line saying no tax applies, or the start of a
    document title ("TAX INVOICE")."""
    if hit.segment.line in exempt:
        return True
    return any(
        title_pattern(kind).match(hit.segment.folded, hit.start) for kind in ("invoice", "credit_note")
    )


@vocab_cache
def _law_reference() -> re.Pattern[str]:
    """A law reference's word right before a number ("art. 293 B", "§ 19 UStG", "section 31")."""
    words = "|".join(re.escape(fold(w)) for w in language()["law_reference_words"])
    return re.compile(rf"(?:(?<!\w)(?:{words})\.?|§)\s*$")


@vocab_cache
def _days_after() -> re.Pattern[str]:
    words = "|".join(re.escape(fold(w)) for w in language()["day_words"])
    return re.compile(rf"\s*(?:{words})(?!\w)")


def not_money(text: str, amount: Amount) -> bool:
    """A whole number that is no amount: a law's article ("art. 293 B", "§ 19 UStG") or a count
    of days ("Te betalen binnen 14 dagen")."""
    if amount.has_decimals or amount.currency:
        return False
    if _days_after().match(fold(text), amount.end):
        return True
    return bool(_law_reference().search(fold(text[: amount.start])))
