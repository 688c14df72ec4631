"""Seller and buyer: names, VAT ids, SIREN, the buyer's postal address and country.

The organisation's own identity (settings) marks the seller; the buyer block follows labels
such as "Facturé à", "Bill to", "Rechnungsempfänger", else it is the address block of a
letter-style layout (the block with a postcode that is not the seller's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from babel import Locale

from billabex_core.extraction.base import OrgIdentity
from billabex_core.extraction.labels import Found, LabelHit, Neighbours
from billabex_core.extraction.layout import Layout, Segment
from billabex_core.extraction.normalize import clean_vat, siren_from_vat, valid_siren, valid_vat
from billabex_core.extraction.vocab import fold, language, title_pattern

_VAT_CC = "AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|GB|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK|XI|CHE"
_VAT_RE = re.compile(rf"(?<![A-Za-z0-9])({_VAT_CC})[ ]?((?:[0-9A-Z]{{1,12}}[ .]?){{1,5}})")
_VAT_LABEL = re.compile(r"(?<!\w)(tva|vat|ust|btw|iva|mwst|umsatzsteuer|steuer-?id|tax id|partita)", re.I)
_POSTCODE_LINE = re.compile(
    r"(?<![\w-])(?:[A-Z]{1,2}[- ]?)?\d{4,5}(?:[ ][A-Z]{2})?[ ,]+\S|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b|\b[A-Z]\d{2} ?[A-Z0-9]{4}\b"
)
_CONTACT = re.compile(r"@|https?:|www\.|\btel\b|\bt[ée]l[ée]?phone\b|\bphone\b|\bfax\b|\+\d", re.I)
_LANGS = ("fr", "en", "de", "nl", "es", "it")


@dataclass
class Parties:
    seller_name: Found | None = None
    seller_vat: Found | None = None
    seller_siren: Found | None = None
    buyer_name: Found | None = None
    buyer_address: tuple[str, Segment] | None = None
    buyer_country: tuple[str, Segment | None] | None = None
    buyer_vat: Found | None = None
    buyer_siren: Found | None = None


@cache
def _country_names() -> dict[str, str]:
    table: dict[str, str] = {}
    for lang in _LANGS:
        for code, name in Locale(lang).territories.items():
            if len(code) == 2 and code.isalpha():
                table[fold(name)] = code
    table.update({"deutschland": "DE", "usa": "US", "uk": "GB", "great britain": "GB", "holland": "NL"})
    return table


def _country_in(text: str) -> str | None:
    folded = fold(text).strip(" ,.-")
    names = _country_names()
    for part in re.split(r"\s+-\s+|,\s*", folded):
        if part.strip() in names:
            return names[part.strip()]
    m = re.match(r"^([A-Z]{2})[- ]\d{4,5}\b", text.strip()) or re.search(r",\s*([A-Z]{2})$", text.strip())
    if m and m.group(1) in Locale("en").territories:
        return m.group(1)
    return None


def find_vats(layout: Layout) -> list[Found]:
    out = []
    for seg in layout.segments:
        for m in _VAT_RE.finditer(seg.text):
            raw = m.group(0)
            for cut in range(len(raw), 6, -1):
                vat = clean_vat(raw[:cut])
                labelled = bool(_VAT_LABEL.search(" ".join(s.text for s in layout.lines[seg.line])))
                if valid_vat(vat) or (
                    labelled
                    and re.fullmatch(r"[A-Z]{2,3}[0-9A-Z]{8,12}", vat)
                    and cut == len(raw.rstrip(" ."))
                ):
                    out.append(Found(vat, seg, m.start(), m.start() + cut))
                    break
    return out


def _clean_name(text: str) -> str | None:
    if text.rstrip().endswith(":"):
        return None  # a label
    text = text.strip(" :,-")
    folded = fold(text)
    for prefix in language()["attention_prefixes"]:
        if folded.startswith(prefix + " ") or (prefix.endswith(":") and folded.startswith(prefix)):
            text, folded = text[len(prefix) :].strip(" :"), folded[len(prefix) :].strip(" :")
    if len(text) < 2 or not re.search(r"[^\W\d_]{2}", text):
        return None
    digits = sum(c.isdigit() for c in text)
    if digits > len(text) * 0.3 or _CONTACT.search(text) or _POSTCODE_LINE.search(text):
        return None
    if re.search(r",\s", text) and not re.search(r",\s*(inc|ltd|llc|s\.?a|gmbh|kg)\b", folded):
        return None  # "contact, department" or "street, city": not a name
    return text


def parse_name(text: str) -> tuple[str, int, int] | None:
    name = _clean_name(text)
    if not name:
        return None
    start = text.find(name)
    return name, max(start, 0), max(start, 0) + len(name)


def _block_below(seg: Segment, layout: Layout, max_lines: int = 6) -> list[Segment]:
    """Segments under ``seg`` starting at the same x (an address block), top to bottom."""
    out, last = [], seg
    for idx in range(seg.line + 1, min(len(layout.lines), seg.line + 1 + 2 * max_lines)):
        nxt = [s for s in layout.lines[idx] if abs(s.x0 - seg.x0) < 8 and s.page == seg.page]
        if not nxt:
            continue  # a line of another column
        if nxt[0].top - last.bottom > 2.2 * last.height or len(out) >= max_lines:
            break
        out.append(nxt[0])
        last = nxt[0]
    return out


def _address(name_seg: Segment, layout: Layout) -> tuple[str | None, str | None, Segment | None]:
    parts: list[str] = []
    country, last = None, None
    for s in _block_below(name_seg, layout):
        code = _country_in(s.text)
        if code and not _POSTCODE_LINE.search(s.text):
            country, last = code, s
            break
        if _CONTACT.search(s.text):
            continue
        parts.append(s.text.strip(" ,"))
        last = s
        if _POSTCODE_LINE.search(s.text):
            country = country or _country_in(s.text)
            after = _block_below(s, layout, 1)
            if after and _country_in(after[0].text):
                country, last = _country_in(after[0].text), after[0]
            break
    else:
        if not any(_POSTCODE_LINE.search(p) for p in parts):
            return None, None, None
    return (", ".join(parts) or None), country, last


_NAME_LABELS = ("name", "nom", "firma", "company", "raison sociale", "naam", "nombre", "nome")


def _name_after_label(hit: LabelHit, layout: Layout, nb: Neighbours) -> Found | None:
    """The party name under a heading such as "Bill to" / "Rechnungsempfänger"."""
    seg = hit.segment
    rest = seg.text[hit.end :]
    if rest.strip() and not rest.lstrip().startswith(":"):
        return None  # "Customer Number": another label that starts with a party word
    got = parse_name(rest)
    if got:
        return Found(got[0], seg, hit.end + got[1], hit.end + got[2])
    if rest.strip().startswith(":") or seg.text.rstrip().endswith(":"):
        for s in nb.right_of(seg, 1):
            got = parse_name(s.text)
            if got:
                return Found(got[0], s, got[1], got[2])
    for s in nb.below(seg, 5):
        if s.text.rstrip().endswith(":"):
            if fold(s.text).rstrip(" :") in _NAME_LABELS:
                for r in layout.lines[s.line]:
                    got = parse_name(r.text) if r.x0 > s.x1 - 1 else None
                    if got:
                        return Found(got[0], r, got[1], got[2])
            continue
        if id(s) in nb.labelled:
            continue
        got = parse_name(s.text)
        if got:
            return Found(got[0], s, got[1], got[2])
    return None


def _buyer_by_label(hits: list[LabelHit], layout: Layout, nb: Neighbours) -> Found | None:
    for hit in sorted((h for h in hits if h.role == "buyer" and h.at_start), key=lambda h: -len(h.phrase)):
        found = _name_after_label(hit, layout, nb)
        if found:
            return found
    return None


def _blocks(layout: Layout) -> list[Segment]:
    """First lines of address blocks on the top half of page 1 (a postcode line within 5 lines)."""
    heads = []
    height = layout.page_heights.get(1, 842.0)
    used: set[int] = set()
    for seg in layout.segments:
        if seg.page != 1 or seg.top > height * 0.5 or id(seg) in used:
            continue
        block = _block_below(seg, layout, 5)
        if any(_POSTCODE_LINE.search(s.text) for s in block[:5]) and parse_name(seg.text):
            heads.append(seg)
            used.update(id(s) for s in block)
    return heads


def _seller_name(
    layout: Layout, hits: list[LabelHit], nb: Neighbours, org: OrgIdentity | None
) -> Found | None:
    if org and org.name:
        key = fold(org.name)
        for seg in layout.segments:
            i = seg.folded.find(key)
            if i >= 0:
                return Found(seg.text[i : i + len(key)], seg, i, i + len(key))
    for hit in (h for h in hits if h.role == "seller" and h.at_start):
        found = _name_after_label(hit, layout, nb)
        if found:
            return found
    for seg in layout.segments[:8]:
        if title_pattern("invoice").match(seg.folded) or title_pattern("credit_note").match(seg.folded):
            continue
        got = parse_name(seg.text)
        if got:
            return Found(got[0], seg, got[1], got[2])
    return None


def find_parties(layout: Layout, hits: list[LabelHit], nb: Neighbours, org: OrgIdentity | None) -> Parties:
    p = Parties()
    p.seller_name = _seller_name(layout, hits, nb, org)
    buyer_vat_lines = {h.segment.line for h in hits if h.role == "buyer_vat"}
    vats = find_vats(layout)
    org_vat = clean_vat(org.vat) if org and org.vat else None
    for v in vats:
        if v.segment.line in buyer_vat_lines and v.value != org_vat and p.buyer_vat is None:
            p.buyer_vat = v
    for v in vats:
        if (org_vat is None or v.value == org_vat) and (p.buyer_vat is None or v.value != p.buyer_vat.value):
            p.seller_vat = p.seller_vat or v
    p.buyer_name = _buyer_by_label(hits, layout, nb)
    if p.buyer_name is None:
        heads = _blocks(layout)
        seller_key = fold(str(p.seller_name.value)) if p.seller_name else None
        others = [h for h in heads if seller_key is None or seller_key not in h.folded]
        if len(heads) >= 2 and len(others) == len(heads):
            others = others[1:]  # the first block of a letter is the sender's
        if others:
            got = parse_name(others[0].text)
            if got:
                p.buyer_name = Found(got[0], others[0], got[1], got[2])
    if p.buyer_name is not None:
        address, country, last = _address(p.buyer_name.segment, layout)
        if address:
            p.buyer_address = (address, p.buyer_name.segment)
        if country:
            p.buyer_country = (country, last)
    if p.buyer_country is None and p.buyer_vat is not None:
        p.buyer_country = (str(p.buyer_vat.value)[:2].replace("EL", "GR"), None)
    _sirens(p, layout, org)
    return p


def _sirens(p: Parties, layout: Layout, org: OrgIdentity | None) -> None:
    if p.seller_vat and siren_from_vat(str(p.seller_vat.value)):
        v = p.seller_vat
        p.seller_siren = Found(siren_from_vat(str(v.value)), v.segment, v.start, v.end)
    if p.buyer_vat and siren_from_vat(str(p.buyer_vat.value)):
        v = p.buyer_vat
        p.buyer_siren = Found(siren_from_vat(str(v.value)), v.segment, v.start, v.end)
    if p.seller_siren is None:
        for seg in layout.segments:
            m = re.search(r"\b(?:siren|siret|rcs)\b\D{0,20}?(\d{3} ?\d{3} ?\d{3})", seg.text, re.I)
            if m and valid_siren(m.group(1).replace(" ", "")):
                siren = m.group(1).replace(" ", "")
                if org is None or not org.siren or org.siren == siren:
                    p.seller_siren = Found(siren, seg, m.start(1), m.end(1))
                    break
