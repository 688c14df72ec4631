"""VAT numbers and SIRENs printed on the page, and whose they are.

A VAT id is read when python-stdnum validates it, or when a VAT label stands on its line and it
has the shape of one (a number printed with a bad checksum is read as printed: the Review
screen warns, and it is not used to match accounts). It is the buyer's when a buyer VAT label
("TVA client", "Ihre USt-IdNr.") is on its line or heads its column, when its label holds a
buyer word ("Customer VAT", "VAT client": ``buyer_words``), or when it is printed inside the
buyer's address block; it is the seller's when it is the organisation's, else the first one
that is not the buyer's. A SIREN or SIRET printed in the buyer's block is the buyer's; a French
VAT id gives its SIREN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from billabex_core.extraction.labels import Found, LabelHit, Neighbours
from billabex_core.extraction.layout import Layout, Segment
from billabex_core.extraction.normalize import clean_vat, siren_from_vat, valid_siren, valid_vat
from billabex_core.extraction.vocab import fold, language, vocab_cache

_VAT_CC = "AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|GB|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK|XI|CHE"
_VAT_RE = re.compile(rf"(?<![A-Za-z0-9])({_VAT_CC})[ ]?((?:[0-9A-Z]{{1,12}}[ .]?){{1,5}})")
_VAT_LABEL = re.compile(
    r"(?<!\w)(tva|vat|ust|btw|iva|mwst|umsatzsteuer|steuer-?id|tax id|partita|dic|nif|cif)", re.I
)
# a VAT number printed without its country code, after the label its country prints it under
# ("NIP: 123-456-78-90", "P.IVA 01234567890", "CIF: B12345678"): its shape without the code
_NATIONAL_SHAPE = {"PL": r"\d{10}", "IT": r"\d{11}", "ES": r"[A-Z0-9]\d{7}[A-Z0-9]"}
_SIREN = re.compile(r"\b(?:siren|siret|rcs)\b\D{0,20}?(\d{3} ?\d{3} ?\d{3})(?: ?\d{5})?", re.I)
BLOCK_LINES = 10  # lines under a party name that still belong to its block


def opens_with_vat(text: str) -> bool:
    """Whether ``text`` starts with a VAT number, after punctuation ("P.IVA: IT02569110949":
    the tax label names an identifier, not an amount)."""
    m = _VAT_RE.match(text.lstrip(" :.#-"))
    return bool(m and sum(c.isdigit() for c in m.group(2)) >= 8)


def _header_above(seg: Segment, layout: Layout) -> list[Segment]:
    """The cell just above a value in a table ("USt-IdNr. Kunde" over "DE123456789")."""
    if seg.line == 0:
        return []
    return [
        s
        for s in layout.lines[seg.line - 1]
        if s.page == seg.page and abs(s.x0 - seg.x0) < 30 and seg.top - s.bottom < 3 * seg.height
    ]


def _label_text(seg: Segment, start: int, layout: Layout) -> str:
    """What labels a value: the cells to its left, its segment before it, the header above it."""
    left = [s.text for s in layout.lines[seg.line] if s.x1 <= seg.x0 + 1]
    return fold(" ".join([*left, seg.text[:start], *(s.text for s in _header_above(seg, layout))]))


def find_vats(layout: Layout) -> list[Found]:
    """Every VAT number of the page (valid, or labelled and VAT-shaped), in reading order; found
    once per layout, as the seller's and the buyer's finders both ask."""
    if "vats" not in layout.memo:
        layout.memo["vats"] = _find_vats(layout)
    return list(layout.memo["vats"])


@vocab_cache
def _national_vat() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for country, words in language()["national_vat_labels"].items():
        names = "|".join(
            re.escape(fold(w)).replace(r"\ ", r"\s*") for w in sorted(words, key=len, reverse=True)
        )
        out.append(
            (
                country,
                re.compile(rf"(?<!\w)(?:{names})(?!\w)\s*[:.]?\s*(?P<v>[0-9a-z][0-9a-z -]{{7,16}}[0-9a-z])"),
            )
        )
    return out


def _national_vats(seg: Segment, countries: dict[str, str]) -> list[Found]:
    """A VAT number without its country code after its country's label, as printed (its
    country kept in ``countries``)."""
    found = []
    for country, pattern in _national_vat():
        for m in pattern.finditer(seg.folded):
            raw = seg.text[m.start("v") : m.end("v")]
            for cut in range(len(raw), 0, -1):  # "NIP: 1234567890 Bank" ends at the number
                value = re.sub(r"[ -]", "", raw[:cut]).upper()
                if re.fullmatch(_NATIONAL_SHAPE[country], value) and (cut == len(raw) or raw[cut] == " "):
                    found.append(Found(value, seg, m.start("v"), m.start("v") + cut))
                    countries[value] = country
                    break
    return found


def vat_country(layout: Layout, vat: str) -> str | None:
    """The country of a VAT number of the page: its code, or its label's ("NIP": Poland)."""
    if vat[:2].isalpha():
        return vat[:2].replace("EL", "GR")
    find_vats(layout)  # (once per layout) keeps the label's country of each national number
    country: str | None = layout.memo["national_vats"].get(vat)
    return country


def _find_vats(layout: Layout) -> list[Found]:
    out = []
    countries = layout.memo.setdefault("national_vats", {})
    for seg in layout.segments:
        out += _national_vats(seg, countries)
        for m in _VAT_RE.finditer(seg.text):
            raw = m.group(0)
            labelled = bool(_VAT_LABEL.search(" ".join(s.text for s in layout.lines[seg.line])))
            labelled = labelled or bool(_VAT_LABEL.search(_label_text(seg, m.start(), layout)))
            for cut in range(len(raw), 6, -1):
                vat = clean_vat(raw[:cut])
                if valid_vat(vat) or (
                    labelled
                    and re.fullmatch(r"[A-Z]{2,3}[0-9A-Z]{8,12}", vat)
                    and cut == len(raw.rstrip(" ."))
                ):
                    out.append(Found(vat, seg, m.start(), m.start() + cut))
                    break
    return out


def block_region(name: Segment, layout: Layout) -> set[int]:
    """The segments of a party's block: the lines under its name starting near its x."""
    region = {id(name)}
    last_bottom = name.bottom
    for idx in range(name.line + 1, min(len(layout.lines), name.line + 1 + BLOCK_LINES)):
        cells = [s for s in layout.lines[idx] if s.page == name.page and name.x0 - 40 <= s.x0 <= name.x0 + 40]
        if not cells:
            continue
        if cells[0].top - last_bottom > 3 * name.height:
            break
        region.update(id(c) for c in cells)
        last_bottom = max(c.bottom for c in cells)
    return region


@vocab_cache
def _buyer_words() -> re.Pattern[str]:
    words = "|".join(re.escape(fold(w)) for w in language()["buyer_words"])
    return re.compile(rf"(?<!\w)(?:{words})")


@dataclass(frozen=True)
class Owners:
    """Which VAT id is whose."""

    buyer: Found | None
    seller: Found | None


def _buyer_labelled(v: Found, layout: Layout, buyer_vat_segments: set[int], nb: Neighbours) -> bool:
    seg = v.segment
    line = layout.lines[seg.line]
    if any(id(s) in buyer_vat_segments for s in line if s.x0 <= seg.x0):
        return True
    if any(id(s) in buyer_vat_segments for s in _header_above(seg, layout)):
        return True  # a column headed "USt-IdNr. Kunde"
    label = _label_text(seg, v.start, layout)
    if _VAT_LABEL.search(label) and _buyer_words().search(label):
        return True
    return _under_buyer_heading(seg, layout)


def _under_buyer_heading(seg: Segment, layout: Layout) -> bool:
    """A few lines under a heading of the same column that names the buyer ("Vos identifiants",
    "Customer details") with nothing but short lines between."""
    for idx in range(seg.line - 1, max(-1, seg.line - 5), -1):
        above = [s for s in layout.lines[idx] if s.page == seg.page and abs(s.x0 - seg.x0) < 30]
        for s in above:
            if _buyer_words().search(s.folded) and len(s.text) < 40 and not _VAT_RE.search(s.text):
                return True
    return False


def vat_owners(
    layout: Layout, hits: list[LabelHit], nb: Neighbours, buyer_region: set[int], org_vat: str | None
) -> Owners:
    vats = find_vats(layout)
    buyer_vat_segments = {id(h.segment) for h in hits if h.role == "buyer_vat"}
    buyer = next(
        (v for v in vats if v.value != org_vat and _buyer_labelled(v, layout, buyer_vat_segments, nb)), None
    ) or next((v for v in vats if v.value != org_vat and id(v.segment) in buyer_region), None)
    seller = next(
        (
            v
            for v in vats
            if (org_vat is None or v.value == org_vat) and (buyer is None or v.value != buyer.value)
        ),
        None,
    )
    return Owners(buyer, seller)


def seller_siren(
    layout: Layout, seller_vat: Found | None, org_siren: str | None, buyer_region: set[int]
) -> Found | None:
    if seller_vat and siren_from_vat(str(seller_vat.value)):
        return Found(
            siren_from_vat(str(seller_vat.value)), seller_vat.segment, seller_vat.start, seller_vat.end
        )
    for seg in layout.segments:
        m = _SIREN.search(seg.text)
        if m and id(seg) not in buyer_region and valid_siren(m.group(1).replace(" ", "")):
            siren = m.group(1).replace(" ", "")
            if not org_siren or org_siren == siren:
                return Found(siren, seg, m.start(1), m.end(1))
    return None


def buyer_siren(layout: Layout, buyer_vat: Found | None, buyer_region: set[int]) -> Found | None:
    """The buyer's SIREN as printed in its block (a bad checksum included: Review warns), else
    the one in its French VAT id."""
    for seg in layout.segments:
        if id(seg) in buyer_region:
            m = _SIREN.search(seg.text)
            if m:
                return Found(m.group(1).replace(" ", ""), seg, m.start(1), m.end(1))
    if buyer_vat and siren_from_vat(str(buyer_vat.value)):
        return Found(siren_from_vat(str(buyer_vat.value)), buyer_vat.segment, buyer_vat.start, buyer_vat.end)
    return None
