"""Number labels: whether the words before a value say "the document's number".

A label's words are weighed by kind: number words ("n°", "nr", "#", "Nummer", "numéro" and the
root "num" of most European languages), document words ("Facture", "Rechnungs", "INV"), words
naming another thing ("client", "commande", "Kunde", "Bestellung": never the document number)
and words referring to another document ("origine", "for invoice"). The words are data
(``language.json``: ``number_words``, ``document_words``, ``not_number_words``,
``reference_words``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from billabex_core.extraction.vocab import bounded_vocab_cache, fold, language, title_pattern, vocab_cache

TOKEN = re.compile(r"[^\W_]+(?:[°º]|\.(?=[\s:]|$))?|#")  # "n." keeps its dot, also before a colon ("N.:")
# The word "number" of most European languages shares its root: numéro, número, numero, number,
# nummer, numer, numeris, numurs — a number word even where the vocabulary lacks that language.
_NUM = re.compile(r"num[a-z]{0,5}")
MAX_LABEL_WORDS = 5  # a longer run of words before a value is a sentence, not a label

SCORE_DOCUMENT_LABEL = 3.0
SCORE_BARE_LABEL = 1.5
SCORE_QUALIFIED_LABEL = 1.4


class WordSet:
    """Words matched whole, or as the start of a compound when they have four letters or more
    ("kunden" in "kundennummer")."""

    def __init__(self, words: set[str]) -> None:
        self.exact = frozenset(words)
        stems = sorted((w for w in words if len(w) >= 4), key=len, reverse=True)
        self.stems = re.compile("|".join(re.escape(w) for w in stems) or r"(?!x)x")

    def __contains__(self, token: object) -> bool:
        return isinstance(token, str) and (token in self.exact or bool(self.stems.match(token)))

    def ends(self, token: str) -> bool:
        """The token ends with one of the words of six letters or more ("handelsrechnung")."""
        return any(len(w) >= 6 and token.endswith(w) for w in self.exact)


@dataclass(frozen=True)
class _Words:
    number: tuple[str, ...]
    document: WordSet
    other: WordSet
    reference: WordSet


@vocab_cache
def _words() -> _Words:
    lang = language()
    titles = [fold(t) for kind in ("invoice", "credit_note") for t in lang["titles"][kind]]
    document = {t for t in titles if " " not in t} | {fold(w) for w in lang["document_words"]}
    return _Words(
        tuple(sorted({fold(w) for w in lang["number_words"]}, key=len, reverse=True)),
        WordSet(document),
        WordSet({fold(w) for w in lang["not_number_words"]}),
        WordSet({fold(w) for w in lang["reference_words"]}),
    )


def _is(token: str, words: WordSet) -> bool:
    return token in words


def classify_label(label: str) -> tuple[bool, bool, bool, bool]:
    """(holds a number word, a document word, a word naming another thing, a word referring to
    another document: "for invoice No.", "facture d'origine") for a label's words."""
    words = _words()
    numbered = documented = other = referring = False
    tokens = TOKEN.findall(fold(label))
    if not any(
        t.endswith(words.number) or t.rstrip(".").endswith(words.number) or _NUM.fullmatch(t) for t in tokens
    ):
        return False, False, False, False  # no number word: nothing to weigh
    for token in tokens:
        token = token[:-1] if token.endswith(".") and len(token) > 2 else token  # "nr." is "nr"; "n." stays
        if token in words.number or _NUM.fullmatch(token):
            numbered = True
            continue
        for nw in words.number:  # "rechnungsnr", "kundennummer": a compound ending in a number word
            stem = token[: -len(nw)].rstrip("s-.") if len(nw) >= 2 and token.endswith(nw) else ""
            if len(stem) >= 2:
                numbered, token = True, stem
                break
        if _is(token, words.other):
            other = True
        elif _is(token, words.reference):
            referring = True
        elif _is(token, words.document) or words.document.ends(token):
            documented = True
    return numbered, documented, other, referring


def names_a_number(label: str) -> bool:
    """Whether a label holds a number word ("N° TVA", "VAT No.", "USt-IdNr."): what follows is
    an identifier, not an amount."""
    return classify_label(label)[0]


@bounded_vocab_cache(4096)
def label_score(label: str) -> float | None:
    """How much a label says "document number" (None: it names another number, or no number)."""
    if not label.strip() or len(TOKEN.findall(label)) > MAX_LABEL_WORDS:
        return None
    numbered, documented, other, referring = classify_label(label)
    if other or referring or not numbered:
        return None
    if documented:
        return SCORE_DOCUMENT_LABEL
    return SCORE_QUALIFIED_LABEL if _qualified(label) else SCORE_BARE_LABEL


def _qualified(label: str) -> bool:
    """A word besides the number words ("Devis n°", "Angebotsnummer", "Sąskaitos numeris"): the
    number of a thing the vocabularies cannot name, below a bare "N°" or "Nr." — the document's
    own number needs no word to say whose it is."""
    words = _words()
    tokens = (t.rstrip(".") for t in TOKEN.findall(fold(label)))
    return any(len(t) >= 3 and t not in words.number and not _NUM.fullmatch(t) for t in tokens)


@bounded_vocab_cache(4096)
def names_another_invoice(label: str) -> bool:
    """Whether a label names an invoice with a word of its own ("Facture liée", "N° de facture
    associée", "Linked invoice", "Zugehörige Rechnung"): on a credit note, the invoice it
    credits, never the credit note's own number. A plain number label ("Invoice No.", "Numéro
    de facture"), a credit-note title or a word naming another thing ("client") does not."""
    folded = fold(label)
    if not title_pattern("invoice").search(folded) or title_pattern("credit_note").search(folded):
        return False
    words, qualified = _words(), False
    for token in TOKEN.findall(folded):
        token = token.rstrip(".")
        if _is(token, words.other):
            return False
        plain = token in words.number or token.endswith(words.number) or _NUM.fullmatch(token)
        named = _is(token, words.document) or words.document.ends(token)
        qualified = qualified or not (len(token) < 3 or plain or named)
    return qualified
