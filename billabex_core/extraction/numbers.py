"""The document number: the label decides.

A number label is a few words before the value holding a number word ("n°", "no", "nr", "#",
"number", "nummer", "numéro"), alone or with a document word ("Facture n°", "Rechnungsnr.",
"INV#"), or a number label of the vocabulary. A label holding a word that names something else
("client", "commande", "ligne", "Kunde", "Bestellung", "order", "customer", "TVA", "page", a
credited invoice's "origine") never gives the document number, wherever it stands.

Candidates, best first: a document word with a number word; a vocabulary label; a title
followed by its number ("INVOICE I/00000"); a title alone in its cell with the number beside or
below it ("Factuur" over "2024-001"); the biggest text of page 1 with an identifier of the same
size beside or below it (a title the vocabularies lack); a bare number word ("No. 123");
"Nr. X vom <date>"; on a credit note, a label naming another invoice ("N° de facture liée").
Among equals, page 1 and the topmost line win. The words are data (``language.json``:
``number_words``, ``document_words``, ``not_number_words``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from billabex_core.extraction.amounts import find_amounts
from billabex_core.extraction.dates import find_dates
from billabex_core.extraction.labels import Found, LabelHit, Neighbours
from billabex_core.extraction.layout import Layout, Segment
from billabex_core.extraction.vocab import bounded_vocab_cache, fold, language, title_pattern, vocab_cache

_ID_TOKEN = re.compile(
    r"(?<![\w/.-])([A-Z0-9][A-Z0-9_./-]*\d[A-Z0-9_./-]*|[A-Z0-9]*\d[A-Z0-9_./-]*)(?![\w])", re.I
)
_ID_PREFIX = re.compile(r"^(?:(?:n[°ºo]|nr|no|num|nummer|number|#|:|\(\d{3}\))\.?\s*)+", re.I)
_SPLIT_ID = re.compile(r"([A-Z]{1,4}) (\d[\w/.-]*\d)(?![\w])")  # "FV 7/2021"
TOKEN = re.compile(r"[^\W_]+(?:[°º]|\.(?=\s|$))?|#")
# The word "number" of most European languages shares its root: numéro, número, numero, number,
# nummer, numer, numeris, numurs — a number word even where the vocabulary lacks that language.
_NUM = re.compile(r"num[a-z]{0,5}")
TITLE_SIZE = 1.4  # a title stands out: this many times the height of the page's median text
MAX_LABEL_WORDS = 5  # a longer run of words before a value is a sentence, not a label

SCORE_DOCUMENT_LABEL = 3.0
SCORE_VOCABULARY = 2.5
SCORE_TITLE_VALUE = 2.2
SCORE_TITLE_CELL = 1.8
SCORE_BIG_TITLE = 1.7
SCORE_BARE_LABEL = 1.5
SCORE_DATED = 1.2
SCORE_ANOTHER_INVOICE = 0.5


def parse_id(text: str, *, short_ok: bool = False, dates_ok: bool = False) -> tuple[str, int, int] | None:
    """A document number: the first token with a digit that is not a date or an amount.

    ``short_ok`` accepts a number of one or two characters when "#", "No." or "N°" stands just
    before it ("#1"). A date is refused unless "#" is glued to it or ``dates_ok`` (a label that
    names the invoice number: "Numer faktury 2/11/2023").
    """
    prefix = _ID_PREFIX.match(text)
    offset = prefix.end() if prefix else 0
    split = _SPLIT_ID.match(text, offset)
    if split:
        return split.group(0), split.start(), split.end()
    m = _ID_TOKEN.search(text, offset)
    if not m or m.start() - offset > 3:
        return None
    token = m.group(1).rstrip("./-")
    explicit = prefix is not None and bool(prefix.group(0).strip(" :"))
    if len(token) < (1 if short_ok and explicit else 3) or re.fullmatch(r"\d{1,3}([.,]\d{2})", token):
        return None
    hashed = m.start() > 0 and text[m.start() - 1] == "#"
    dates = [] if dates_ok or hashed else find_dates(text[m.start() :])
    if dates and dates[0].start == 0 and dates[0].end >= len(token):
        return None
    return token, m.start(), m.start() + len(token)


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
    return SCORE_DOCUMENT_LABEL if documented else SCORE_BARE_LABEL


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


@dataclass(frozen=True)
class Candidate:
    found: Found[str]
    score: float

    @property
    def rank(self) -> tuple[float, int, int]:
        return (-self.score, self.found.segment.page, self.found.segment.line)


def value_after(seg: Segment, start: int, nb: Neighbours, *, dates_ok: bool = False) -> Found[str] | None:
    """The number after a label ending at ``start``: in the segment, to its right, or below."""
    rest = seg.text[start:]
    got = parse_id(rest, short_ok=True, dates_ok=dates_ok)
    if got:
        return Found(got[0], seg, start + got[1], start + got[2])
    if rest.strip(" :.-–#/()*"):
        return None  # words after the label that are not a number
    for s in nb.right_of(seg, 1):
        got = parse_id(s.text, short_ok=True, dates_ok=dates_ok)
        if got:
            return Found(got[0], s, got[1], got[2])
    for s in nb.below(seg, 2)[:1]:
        got = parse_id(s.text, short_ok=True, dates_ok=dates_ok)
        if got and not is_amount(s.text[got[1] : got[2]]):
            return Found(got[0], s, got[1], got[2], below=True)
    return None


def is_amount(token: str) -> bool:
    """A token that reads as money (decimals or a currency), not as a number."""
    return any(a.has_decimals or a.currency for a in find_amounts(token))


def label_end(seg: Segment) -> int:
    """Where the label part of a segment ends: at its first word with a digit ("N°123" keeps
    its "N°"), else at its end."""
    m = re.search(r"(?<!\()\b\S*\d(?!\d*\))", seg.text)  # "(380)", a type code, is part of the label
    if not m:
        return len(seg.text)
    glued = re.match(r"(?:n[°º]|#)[:.]?", m.group(0), re.I)
    if glued:
        return m.start() + glued.end()
    letters = re.search(r"(?<=\s)[A-Z]{1,4} $", seg.text[: m.start()])  # "Faktura nr FV 7/2021"
    return letters.start() if letters and letters.start() > 0 else m.start()


def labelled_candidates(
    layout: Layout, hits: list[LabelHit], nb: Neighbours, *, credit: bool = False
) -> list[Candidate]:
    """Every number read after a number label (generic or from the vocabulary); on a credit
    note (``credit``), a label naming an invoice with a word of its own ("N° de facture liée")
    names the credited invoice: last, taken only when nothing else numbers the document
    ("Corrected invoice No." on a credit note)."""
    vocab_hits = {id(h.segment): h for h in hits if h.role == "number"}
    foreign = {id(h.segment) for h in hits if h.role == "credited"}
    out = []
    for seg in layout.segments:
        if id(seg) in foreign:
            continue
        end = label_end(seg)
        score = label_score(seg.text[:end])
        hit = vocab_hits.get(id(seg))
        if (
            hit is not None
            and hit.end <= max(end, hit.end)
            and not classify_label(seg.text[: max(end, hit.end)])[2]
        ):
            score = max(score or 0.0, SCORE_VOCABULARY)
            end = max(end, hit.end)
        if score is None:
            continue
        if credit and names_another_invoice(seg.text[:end]):
            score = SCORE_ANOTHER_INVOICE
        found = value_after(seg, end, nb, dates_ok=score >= SCORE_VOCABULARY)
        if found is not None:
            out.append(Candidate(found, score))
    return out


def _title_candidates(layout: Layout, nb: Neighbours) -> list[Candidate]:
    """ "INVOICE I/00000", "Avoir AV-1": a title and its number; a title alone in its cell."""
    out = []
    for seg in layout.segments:
        for kind in ("credit_note", "invoice"):
            m = title_pattern(kind).match(seg.folded)
            if not m:
                continue
            rest = seg.text[m.end() :]
            if rest.strip(" .:"):
                stripped = len(rest) - len(rest.lstrip(" :"))
                got = parse_id(rest.lstrip(" :"), short_ok=rest.lstrip(" :").startswith(("#", "N", "n")))
                if got:
                    start = m.end() + stripped
                    found = Found(got[0], seg, start + got[1], start + got[2])
                    out.append(Candidate(found, SCORE_TITLE_VALUE))
            elif seg.page == 1:
                cell = value_after(seg, len(seg.text), nb)
                if cell is not None and not is_amount(cell.segment.text[cell.start : cell.end]):
                    out.append(Candidate(cell, SCORE_TITLE_CELL))
            break
    return out


def _big_title_candidates(layout: Layout, nb: Neighbours) -> list[Candidate]:
    """The biggest text of page 1 as a title, whatever its language ("FACTURA", "Számla",
    "Račun"), when it stands out (``TITLE_SIZE`` times the median text): up to three words
    without a digit, alone in their cell; an identifier printed in the same size beside or just
    under them, alone in its cell, is the document's number."""
    first = [s for s in layout.segments if s.page == 1]
    heights = sorted(s.height for s in first)
    if not heights or heights[-1] < TITLE_SIZE * heights[len(heights) // 2]:
        return []  # no text stands out as a title
    tallest = heights[-1]
    for seg in first:
        if seg.height < tallest * 0.95 or len(seg.words) > 3 or any(c.isdigit() for c in seg.text):
            continue
        for cell in nb.right_of(seg, 1) + nb.below(seg, 1)[:1]:
            got = parse_id(cell.text)
            if (
                got
                and not cell.text[got[2] :].strip()
                and abs(cell.height - seg.height) <= 0.15 * seg.height
                and not is_amount(got[0])
            ):
                found = Found(got[0], cell, got[1], got[2], below=cell.line != seg.line)
                return [Candidate(found, SCORE_BIG_TITLE)]
    return []


@vocab_cache
def _dated_number() -> re.Pattern[str]:
    dated = "|".join(re.escape(fold(w)) for w in language()["dated_words"])
    return re.compile(rf"\b(?:nr|no|n°|nº|num)\.?\s*(\S+)\s+(?:{dated})\s+", re.I)


def line_view(line: list[Segment]) -> tuple[str, list[int]]:
    """The segments of one line joined by a space, with the start offset of each segment.

    OCR splits "Rechnung | Nr. 123 | vom | 30.10.2019" into several segments where the text
    layer keeps one, so rules that read a phrase across it work on the whole line.
    """
    starts, pos = [], 0
    for seg in line:
        starts.append(pos)
        pos += len(seg.text) + 1
    return " ".join(seg.text for seg in line), starts


def found_in_line(value, line: list[Segment], starts: list[int], start: int, end: int) -> Found:
    """A value read at [start, end) of a line view, located in the segment holding its start."""
    index = max(i for i, s in enumerate(starts) if s <= start)
    seg, offset = line[index], starts[index]
    return Found(value, seg, start - offset, min(len(seg.text), end - offset))


def _dated_candidates(layout: Layout) -> list[Candidate]:
    """ "... Nr. TX-471102 vom 30.10.2019": a number followed by its date."""
    for line in layout.lines:
        text, starts = line_view(line)
        for m in _dated_number().finditer(text):
            got = parse_id(m.group(1))
            rest = find_dates(text[m.end() :])
            if got and got[2] == len(m.group(1).rstrip(".,")) and rest and rest[0].start == 0:
                found = found_in_line(got[0], line, starts, m.start(1), m.start(1) + got[2])
                return [Candidate(found, SCORE_DATED)]
    return []


def find_number(
    layout: Layout, hits: list[LabelHit], nb: Neighbours, *, credit: bool = False
) -> tuple[Found[str], float] | None:
    """The document number and a confidence (``credit``: the document is a credit note)."""
    cands = labelled_candidates(layout, hits, nb, credit=credit)
    cands += _title_candidates(layout, nb) + _big_title_candidates(layout, nb) + _dated_candidates(layout)
    if not cands:
        return None
    best = min(cands, key=lambda c: c.rank)
    return best.found, min(0.9, 0.3 + 0.2 * best.score)
