"""Address blocks of a letter layout: the sender's letterhead and the recipient's window.

Without a label such as "Bill to", the buyer is the recipient of the letter. An address block
is 2 to 9 lines starting at the same x on the top half of page 1, with a postcode or country
line after its name. The recipient's block is told from the sender's by layout and wording:

- a one-line sender address printed just above it (the return line of a window envelope);
- an opening salutation, attention line or "Firma" ("Herrn", "z. Hd.", "Attn");
- the sender's block carries the organisation's name or VAT id, or phone, e-mail and web
  lines (a letterhead), and a letter's first block is the sender's.

A block whose address has no postcode or country line (an invented town, "Duckburg 123456")
still ends at its street or its VAT id, two lines or more under its first line.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from billabex_core.extraction.identifiers import find_vats
from billabex_core.extraction.labels import Found
from billabex_core.extraction.layout import Layout, Segment
from billabex_core.extraction.partylines import (
    CONTACT,
    POSTCODE_LINE,
    block_below,
    country_in,
    is_attention,
    is_salutation,
    is_sentence,
    is_street,
    name_in_block,
)
from billabex_core.extraction.vocab import title_pattern

TOP_SHARE = 0.55  # address blocks start in the upper part of page 1
PROSE_WORDS = 8  # a line of that many words is a sentence, not a line of an address


@dataclass
class Block:
    lines: list[Segment]
    name: Found
    return_line: Segment | None  # a one-line sender address just above the block
    addressed: bool  # opens with a salutation or an attention line
    contacts: int  # phone, e-mail and web lines
    heading: Segment | None = None  # a one-word heading over the name ("Empfänger"), not a name

    @property
    def folded(self) -> str:
        return " ".join(s.folded for s in self.lines)


def is_title(seg: Segment) -> bool:
    return any(
        (m := title_pattern(kind).match(seg.folded)) and len(seg.folded[m.end() :].strip(" .:")) < 3
        for kind in ("invoice", "credit_note")
    )


def _return_line(seg: Segment, layout: Layout) -> bool:
    """``seg`` starts a one-line address (name, street and postcode on one line)."""
    line = [s for s in layout.lines[seg.line] if seg.x0 - 1 <= s.x0 <= seg.x0 + 320]
    text = " ".join(s.text for s in line)
    postcode = POSTCODE_LINE.search(text) or re.search(r"(?<![\w-])\d{4,6}\s+[^\W\d]{2}", text)
    if len(re.findall(r"\S\s+[·•|]\s+\S", text)) >= 2:
        return True  # "Acme Ltd. • 42 Milky Way • 1234-1234 Faraway"
    return bool(postcode) and (len(line) > 1 or bool(re.search(r"\S\s+[-·•|]\s+\S", text)))


def _first_run(lines: list[Segment]) -> list[Segment]:
    """The lines before the first gap wider than the block's usual line spacing."""
    steps = [b.top - a.top for a, b in itertools.pairwise(lines)]
    if len(steps) < 2:
        return lines
    usual = sorted(steps)[len(steps) // 2]
    apart = lines[0].height <= 1.3 * lines[1].height  # a name (not a heading) may stand apart
    for i, step in enumerate(steps):
        if step > (2.0 if i == 0 and apart else 1.6) * usual:
            return lines[: i + 1]
    return lines


def address_blocks(layout: Layout, labels: set[int] | frozenset[int] = frozenset()) -> list[Block]:
    """The address blocks of page 1; ``labels`` (segment ids opening with a label) name no party."""
    height = layout.page_heights.get(1, 842.0)
    used: set[int] = set()
    blocks: list[Block] = []
    pending: list[Segment] = []  # one-line sender addresses waiting for the block below them
    vats = {id(v.segment) for v in find_vats(layout)}
    for seg in layout.segments:
        if seg.page != 1 or seg.top > height * TOP_SHARE or id(seg) in used or is_title(seg):
            continue
        lines = _first_run([seg, *block_below(seg, layout, 8)])
        used.update(id(s) for s in lines)
        while len(lines) > 1 and is_sentence(lines[0].text):
            lines = lines[1:]  # a slogan over a letterhead's block
        returned = None
        if _return_line(seg, layout):
            if len(lines) == 1:
                pending.append(seg)
                continue
            returned, lines = seg, lines[1:]
        returned = returned or next(
            (r for r in pending if abs(r.x0 - seg.x0) < 30 and 0 < seg.top - r.bottom < 100), None
        )
        ends = _address_ends(lines, vats)
        if not ends or any(_prose(s) for s in lines[: ends[0] + 1]):
            continue  # no address, or a paragraph of the letter ("Sehr geehrter …, zu Ihrer …")
        head = _without_heading(lines[: ends[0]], layout)
        heading = lines[0] if head and head[0] is not lines[0] else None
        name = name_in_block(head)
        if name is None or id(name.segment) in labels:
            continue
        blocks.append(
            Block(
                lines,
                name,
                returned,
                addressed=bool(head) and (is_salutation(head[0].text) or is_attention(head[0].text)),
                contacts=sum(bool(CONTACT.search(s.text)) for s in lines),
                heading=heading,
            )
        )
    return blocks


def _address_ends(lines: list[Segment], vats: set[int]) -> list[int]:
    """Where the block's address may end: its postcode or country lines, else (an address
    without either) its street or VAT id lines from the third line on."""
    ends = [i for i, s in enumerate(lines) if i > 0 and (POSTCODE_LINE.search(s.text) or country_in(s.text))]
    if ends:
        return ends
    ends = [i for i, s in enumerate(lines) if i > 1 and (is_street(s.text) or id(s) in vats)]
    return [i for i in ends if not any(_NOT_ADDRESS.search(s.text) for s in lines[:i])]


# a date, a percentage or an amount: a column of values beside labels, not an address
_NOT_ADDRESS = re.compile(r"\d[./-]\d{1,2}[./-]\d|%|\d[.,]\d\d(?!\d)|[€$£]")


def _prose(seg: Segment) -> bool:
    return len(seg.text.split()) >= PROSE_WORDS or is_sentence(seg.text)


def _one_word(seg: Segment) -> bool:
    """A heading's shape: one word, or two in capitals or before a colon ("COBRAR A",
    "Bill to:"), no digit."""
    text = seg.text.strip()
    if any(c.isdigit() for c in text) or len(seg.words) > 2:
        return False
    return len(seg.words) == 1 or text.isupper() or text.endswith(":")


def _without_heading(head: list[Segment], layout: Layout) -> list[Segment]:
    """A block's first line that is one word, beside another one-word line of the same row
    ("Provider | Purchaser", "Prodejce | Kupující") over names, is the blocks' heading: not a
    name, whatever the language."""
    if len(head) < 2 or not _one_word(head[0]) or any(c.isdigit() for c in head[1].text):
        return head
    row = [s for s in layout.lines[head[0].line] if s is not head[0]]
    return head[1:] if any(_one_word(s) for s in row) else head


def window(blocks: list[Block]) -> Block | None:
    """The letter's recipient told by layout alone (no seller name known yet): a block that
    scores clearly above every other one (no letterhead contacts, not the first block, a
    return line or a salutation), else None."""
    scored = sorted(_scored(blocks, []), key=lambda t: t[:2], reverse=True)
    if len(scored) < 2 or scored[0][0] < 0 or scored[0][0] - scored[1][0] < 1:
        return None
    return scored[0][2]


def recipient(blocks: list[Block], seller_keys: list[str]) -> Block | None:
    """The block of the letter's recipient, or None."""
    scored = _scored(blocks, seller_keys)
    if not scored:
        return None
    best = max(scored, key=lambda t: t[:2])
    return best[2] if best[0] > -3 else None


def _scored(blocks: list[Block], seller_keys: list[str]) -> list[tuple[float, int, Block]]:
    keys = [k for k in seller_keys if len(k) >= 3]
    scored = []
    for order, b in enumerate(blocks):
        compact = b.folded.replace(" ", "")
        score = 0.0
        if any(k in b.folded or k.replace(" ", "") in compact for k in keys):
            score -= 5
        score += 2 * (b.return_line is not None) + 2 * b.addressed - min(b.contacts, 2)
        if order == 0 and len(blocks) > 1:
            score -= 1  # a letterhead comes first
        scored.append((score, -order, b))
    return scored


def return_line_name(blocks: list[Block]) -> Found | None:
    """The sender's name from a return line ("ACME GmbH - Street 1 - 12345 City")."""
    for b in blocks:
        seg = b.return_line
        if seg is None:
            continue
        part = re.split(r"\s+[-·•|,]\s+|,\s*", seg.text)[0].strip()
        if part and not POSTCODE_LINE.search(part) and re.search(r"[^\W\d_]{2}", part):
            return Found(part, seg, 0, len(part))
    return None
