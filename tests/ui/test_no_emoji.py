"""No emoji in the interface (issue #16): a browser without an emoji font draws one as an empty
box. An icon is a Material Symbol (``:material/name:``, a font Streamlit ships); a table cell, which
shows no markdown, uses a glyph of ordinary fonts (✓, ✗)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Characters below U+1F000 that browsers draw as emoji by default (Unicode's Emoji_Presentation).
PRESENTED = {
    *range(0x231A, 0x231C), *range(0x23E9, 0x23ED), 0x23F0, 0x23F3, 0x25FD, 0x25FE, 0x2614, 0x2615,
    *range(0x2648, 0x2654), 0x267F, 0x2693, 0x26A1, 0x26AA, 0x26AB, 0x26BD, 0x26BE, 0x26C4, 0x26C5,
    0x26CE, 0x26D4, 0x26EA, 0x26F2, 0x26F3, 0x26F5, 0x26FA, 0x26FD, 0x2705, 0x270A, 0x270B, 0x2728,
    0x274C, 0x274E, 0x2753, 0x2754, 0x2755, 0x2757, 0x2795, 0x2796, 0x2797, 0x27B0, 0x27BF, 0x2B1B,
    0x2B1C, 0x2B50, 0x2B55,
}  # fmt: skip
EMOJI_STYLE = 0xFE0F  # "show the character before as an emoji" (⚠️ is ⚠ + U+FE0F)
NOT_MATERIAL = re.compile(r"\bicon=[\"'](?!:material/)")  # icon="⏸" is no emoji, and still a box


def is_emoji(char: str) -> bool:
    code = ord(char)
    return (
        (code >= 0x1F000 and unicodedata.category(char) == "So") or code in PRESENTED or code == EMOJI_STYLE
    )


def _sources() -> list[Path]:
    return [
        ROOT / "app.py",
        *sorted((ROOT / "pages").glob("*.py")),
        *sorted((ROOT / "billabex_ui").rglob("*.py")),
        *sorted((ROOT / "billabex_ui" / "locales").glob("*.json")),
    ]


def test_the_interface_shows_no_emoji() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()[:80]}"
        for path in _sources()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if any(is_emoji(c) for c in line) or NOT_MATERIAL.search(line)
    ]
    assert found == [], "\n".join(found)


def test_the_check_finds_an_emoji() -> None:
    assert all(is_emoji(c) for c in "🚫✅❌➕🎉\ufe0f") and not any(is_emoji(c) for c in "⬇✓✗↻€…→—")
