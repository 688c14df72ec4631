"""Tesseract's output (``image_to_data`` columns) as layout ``Word`` objects in PDF points.

Tesseract boxes a word by its ink: "nr" is as tall as an x, "Data" as a capital, "wystawienia:"
from the ascender to the descender. The text layer gives every glyph of a font the same loose
box (ascent to descent), and the layout measures gaps against that height: a space is well
below it, a column gap above. So every word of a tesseract line gets the box height of its line
— from the highest to the lowest ink of its ordinary words (a word stretched by a table rule
read into it does not count), widened as a font box is to its ink — and small print is not cut
into one segment a word.

A separator dot ("Acme Ltd. • 42 Milky Way") is read as "e", "+" or "*": a one-character word
much smaller than the print of its line and raised above the line's baseline is a bullet "•".

The edge of a frame read into the word next to it ("[Sharp", "Total|") is dropped: a bar, or a
bracket that does not close or open within the word. In a word that is a number or a date
but for a letter or two ("2O24-03-15", "l5.03.2026"), O and o are read as 0, l and I as 1.
"""

from __future__ import annotations

import re
import statistics
from typing import Any

from billabex_core.extraction.layout import Word

MIN_CONFIDENCE = 10.0
INK_TO_EM = 1.3  # a font box is about this much taller than the ink of a line of text
OUTLIER = 1.8  # a word this much taller than the line's median is stretched by a rule
BULLET_SIZE = 0.6  # a bullet is at most this tall and wide, in median word heights of its line
BULLET_RAISE = 0.15  # and its bottom this far above the baseline
_NOT_BULLETS = frozenset("-–—_=~.,:;'\"`|/\\()[]{}")

_Raw = tuple[str, float, float, float, float]  # text, left, top, right, bottom in pixels


def _without_edges(text: str) -> str:
    """The word without a frame edge glued to either end."""
    while len(text) > 1 and (text[0] == "|" or (text[0] == "[" and "]" not in text)):
        text = text[1:]
    while len(text) > 1 and (text[-1] == "|" or (text[-1] == "]" and "[" not in text)):
        text = text[:-1]
    return text


_NUMERIC = re.compile(r"[\dOolI.,/:'-]+")
_DIGIT_FOR = str.maketrans("OolI", "0011")


def _digits_read_as_letters(text: str) -> str:
    """A number or date with O/o/l/I in place of digits, with the digits."""
    digits = sum(c.isdigit() for c in text)
    letters = sum(c in "OolI" for c in text)
    if letters and digits >= 2 and digits > letters and _NUMERIC.fullmatch(text):
        return text.translate(_DIGIT_FOR)
    return text


def _lines(data: dict[str, list[Any]]) -> list[list[_Raw]]:
    """The recognised words of the output grouped by tesseract line, in reading order."""
    lines: dict[tuple[Any, ...], list[_Raw]] = {}
    for i, text in enumerate(data["text"]):
        text = _digits_read_as_letters(_without_edges((text or "").strip()))
        if not text or float(data["conf"][i]) <= MIN_CONFIDENCE:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        x, y, w, h = data["left"][i], data["top"][i], data["width"][i], data["height"][i]
        lines.setdefault(key, []).append((text, x, y, x + w, y + h))
    return list(lines.values())


def _line_box(words: list[_Raw]) -> tuple[float, float]:
    """Top and bottom shared by the words of one line: its ink, widened to a font box."""
    median = statistics.median(b - t for _, _, t, _, b in words)
    ordinary = [w for w in words if w[4] - w[2] <= OUTLIER * median] or words
    top, bottom = min(w[2] for w in ordinary), max(w[4] for w in ordinary)
    margin = (bottom - top) * (INK_TO_EM - 1) / 2
    return top - margin, bottom + margin


def _is_bullet(word: _Raw, median: float, baseline: float) -> bool:
    text, left, top, right, bottom = word
    return (
        len(text) == 1
        and not text.isdigit()
        and text not in _NOT_BULLETS
        and max(bottom - top, right - left) <= BULLET_SIZE * median
        and baseline - bottom >= BULLET_RAISE * median
    )


def page_words(data: dict[str, list[Any]], number: int, k: float) -> list[Word]:
    """The words of tesseract's output of page ``number`` (``k`` points per pixel)."""
    words = []
    for line in _lines(data):
        top, bottom = _line_box(line)
        median = statistics.median(w[4] - w[2] for w in line)
        baseline = statistics.median(w[4] for w in line)
        for word in line:
            text = "•" if _is_bullet(word, median, baseline) else word[0]
            words.append(Word(text, word[1] * k, top * k, word[3] * k, bottom * k, number))
    return words
