"""Vocabularies as data: labels, titles, months, payment terms and currencies per language.

The JSON files under ``vocab/`` are loaded once. Adding a language means adding its words to
those files; no code changes. Labels are compiled into one regular expression per role that
tolerates missing accents, case, dots and the punctuation after the label.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

VOCAB_DIR = Path(__file__).with_name("vocab")


def fold(text: str) -> str:
    """Lower-case without accents, for matching (length-preserving for Latin text)."""
    out = []
    for ch in text.lower():
        base = unicodedata.normalize("NFD", ch)[0]
        out.append(base if len(base) == 1 else ch)
    return "".join(out)


@cache
def _load(name: str) -> dict:
    return json.loads((VOCAB_DIR / name).read_text(encoding="utf-8"))


def labels() -> dict[str, dict[str, list[str]]]:
    return {k: v for k, v in _load("labels.json").items() if not k.startswith("_")}


def language() -> dict:
    return _load("language.json")


def _phrase_pattern(phrase: str) -> str:
    words = re.findall(r"[\w]+|[^\w\s]", fold(phrase))
    parts = []
    for word in words:
        parts.append(re.escape(word) if not word.isalnum() else word)
    body = r"\s*".join(p for p in parts)
    return rf"(?<![\w]){body}(?![\w])"


@dataclass(frozen=True)
class LabelSet:
    """Every label of every role, longest first, as (role, phrase, compiled pattern)."""

    entries: tuple[tuple[str, str, re.Pattern[str]], ...]


@cache
def label_set() -> LabelSet:
    entries = []
    for role, per_lang in labels().items():
        for phrases in per_lang.values():
            for phrase in phrases:
                entries.append((role, phrase, re.compile(_phrase_pattern(phrase))))
    entries.sort(key=lambda e: -len(e[1]))
    return LabelSet(tuple(entries))


@cache
def title_pattern(kind: str) -> re.Pattern[str]:
    words = sorted(language()["titles"][kind], key=len, reverse=True)
    return re.compile("|".join(_phrase_pattern(w) for w in words))


@cache
def months() -> dict[str, int]:
    table: dict[str, int] = {}
    for key in ("month_abbreviations", "months"):
        for names in language()[key].values():
            for i, name in enumerate(names, start=1):
                table[fold(name)] = i
    return table


@cache
def month_regex() -> str:
    names = sorted(months(), key=len, reverse=True)
    return "(?:" + "|".join(re.escape(n) for n in names) + ")"
