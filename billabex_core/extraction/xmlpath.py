"""Reading e-invoice XML by local names: ``"LegalMonetaryTotal/PayableAmount"``.

UBL and CII put every element in a namespace whose prefix varies between producers; these
helpers walk child elements by local name only, which is what the syntaxes' paths mean and
faster than XPath with namespace maps.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from lxml import etree

from billabex_core.extraction.normalize import one_line


def children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str) and etree.QName(c).localname == name]


def all_of(el: etree._Element | None, path: str) -> list[etree._Element]:
    """Every element at ``path`` (local names separated by ``/``) under ``el``."""
    nodes = [el] if el is not None else []
    for part in path.split("/"):
        nodes = [c for n in nodes for c in children(n, part)]
    return nodes


def first(el: etree._Element | None, *paths: str) -> etree._Element | None:
    """The first element found at the first of ``paths`` that has one."""
    for path in paths:
        found = all_of(el, path)
        if found:
            return found[0]
    return None


def text(el: etree._Element | None, *paths: str) -> str | None:
    """The text of the element at the first path that has one (white space collapsed)."""
    node = first(el, *paths) if paths else el
    if node is None:
        return None
    value = one_line(node.text or "")
    return value or None


def date(el: etree._Element | None, *paths: str) -> str | None:
    """An ISO date from ``YYYY-MM-DD`` (UBL) or ``YYYYMMDD`` (CII format 102)."""
    raw = text(el, *paths)
    if not raw:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", raw):
        return raw[:10]
    digits = re.sub(r"\D", "", raw)
    if len(digits) == 8:
        return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    return None


# xs:decimal, the type of every UBL and CII amount: no exponent ("1E100" is not an amount), and
# at most 15 digits before the point (beyond what any invoice holds, and what money columns keep)
_XS_DECIMAL = re.compile(r"[+-]?(?:\d{1,15}(?:\.\d*)?|\.\d+)")


def decimal(node: etree._Element | None) -> Decimal | None:
    if node is None:
        return None
    text = (node.text or "").strip()
    if not _XS_DECIMAL.fullmatch(text.lstrip("0") or "0"):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def amount(nodes: list[etree._Element], currency: str | None) -> Decimal | None:
    """The first readable amount, in ``currency`` when the document gives it in two (a tax
    total in the invoice currency and in the accounting currency)."""
    if currency:
        matching = [n for n in nodes if n.get("currencyID") in (None, currency)]
        nodes = matching or nodes
    for node in nodes:
        value = decimal(node)
        if value is not None:
            return value
    return None


def amounts(nodes: list[etree._Element]) -> list[Decimal] | None:
    """Every amount of ``nodes``; None when one of them cannot be read."""
    out = []
    for node in nodes:
        value = decimal(node)
        if value is None:
            return None
        out.append(value)
    return out
