"""``md``: any text from a document, a provider or a person reads as itself inside markdown —
no image (no fetch), no link, no HTML, no emphasis, no list or heading (property test)."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billabex_ui.format import md, md_block

markdown_it = pytest.importorskip("markdown_it")
RENDER = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
SYNTAX = st.sampled_from([*"![]()<>*_`~#|$&\\-+=.:/ \n", "http://127.0.0.1:9/x", "www.", "12", "<img src=x>"])
PRINTABLE = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=3)  # CommonMark replaces NUL
TEXTS = st.lists(st.one_of(SYNTAX, PRINTABLE), max_size=25).map("".join)


def _rendered_text(markdown: str) -> tuple[str, str]:
    rendered = RENDER.render(markdown)
    return rendered, html.unescape(re.sub(r"<[^>]+>", "", rendered))


@given(TEXTS)
@settings(max_examples=400, deadline=None)
def test_md_renders_the_text_itself_and_nothing_else(text: str) -> None:
    rendered, plain = _rendered_text(md(text))
    tags = set(re.findall(r"<(\w+)", rendered))
    assert tags <= {"p"}, (text, rendered)
    assert plain.strip() == " ".join(text.split()), (text, rendered)


@given(st.lists(TEXTS, min_size=1, max_size=5))
@settings(max_examples=200, deadline=None)
def test_md_block_keeps_the_lines_and_nothing_else(lines: list[str]) -> None:
    rendered, _ = _rendered_text(md_block("\n".join(lines)))
    assert set(re.findall(r"<(\w+)", rendered)) <= {"p", "br"}, (lines, rendered)


def test_the_probe_image_is_text() -> None:
    assert md("![x](http://127.0.0.1:9/x)") == r"\!\[x\]\(http\://127.0.0.1:9/x\)"  # no autolink either
    assert md("see WWW.example.com") == r"see WWW\.example.com"
    assert md("invalid SIREN: 123456789") == "invalid SIREN: 123456789"  # plain text is left alone
