"""The lines of a party block: names, postcode lines, countries, contact and attention lines.

A party block is the name and postal address of the seller or the buyer, printed as a few lines
starting at the same x. These helpers say what each line is and read the name and the address.
"""

from __future__ import annotations

import re
from functools import cache

from babel import Locale

from billabex_core.extraction.labels import Found
from billabex_core.extraction.layout import Layout, Segment
from billabex_core.extraction.vocab import fold, language, vocab_cache

POSTCODE_LINE = re.compile(  # a year after "06.12." or "06/12/" is a date, not a postcode
    r"(?<![\w-])(?<!\d[./])(?:[A-Z]{1,2}[- ]?)?\d{4,6}(?:[ ][A-Z]{2})?[ ,]+[^\W\d_]|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b|\b[A-Z]\d{2} ?[A-Z0-9]{4}\b"
    r"|(?:^|,\s*|\s)[A-Z]{2}\s+\d{5}(?:-\d{4})?$"  # "East Steven, MI 89330", "NY 10001"
    r"|(?<![\w-])(?:\d{3} \d{2}|\d{2}-\d{3}|\d{4}-\d{3})\s+[^\W\d]"  # "747 70 Opava", "22-222 Gdynia"
)
_SURNAME_FIRST = re.compile(r"[^\W\d_][\w'-]+, [^\W\d_][\w'-]+")  # "Steel, Laura"
CONTACT = re.compile(r"@|https?:|www\.|\btel\b|\bt[ée]l[ée]?phone\b|\bphone\b|\bfax\b|\+\d", re.I)
_LANGS = ("fr", "en", "de", "nl", "es", "it")


@cache
def _country_names() -> dict[str, str]:
    table: dict[str, str] = {}
    for lang in _LANGS:
        for code, name in Locale(lang).territories.items():
            if len(code) == 2 and code.isalpha():
                table[fold(name)] = code
    table.update(
        {
            "deutschland": "DE",
            "usa": "US",
            "uk": "GB",
            "great britain": "GB",
            "holland": "NL",
            "hong kong": "HK",
            "macau": "MO",
            "united states of america": "US",
            "u.s.a.": "US",
            "england": "GB",
            "scotland": "GB",
            "wales": "GB",
            "the netherlands": "NL",
        }
    )
    return table


def country_in(text: str) -> str | None:
    folded = fold(text).strip(" ,.-")
    names = _country_names()
    for part in re.split(r"\s+-\s+|,\s*", folded):
        if part.strip() in names:
            return names[part.strip()]
    m = re.match(r"^([A-Z]{2})[- ]\d{4,5}\b", text.strip()) or re.search(r",\s*([A-Z]{2})$", text.strip())
    if m and m.group(1) in Locale("en").territories:
        return m.group(1)
    return None


def clean_name(text: str) -> str | None:
    if text.rstrip().endswith(":"):
        return None  # a label
    if text.strip().startswith("(") and text.strip().endswith(")"):
        return None  # a remark in brackets
    text = text.strip(" :,-")
    folded = fold(text)
    for prefix in language()["attention_prefixes"]:
        if folded.startswith(prefix + " ") or (prefix.endswith(":") and folded.startswith(prefix)):
            text, folded = text[len(prefix) :].strip(" :"), folded[len(prefix) :].strip(" :")
    if len(text) < 2 or not re.search(r"[^\W\d_]{2}", text):
        return None
    digits = sum(c.isdigit() for c in text)
    if digits > len(text) * 0.3 or CONTACT.search(text) or POSTCODE_LINE.search(text):
        return None
    if re.search(r"[^\W\d]\.?\s*:\s+\S", text):
        return None  # "Sold by : ACME", "Ref.: 12": a label and its value
    comma = re.search(r",\s", text) and not re.search(r",\s*(inc|ltd|llc|s\.?a|gmbh|kg)\b", folded)
    if comma and (not _SURNAME_FIRST.fullmatch(text) or country_in(text)):
        return None  # "contact, department" or "street, city": not a name ("Steel, Laura" is)
    return text


def is_sentence(text: str) -> bool:
    """A line of prose: a full stop after a word, then a capital ("Cupcake ipsum dolor sit
    amet. I love …", "Handwerk seit 1998 mit Sorgfalt. Kostenloses Angebot …"), in a line of six
    words or more ("Att. Jonas Weber", "Acme Inc. Dallas" are not)."""
    return len(text.split()) >= 6 and bool(re.search(r"[^\W\d_]{3}\.\s+[A-Z]", text))


def parse_name(text: str) -> tuple[str, int, int] | None:
    name = clean_name(text)
    if not name:
        return None
    start = text.find(name)
    return name, max(start, 0), max(start, 0) + len(name)


def block_below(seg: Segment, layout: Layout, max_lines: int = 6, x0: float | None = None) -> list[Segment]:
    """Segments under ``seg`` starting at the same x (or at ``x0``: the name after a label on
    its line, "Client : ACME"), an address block, top to bottom."""
    out: list[Segment] = []
    last = seg
    left = seg.x0 if x0 is None else x0
    pitch: float | None = None  # line spacing inside the block: a wider gap ends it
    skipped = 0  # rows of another column since the last line: one of them widens the gap
    for idx in range(seg.line + 1, min(len(layout.lines), seg.line + 1 + 2 * max_lines)):
        nxt = [
            s
            for s in layout.lines[idx]
            if min(abs(s.x0 - left), abs(s.x0 - seg.x0)) < 8 and s.page == seg.page
        ]
        if not nxt:
            skipped += 1  # a line of another column
            continue
        rows = 1 + min(skipped, 1) if pitch is not None else 1
        skipped = 0
        step = nxt[0].top - last.top
        if nxt[0].top - last.bottom > 2.2 * rows * last.height or len(out) >= max_lines:
            break
        if pitch is not None and step > 1.6 * rows * pitch:
            break
        pitch = step if pitch is None else min(pitch, step)
        out.append(nxt[0])
        last = nxt[0]
    return out


def address(
    name_seg: Segment, layout: Layout, x0: float | None = None
) -> tuple[str | None, str | None, Segment | None]:
    parts: list[str] = []
    country, last = None, None
    lines = block_below(name_seg, layout, x0=x0)
    for i, s in enumerate(lines):
        code = country_in(s.text)
        if code and not POSTCODE_LINE.search(s.text):
            country, last = code, s
            break
        if CONTACT.search(s.text) or is_attention(s.text):
            continue
        parts.append(s.text.strip(" ,"))
        last = s
        if POSTCODE_LINE.search(s.text) and not _house_number(s, lines[i + 1 : i + 2]):
            country = country or country_in(s.text)
            after = block_below(s, layout, 1)
            if after and country_in(after[0].text):
                country, last = country_in(after[0].text), after[0]
            break
    else:
        if not any(POSTCODE_LINE.search(p) for p in parts):
            return None, None, None
    return (", ".join(parts) or None), country, last


def _house_number(line: Segment, after: list[Segment]) -> bool:
    """A street whose house number looks like a postcode ("2558 Michael Mills") before the
    line that holds the postcode ("East Steven, MI 89330", "NY 10001")."""
    return is_street(line.text) and bool(after) and bool(POSTCODE_LINE.search(after[0].text))


STREET = re.compile(
    r"^\d{1,5}\s?[a-z]?\b[ ,]+[^\W\d]|[^\W\d]{3,}\.?\s+\d{1,5}\s?[a-z]?$"
    r"|\b(?:str\.|strasse|straße|weg|gasse|platz|allee|rue|avenue|av\.|boulevard|bd|chemin|street|st\.?$|road|rd\.?$"
    r"|lane|drive|laan|straat|calle|avenida|via|viale|piazza|po box|postfach|bp)\b",
    re.I,
)


def is_street(text: str) -> bool:
    """A street or post-box line ("12 rue de la Paix", "Musterstr. 11", "PO Box 16122")."""
    return bool(STREET.search(fold(text).strip(" ,")))


def _starts_with(folded: str, prefixes: list[str]) -> bool:
    return any(folded == p or folded.startswith(p + " ") or folded.startswith(p + ":") for p in prefixes)


def is_salutation(text: str) -> bool:
    """A line that is only a form of address ("Herrn", "Mr.", "Madame"): part of the name below."""
    return fold(text).strip(" .,:") in language()["salutations"]


def is_attention(text: str) -> bool:
    """A contact or attention line ("Attn: ...", "z. Hd. ...", "Contact ..."), or "Firma" alone."""
    folded = fold(text).strip(" ,")
    return folded.strip(" .:") in language()["block_fillers"] or _attention_prefixed(folded)


def _attention_prefixed(folded: str) -> bool:
    lang = language()
    return _starts_with(
        folded.strip(" ,"), [p.rstrip(":") for p in (*lang["attention_prefixes"], *lang["contact_prefixes"])]
    )


_LABELLED = re.compile(r"^[^\W\d_][^\W\d_.'/-]*\.?\s*:\s*(?=\S)")  # "ATTN: ", "Attention: "


def labelled_name(seg: Segment) -> Found | None:
    """The name after a one-word label and a colon ("ATTN: ACME Ltd", "Attention: John Doe"),
    whatever the label's language: an attention or contact line's person or company."""
    m = _LABELLED.match(seg.text.strip())
    if not m or is_street(seg.text):
        return None
    start = seg.text.index(m.group(0)) + len(m.group(0))
    got = parse_name(seg.text[start:])
    return Found(got[0], seg, start + got[1], start + got[2]) if got else None


def _salutation_shaped(seg: Segment, nxt: Segment | None) -> bool:
    """A line that is one short capitalised word ("Herrn", "Mr.", "Sra.") over a name of two
    words or more reads as a form of address, in any language."""
    word = seg.text.strip()
    if (
        nxt is None
        or is_attention(word)
        or not re.fullmatch(r"[^\W\d_][^\W\d_]{1,4}\.?", word)
        or not word[0].isupper()
    ):
        return False
    got = parse_name(nxt.text)
    return got is not None and len(got[0].split()) >= 2 and not is_street(nxt.text)


def wrapped_name(name: Found[str], below: list[Segment]) -> Found[str]:
    """A name set on two lines: the line under it, at its left edge and in its size, that holds
    the legal form the name lacks ("Lowland Applied Research" over "Company", "MVM Musterhafter"
    over "Versicherungsverein Musterstadt a.G."), before the street or postcode line."""
    if len(below) < 2:
        return name
    nxt, after = below[0], below[1]
    text = nxt.text.strip()
    x0, top, _, bottom = name.bbox
    if (
        abs(nxt.x0 - x0) > 2
        or abs(nxt.height - (bottom - top)) > 0.2 * (bottom - top)
        or any(c.isdigit() for c in text)
        or is_street(text)
        or _attention_prefixed(fold(text))  # "Company" alone under a name completes it
        or CONTACT.search(text)
        or not (is_street(after.text) or POSTCODE_LINE.search(after.text))
        or not has_legal_form(fold(text))
        or has_legal_form(fold(str(name.value)))
    ):
        return name
    return Found(f"{name.value} {text}", name.segment, name.start, name.end)


@vocab_cache
def _legal_forms() -> re.Pattern[str]:
    forms = "|".join(re.escape(fold(w)) for w in sorted(language()["legal_forms"], key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{forms})(?!\w)")


def has_legal_form(folded: str) -> bool:
    """The text holds a legal form ("GmbH", "SARL", "Ltd", "Company")."""
    return bool(_legal_forms().search(folded))


def name_in_block(lines: list[Segment]) -> Found | None:
    """The party name of a block: its first name-like line before the postcode line.

    Contact and attention lines are passed over when a name follows them; a salutation line
    ("Herrn") is joined to the name below it ("Herrn Max Mustermann"). A block without a name
    before its street takes the name of its attention line ("Attention: John Doe"), if any.
    """
    fallback: Found | None = None
    for i, seg in enumerate(lines):
        if POSTCODE_LINE.search(seg.text) or country_in(seg.text) or is_street(seg.text):
            return fallback or next(filter(None, (labelled_name(s) for s in lines[i + 1 :])), None)
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if (is_salutation(seg.text) or _salutation_shaped(seg, nxt)) and nxt is not None:
            got = parse_name(nxt.text)
            if got:
                return Found(f"{seg.text.strip()} {got[0]}", nxt, got[1], got[2])
            continue
        if is_attention(seg.text):
            if fallback is None and (got := parse_name(seg.text)):
                fallback = Found(got[0], seg, got[1], got[2])
            continue
        got = parse_name(seg.text) if not is_sentence(seg.text) else None
        if got:
            return wrapped_name(Found(got[0], seg, got[1], got[2]), lines[i + 1 :])
        fallback = fallback or labelled_name(seg)
    return fallback
