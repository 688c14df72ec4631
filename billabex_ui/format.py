"""How values read on screen: money through the one locale-aware formatter, enum values as words,
and ``md`` for any text that comes from a document, a provider or a person inside markdown."""

from __future__ import annotations

import re
from decimal import Decimal

from billabex_core.money import format_money


def money(amount: Decimal | None, currency: str) -> str:
    """``€1,234.50``; an empty string for no amount."""
    return format_money(amount, currency)


def label(value: object, *, capitalize: bool = True) -> str:
    """An enum value (or any code with underscores) as words: ``partially_paid`` → ``Partially paid``.

    None reads as an empty string, so ``label(x) or "All"`` names an unset filter.
    """
    text = str(value or "").replace("_", " ")
    return text.capitalize() if capitalize else text


# What markdown (and Streamlit's additions: colour directives, LaTeX) reads as syntax, anywhere.
_MARKDOWN_SYNTAX = re.compile(r"([\\`*_{}\[\]()<>!|~$&#])")
# What GitHub-flavoured markdown turns into a link by itself ("http://…", "www.…"): broken up, so
# the escapes that follow a web address are not swallowed into it.
_AUTOLINK = re.compile(r"(://|(?i:www)\.)")
# What starts a list or underlines a heading when it opens a line: "- ", "+ ", "=", "12. ".
_LIST_START = re.compile(r"^([-+=]|\d+(?=\.))")


def md(value: object) -> str:
    """Text from documents, providers or people, safe inside markdown (titles, captions, labels,
    messages): one line, every markdown character backslash-escaped, so no image, link, HTML,
    emphasis, list, colour directive or formula can come out of it — an account named
    ``![x](http://host/x)`` reads as that text and makes no browser fetch anything."""
    text = _MARKDOWN_SYNTAX.sub(r"\\\1", " ".join(str(value if value is not None else "").split()))
    text = _AUTOLINK.sub(lambda m: "\\://" if m[0] == "://" else m[0][:3] + "\\.", text)
    return _LIST_START.sub(lambda m: m[0] + "\\" if m[0][0].isdigit() else "\\" + m[0], text, count=1)


def md_block(value: object) -> str:
    """Several lines of such text (a message body), each escaped, its line breaks kept."""
    return "  \n".join(md(line) for line in str(value or "").splitlines())
