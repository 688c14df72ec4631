"""The page image prepared for tesseract: light tints made white, table rules erased.

A light tint behind text (a grey-shaded cell or band, lighter than ``TINT``) becomes white:
without the rules around it, tesseract's global threshold could take the tint for ink.

Tesseract's page layout analysis takes a ruled table for a picture and skips the text in its
cells (the totals box of many invoices). Long straight runs of ink — the rules of tables and
frames, at least ``RULE_INCHES`` long — are painted white before OCR; letters are far shorter.
The search runs on the image reduced along the rule's direction (fast), its result is scaled
back and grown by a pixel so that the anti-aliased edge of a rule goes too. A rule has little
ink along its length ``SIDE_INCHES`` above and below it: a band printed white on black, or a
dark logo with white letters, is no rule and stays.
"""

from __future__ import annotations

from typing import Any

RULE_INCHES = 1 / 3
REDUCE = 8  # pixels averaged along the rule's direction
SIDE_INCHES = 0.03
TINT = 200  # lighter than this (0-255) is paper
INK = 110  # darker than this (0-255, averaged over ``REDUCE`` pixels) is ink


def _rule_mask(image: Any, horizontal: bool, length: int, side: int) -> Any:
    """White where a rule of ``length`` pixels or more runs in one direction, else black."""
    from PIL import Image, ImageChops, ImageFilter

    factor = (REDUCE, 1) if horizontal else (1, REDUCE)
    ink = image.reduce(factor).point(lambda v: 255 if v < INK else 0)
    half = max(1, length // (2 * REDUCE))
    along = (half, 0) if horizontal else (0, half)
    share = ink.filter(ImageFilter.BoxBlur(along))  # the share of ink along the rule's length
    whole = share.point(lambda v: 255 if v >= 250 else 0)
    clear = share.point(lambda v: 255 if v < 128 else 0)
    dx, dy = (0, side) if horizontal else (side, 0)
    sides = ImageChops.darker(ImageChops.offset(clear, dx, dy), ImageChops.offset(clear, -dx, -dy))
    rule = ImageChops.darker(whole, sides)
    grown = (half + 1, 1) if horizontal else (1, half + 1)
    mask = rule.filter(ImageFilter.BoxBlur(grown)).point(lambda v: 255 if v > 0 else 0)
    return mask.resize(image.size, Image.Resampling.NEAREST)


def erase_rules(image: Any, dpi: float) -> Any:
    """The greyscale ``image`` with its long horizontal and vertical rules painted white."""
    from PIL import ImageChops

    length, side = max(8, round(dpi * RULE_INCHES)), max(3, round(dpi * SIDE_INCHES))
    if min(image.size) < 2 * REDUCE:
        return image
    mask = ImageChops.lighter(_rule_mask(image, True, length, side), _rule_mask(image, False, length, side))
    return ImageChops.lighter(image, mask)


def prepare_page(image: Any, dpi: float) -> Any:
    """The greyscale page as tesseract reads it best: tints white, rules erased."""
    return erase_rules(image.point(lambda v: 255 if v >= TINT else v), dpi)


def unread_ink(page: Any, data: dict[str, list[Any]], share: float) -> Any | None:
    """The page with every word tesseract read painted white, when the ink left is more than
    ``share`` of its pixels (text a pass skipped, not the specks and logos of every page)."""
    from PIL import ImageDraw

    left = page.copy()
    draw = ImageDraw.Draw(left)
    for i, text in enumerate(data["text"]):
        if (text or "").strip():
            x, y, w, h = data["left"][i], data["top"][i], data["width"][i], data["height"][i]
            draw.rectangle((x - 2, y - 2, x + w + 2, y + h + 2), fill=255)
    ink = left.point(lambda v: 255 if v < INK else 0).histogram()[255]
    return left if ink > share * left.size[0] * left.size[1] else None
