"""Seller and buyer: names, VAT ids, SIREN, the buyer's postal address and country.

The organisation's own identity (settings) marks the seller; the buyer block follows labels
such as "Facturé à", "Bill to", "Rechnungsempfänger", else it is the address block of a
letter-style layout (the block with a postcode that is not the seller's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from billabex_core.extraction.base import OrgIdentity
from billabex_core.extraction.identifiers import (
    block_region,
    buyer_siren,
    seller_siren,
    vat_country,
    vat_owners,
)
from billabex_core.extraction.labels import Found, LabelHit, Neighbours
from billabex_core.extraction.layout import Layout, Segment
from billabex_core.extraction.letters import (
    Block,
    address_blocks,
    is_title,
    recipient,
    return_line_name,
    window,
)
from billabex_core.extraction.normalize import clean_vat
from billabex_core.extraction.partylines import (
    POSTCODE_LINE,
    address,
    block_below,
    has_legal_form,
    is_sentence,
    name_in_block,
    parse_name,
    wrapped_name,
)
from billabex_core.extraction.vocab import fold, language, title_pattern, vocab_cache

PARTY_ROLES = ("buyer", "seller", "buyer_vat")
NEAR = 150.0  # points between a label and a value to its right
_ALTERNATIVE = re.compile(r"\s*/\s*[^\W\d_]+\s*:?\s*")


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


def _name_after_label(hit: LabelHit, layout: Layout, nb: Neighbours) -> Found | None:
    """The party name under a heading such as "Bill to" / "Rechnungsempfänger"."""
    seg = hit.segment
    rest = seg.text[hit.end :]
    colon = hit.phrase.endswith(":") or rest.lstrip().startswith(":")
    if _ALTERNATIVE.fullmatch(rest) or _address_word_heading(rest):
        rest = ""  # "Käufer/Leistungsempfänger", "Bill to address:": one heading for the block
    if rest.strip() and not colon:
        return _in_value_column(seg, hit.end + len(rest) - len(rest.lstrip()), layout)
    got = parse_name(rest)
    if got:
        return Found(got[0], seg, hit.end + got[1], hit.end + got[2])
    if colon or seg.text.rstrip().endswith(":"):
        for s in nb.right_of(seg, 1):
            got = parse_name(s.text) if s.x0 - seg.x1 < NEAR else None
            if got:
                return Found(got[0], s, got[1], got[2])
    lines: list[Segment] = []
    for s in nb.below(seg, 6):
        named = _after_name_label(s, layout, first=not lines)
        if named is not None:
            return named
        if s.text.rstrip().endswith(":"):
            continue
        # "LE CLIENT" holds a label word but is a name; "Customer Name" under "Bill To" too
        if id(s) not in nb.headed or nb.roles.get(id(s)) in PARTY_ROLES:
            lines.append(s)
    return name_in_block(lines)


def _in_value_column(seg: Segment, start: int, layout: Layout) -> Found | None:
    """The name after a side label set close to it ("Client  Some Long Client"), when the lines
    below start where the name does: a column of values beside a column of labels. Else the
    label opens another label ("Customer Number 123"): no name."""
    x = seg.bbox(start)[0]
    below = block_below(seg, layout, x0=x)
    got = parse_name(seg.text[start:]) if below and abs(below[0].x0 - x) <= 2 else None
    if not got:
        return None
    return wrapped_name(Found(got[0], seg, start + got[1], start + got[2]), below)


def _address_word_heading(rest: str) -> bool:
    """What follows a party label is only an address word ("Bill to Address:", "Client
    Anschrift")."""
    words = fold(rest).strip(" :").split()
    return 0 < len(words) <= 2 and all(w in language()["address_words"] for w in words)


def _after_name_label(s: Segment, layout: Layout, *, first: bool) -> Found | None:
    """The name after a "Name:" / "Nazwa:" sub-label, in its cell or in the cell to its right."""
    folded = s.folded
    for label in language()["name_labels"]:
        if folded.startswith(label) and folded[len(label) :].lstrip().startswith(":"):
            start = s.text.index(":", len(label)) + 1
            got = parse_name(s.text[start:])
            if got:
                return Found(got[0], s, start + got[1], start + got[2])
            if first:
                for r in layout.lines[s.line]:
                    got = parse_name(r.text) if r.x0 > s.x1 - 1 else None
                    if got:
                        return Found(got[0], r, got[1], got[2])
    return None


def _heads(hit: LabelHit) -> bool:
    """The label opens its segment, or follows an address word ("Adresse du client",
    "Billing address" reads as a label either way)."""
    before = fold(hit.segment.text[: hit.start]).replace(" de ", " ").replace(" du ", " ").split()
    return hit.at_start or (0 < len(before) <= 2 and before[0] in language()["address_words"])


def _buyer_by_label(hits: list[LabelHit], layout: Layout, nb: Neighbours) -> Found | None:
    heads = (h for h in hits if h.role == "buyer" and _heads(h))
    # the topmost heading first ("Bill To" over a placeholder "Customer"), the longest on a line
    for hit in sorted(heads, key=lambda h: (h.segment.page, h.segment.top, -len(h.phrase))):
        found = _name_after_label(hit, layout, nb)
        if found:
            return found
    return None


def _seller_name(
    layout: Layout,
    hits: list[LabelHit],
    nb: Neighbours,
    org: OrgIdentity | None,
    blocks: list[Block],
    excluded: set[int],
) -> tuple[Found | None, bool]:
    """The organisation's name where printed, else a labelled seller, else the return line of a
    window envelope, else the letterhead's name (outside the buyer's block, ``excluded``); and
    whether it is the letterhead's (a guess that the seller's identifiers may correct)."""
    if org and org.name:
        key = fold(org.name)
        for seg in layout.segments:
            i = seg.folded.find(key)
            if i >= 0:
                return Found(seg.text[i : i + len(key)], seg, i, i + len(key)), False
    for hit in (h for h in hits if h.role == "seller" and h.at_start):
        found = _name_after_label(hit, layout, nb)
        if found:
            return found, False
    found = return_line_name(blocks) or _repeated_name(blocks, layout)
    if found:
        return found, False
    win = window(blocks)  # a letter's window is not the sender
    addressed = {id(s) for b in blocks if b.return_line or b.addressed or b is win for s in b.lines}
    return _letterhead_name(layout, nb, addressed | excluded | _headed(blocks, layout)), True


def _headed(blocks: list[Block], layout: Layout) -> set[int]:
    """What the letterhead is never read from among blocks under headings no label list holds
    ("Prodejce | Kupující", "FATURAR A | ENTREGAR A"): the rows of their headings, and blocks
    naming the same party twice (its billing and delivery addresses: the buyer's)."""
    headed = [b for b in blocks if b.heading is not None]
    out = {id(s) for b in headed if b.heading is not None for s in layout.lines[b.heading.line]}
    names = [fold(str(b.name.value)) for b in headed]
    for b, name in zip(headed, names, strict=True):
        if names.count(name) > 1:
            out.update(id(s) for s in b.lines)
    return out


def _repeated_name(blocks: list[Block], layout: Layout) -> Found | None:
    """Of two address blocks or more, the one whose name the page prints again under them (as
    the account holder, in the footer, by a signature) is the seller's: an invoice repeats its
    sender's name, rarely its recipient's. Only when exactly one block's name is repeated."""
    if len(blocks) < 2:
        return None
    bottom = max(s.bottom for b in blocks for s in b.lines)
    inside = {id(s) for b in blocks for s in b.lines}
    below = [s.folded for s in layout.segments if id(s) not in inside and (s.page > 1 or s.top > bottom)]
    repeated = [b.name for b in blocks if _printed_in(fold(str(b.name.value)), below)]
    return repeated[0] if len(repeated) == 1 else None


def _printed_in(name: str, texts: list[str]) -> bool:
    if len(name) < 5:
        return False
    pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
    return any(pattern.search(t) for t in texts)


def _identified_seller(
    layout: Layout,
    hits: list[LabelHit],
    nb: Neighbours,
    org: OrgIdentity | None,
    blocks: list[Block],
    buyer: set[int],
) -> Found | None:
    """The name of the address block over the seller's VAT id or SIREN, its heading and
    label lines aside ("SELLER TRADE NAME", "Lieferant:"): the seller is who its identifiers
    say, whatever the page prints above them (a logo's text, a slogan, the buyer's name with
    a legal form in a letter's window)."""
    org_vat = clean_vat(org.vat) if org and org.vat else None
    vat = vat_owners(layout, hits, nb, buyer, org_vat).seller
    siren = seller_siren(layout, vat, org.siren if org else None, buyer)
    seller_ids = {id(f.segment) for f in (vat, siren) if f is not None}
    win = window(blocks)
    for b in blocks:
        if b is win or {id(s) for s in b.lines} & buyer:
            continue  # the buyer's VAT id printed in its own block
        if block_region(b.lines[0], layout) & seller_ids:
            if id(b.name.segment) not in nb.headed or has_legal_form(b.name.segment.folded):
                return b.name
            return name_in_block([s for s in b.lines if id(s) not in nb.headed or has_legal_form(s.folded)])
    return None


def _letterhead_name(layout: Layout, nb: Neighbours, excluded: set[int]) -> Found | None:
    """The first name-like line at the top of page 1 that is not a title, a label, the buyer's
    or a line naming an address ("Adresse de livraison"); a legal form ("GmbH", "SARL") or a
    larger font is a sender's name, ahead of an earlier line without one."""
    top = [s for s in layout.segments[:16] if s.page == 1]
    if not top:
        return None
    usual = sorted(s.height for s in top)[len(top) // 2]
    best: tuple[int, int, Found] | None = None
    for order, seg in enumerate(top):
        if is_title(seg) or _numbered_title(seg) or id(seg) in excluded or seg.text.lstrip().startswith("("):
            continue
        if is_sentence(seg.text):
            continue
        if id(seg) in nb.headed and not has_legal_form(seg.folded):
            continue  # a label; "Lieferant GmbH" opens with a label word but is a name
        got, one_line = parse_name(seg.text), 0
        parts = re.split(r"\s+[-·•|]\s+", seg.text)
        if not got and len(parts) > 2 and POSTCODE_LINE.search(seg.text):
            got, one_line = parse_name(parts[0]), 1  # "Au bon moulin SARL - 1242 chemin … - 84340 Malaucène"
        if not got or _not_a_name(fold(got[0])):
            continue
        score = 2 * has_legal_form(fold(got[0])) + one_line + (seg.height > 1.3 * usual)
        if best is None or (score, -order) > best[:2]:
            best = (score, -order, Found(got[0], seg, got[1], got[2]))
    if best is None:
        return None
    return _with_line_above(best[2], top, nb, excluded)


def _with_line_above(name: Found[str], top: list[Segment], nb: Neighbours, excluded: set[int]) -> Found[str]:
    """A letterhead name in two lines: "MVM Musterhafter" over "Versicherungsverein Musterstadt
    a.G." — the line just above, at the same left edge and size, without the legal form the name
    line holds, is its first half (``wrapped_name`` read from the top)."""
    seg = name.segment
    if name.start > 0 or not has_legal_form(fold(str(name.value))):
        return name
    above = [
        s
        for s in top
        if s.line == seg.line - 1
        and abs(s.x0 - seg.x0) <= 2
        and id(s) not in excluded
        and id(s) not in nb.headed
    ]
    if len(above) != 1:
        return name
    first = above[0]
    got = parse_name(first.text)
    if (
        got is None
        or got[0] != first.text.strip()
        or abs(first.height - seg.height) > 0.2 * seg.height
        or seg.top - first.bottom > 0.8 * seg.height
        or is_title(first)
        or is_sentence(first.text)
        or has_legal_form(first.folded)
        or any(c.isdigit() for c in first.text)
    ):
        return name
    return Found(f"{got[0]} {name.value}", seg, name.start, name.end)


def _numbered_title(seg: Segment) -> bool:
    """A document title with its number ("Creditnota FA25-6629", "Facture N° 12")."""
    return any(
        (m := title_pattern(kind).match(seg.folded)) and any(c.isdigit() for c in seg.folded[m.end() :])
        for kind in ("invoice", "credit_note")
    )


@vocab_cache
def _not_name_words() -> re.Pattern[str]:
    words = "|".join(re.escape(fold(w)) for w in language()["not_name_words"])
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)")


def _not_a_name(folded: str) -> bool:
    return bool(_not_name_words().search(folded))


def find_parties(layout: Layout, hits: list[LabelHit], nb: Neighbours, org: OrgIdentity | None) -> Parties:
    p = Parties()
    blocks = address_blocks(layout, {id(h.segment) for h in hits if h.at_start and h.role not in PARTY_ROLES})
    org_vat = clean_vat(org.vat) if org and org.vat else None
    p.buyer_name = _buyer_by_label(hits, layout, nb)
    labelled = block_region(p.buyer_name.segment, layout) if p.buyer_name is not None else set()
    p.seller_name, letterhead = _seller_name(layout, hits, nb, org, blocks, labelled)
    if letterhead:  # a guess: the block over the seller's identifiers says better
        p.seller_name = _identified_seller(layout, hits, nb, org, blocks, labelled) or p.seller_name
    if p.buyer_name is None:
        keys = [fold(str(p.seller_name.value))] if p.seller_name else []
        keys += [fold(org.name)] if org and org.name else []
        keys += [fold(org_vat)] if org_vat else []
        block = recipient(blocks, keys)
        if block:
            p.buyer_name = block.name
    region = block_region(p.buyer_name.segment, layout) if p.buyer_name is not None else set()
    owners = vat_owners(layout, hits, nb, region, org_vat)
    p.buyer_vat, p.seller_vat = owners.buyer, owners.seller
    if p.buyer_name is not None:
        text, country, last = address(p.buyer_name.segment, layout, x0=p.buyer_name.bbox[0])
        if text:
            p.buyer_address = (text, p.buyer_name.segment)
        if country:
            p.buyer_country = (country, last)
    if p.buyer_country is None and p.buyer_vat is not None:
        country = vat_country(layout, str(p.buyer_vat.value))
        p.buyer_country = (country, None) if country else None
    p.seller_siren = seller_siren(layout, p.seller_vat, org.siren if org else None, region)
    p.buyer_siren = buyer_siren(layout, p.buyer_vat, region)
    return p
