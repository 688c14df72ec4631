"""Seller and buyer: names, VAT ids, SIREN, the buyer's postal address and country.

The organisation's own identity (settings) marks the seller; the buyer block follows labels
such as "Facturé à", "Bill to", "Rechnungsempfänger", else it is the address block of a
letter-style layout (the block with a postcode that is not the seller's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from billabex_core.extraction.base import OrgIdentity
from billabex_core.extraction.labels import Found, LabelHit, Neighbours
from billabex_core.extraction.layout import Layout, Segment
from billabex_core.extraction.letters import Block, address_blocks, is_title, recipient, return_line_name
from billabex_core.extraction.normalize import clean_vat, siren_from_vat, valid_siren, valid_vat
from billabex_core.extraction.partylines import address, name_in_block, parse_name
from billabex_core.extraction.vocab import fold

_VAT_CC = "AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|GB|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK|XI|CHE"
_VAT_RE = re.compile(rf"(?<![A-Za-z0-9])({_VAT_CC})[ ]?((?:[0-9A-Z]{{1,12}}[ .]?){{1,5}})")
_VAT_LABEL = re.compile(r"(?<!\w)(tva|vat|ust|btw|iva|mwst|umsatzsteuer|steuer-?id|tax id|partita)", re.I)


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
    lines: list[Segment] = []
    for s in nb.below(seg, 6):
        if s.text.rstrip().endswith(":"):
            if fold(s.text).rstrip(" :") in _NAME_LABELS and not lines:
                for r in layout.lines[s.line]:
                    got = parse_name(r.text) if r.x0 > s.x1 - 1 else None
                    if got:
                        return Found(got[0], r, got[1], got[2])
            continue
        if id(s) not in nb.headed:  # "LE CLIENT" holds a label word but is a name
            lines.append(s)
    return name_in_block(lines)


def _buyer_by_label(hits: list[LabelHit], layout: Layout, nb: Neighbours) -> Found | None:
    for hit in sorted((h for h in hits if h.role == "buyer" and h.at_start), key=lambda h: -len(h.phrase)):
        found = _name_after_label(hit, layout, nb)
        if found:
            return found
    return None


def _seller_name(
    layout: Layout, hits: list[LabelHit], nb: Neighbours, org: OrgIdentity | None, blocks: list[Block]
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
    found = return_line_name(blocks)
    if found:
        return found
    addressed = {id(s) for b in blocks if b.return_line or b.addressed for s in b.lines}
    for seg in layout.segments[:8]:
        if is_title(seg) or id(seg) in addressed:
            continue
        got = parse_name(seg.text)
        if got:
            return Found(got[0], seg, got[1], got[2])
    return None


def find_parties(layout: Layout, hits: list[LabelHit], nb: Neighbours, org: OrgIdentity | None) -> Parties:
    p = Parties()
    blocks = address_blocks(layout)
    p.seller_name = _seller_name(layout, hits, nb, org, blocks)
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
        keys = [fold(str(p.seller_name.value))] if p.seller_name else []
        keys += [fold(org.name)] if org and org.name else []
        keys += [fold(org_vat)] if org_vat else []
        block = recipient(blocks, keys)
        if block:
            p.buyer_name = block.name
    if p.buyer_name is not None:
        text, country, last = address(p.buyer_name.segment, layout)
        if text:
            p.buyer_address = (text, p.buyer_name.segment)
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
