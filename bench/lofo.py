"""Leave-one-family-out vocabularies: the word lists as they would be without one layout family.

The vocabularies (``billabex_core/extraction/vocab/*.json``) were written while reading the
development documents, so some entries exist only because one layout family prints them
("gesamtbeitrag", "facture affacturée n°"). To score a family with rules that never saw it,
every entry that family prints and no other family of the development sets prints is removed
(``exclusive_entries``), and the family is extracted with what is left (``without``, loaded
through ``vocab.use_vocabularies``).

That is a pessimistic reading: an entry written from general knowledge that happens to be
printed by one family only is removed too. The exceptions are reference data that the Unicode
CLDR (through Babel) holds independently of any invoice: month names (also matched by
position), ISO currency codes, currency symbols and currency names (``reference``). An entry "is printed" by a document when it matches the document's text
layer the way extraction matches it: the label pattern on the folded text (word bounded,
accents and case ignored), a regular expression for the payment-term patterns, a plain
substring for symbols such as "€".
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

# Lists whose entries are matched by position, not by text: never removed.
KEPT = {("language.json", "months"), ("language.json", "month_abbreviations")}
REGEX_LISTS = {("language.json", "terms_days")}

Path_ = tuple[str, ...]  # (file, key, [sub key...], entry)


def entries(data: dict[str, dict]) -> Iterator[Path_]:
    """Every removable string entry of the vocabularies, as a path (file, keys..., entry)."""
    for file, content in data.items():
        for key, value in content.items():
            if key.startswith("_") or (file, key) in KEPT:
                continue
            yield from (p for p in _walk((file, key), value) if not reference(p))


def _walk(path: Path_, value: Any) -> Iterator[Path_]:
    if isinstance(value, str):
        return
    if isinstance(value, list):
        for item in value:
            if isinstance(item, str):
                yield (*path, item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (list, dict)):
                yield from _walk((*path, key), item)
            else:
                yield (*path, key)  # a mapping such as currency symbol -> code: the key is the entry


@cache
def _cldr() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(ISO currency codes, currency symbols of every locale, words of currency names)."""
    from babel import Locale
    from babel.localedata import locale_identifiers

    codes = frozenset(Locale("en").currencies)
    symbols: set[str] = set()
    for ident in locale_identifiers():
        try:
            symbols.update(Locale.parse(ident).currency_symbols.values())
        except Exception:  # noqa: BLE001 - a few identifiers do not parse: skip them
            continue
    words: set[str] = set()
    for lang in ("fr", "en", "de", "nl", "es", "it"):
        loc = Locale(lang)
        for name in loc.currencies.values():
            words.update(name.lower().split())
        for forms in loc._data.get("currency_names_plural", {}).values():
            for form in forms.values():
                words.update(str(form).lower().split())
    return codes, frozenset(symbols), frozenset(words)


def reference(path: Path_) -> bool:
    """An entry that the CLDR holds: kept in every family's vocabulary."""
    codes, symbols, words = _cldr()
    key, entry = path[1], path[-1]
    if key == "currency_codes":
        return entry in codes
    if key == "currency_symbols":
        return entry in symbols
    if key == "currency_words":
        return all(w in words for w in entry.lower().split())
    return False


def matcher(path: Path_):
    """A predicate over (raw text, folded text) saying whether the document prints the entry."""
    from billabex_core.extraction.vocab import _phrase_pattern, fold

    entry = path[-1]
    if (path[0], path[1]) in REGEX_LISTS:
        pattern = re.compile(entry)
        return lambda raw, folded: bool(pattern.search(folded))
    if not any(c.isalnum() for c in entry):
        return lambda raw, folded: entry in raw
    if not any(c.isalpha() for c in entry) or len(fold(entry).strip()) < 1:
        return lambda raw, folded: entry in raw
    pattern = re.compile(_phrase_pattern(entry))
    return lambda raw, folded: bool(pattern.search(folded))


def exclusive_entries(data: dict[str, dict], texts: dict[str, list[str]]) -> dict[str, set[Path_]]:
    """family -> the entries printed by that family's documents and by no other family's."""
    from billabex_core.extraction.vocab import fold

    folded = {fam: [(t, fold(t)) for t in docs] for fam, docs in texts.items()}
    out: dict[str, set[Path_]] = {fam: set() for fam in texts}
    for path in entries(data):
        test = matcher(path)
        printed_by = [fam for fam, docs in folded.items() if any(test(raw, f) for raw, f in docs)]
        if len(printed_by) == 1:
            out[printed_by[0]].add(path)
    return out


def without(data: dict[str, dict], removed: set[Path_]) -> dict[str, dict]:
    """A copy of the vocabularies without the given entries."""
    out = copy.deepcopy(data)
    for path in removed:
        node: Any = out[path[0]]
        for key in path[1:-1]:
            node = node[key]
        if isinstance(node, list):
            node[:] = [x for x in node if x != path[-1]]
        elif isinstance(node, dict):
            node.pop(path[-1], None)
    return out


def document_text(data: bytes) -> str:
    """The text layer as extraction reads it: one line of the page per line of text."""
    from billabex_core.extraction import sniff_pdf
    from billabex_core.extraction.base import ExtractionJob
    from billabex_core.extraction.layout import build_layout
    from billabex_core.extraction.text import read_words

    pdf = sniff_pdf(data)
    words, heights = read_words(ExtractionJob(pdf))
    layout = build_layout(words, pdf.page_count, heights)
    return "\n".join(" | ".join(s.text for s in line) for line in layout.lines)
