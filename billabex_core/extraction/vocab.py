"""Vocabularies as data: labels, titles, months, payment terms and currencies per language.

The JSON files under ``vocab/`` are loaded once. Adding a language means adding its words to
those files; no code changes. Labels are compiled into one regular expression per role that
tolerates missing accents, case, dots and the punctuation after the label.

Everything built from the vocabularies is cached with ``vocab_cache``; ``use_vocabularies``
swaps the data (the benchmark's leave-one-family-out runs score each layout family with the
vocabularies minus the entries only that family prints) and clears those caches.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, TypeVar

VOCAB_DIR = Path(__file__).with_name("vocab")
FILES = ("labels.json", "language.json")
F = TypeVar("F", bound=Callable[..., Any])
_DEPENDENT: list[Any] = []  # cached functions whose result depends on the vocabularies
_OVERRIDES: dict[str, dict] = {}


def vocab_cache(fn: F) -> F:
    """``functools.cache``, cleared when ``use_vocabularies`` swaps the data."""
    cached = cache(fn)
    _DEPENDENT.append(cached)
    return cached  # type: ignore[return-value]  # cache() keeps the signature; mypy cannot see it


def bounded_vocab_cache(maxsize: int) -> Callable[[F], F]:
    """``functools.lru_cache(maxsize)`` for a function of page text that reads the vocabularies,
    cleared with them."""

    def wrap(fn: F) -> F:
        cached = lru_cache(maxsize=maxsize)(fn)
        _DEPENDENT.append(cached)
        return cached  # type: ignore[return-value]  # lru_cache() keeps the signature; mypy cannot see it

    return wrap


def use_vocabularies(overrides: dict[str, dict] | None = None) -> None:
    """Read the vocabularies from ``overrides`` (file name -> data) instead of the files, or
    from the files again with None. Every cache built from them is cleared."""
    _OVERRIDES.clear()
    _OVERRIDES.update(overrides or {})
    for fn in _DEPENDENT:
        fn.cache_clear()


_FOLDED: dict[str, str] = {"’": "'", "‘": "'", "ʼ": "'", "´": "'", "`": "'"}  # typographic apostrophes


def _fold_char(ch: str) -> str:
    base = unicodedata.normalize("NFD", ch)[0]
    _FOLDED[ch] = base
    return base


def fold(text: str) -> str:
    """Lower-case without accents, for matching (length-preserving for Latin text)."""
    lowered = text.lower()
    if lowered.isascii() and "`" not in lowered:
        return lowered
    return "".join(_FOLDED.get(ch) or _fold_char(ch) for ch in lowered)


def load_file(name: str) -> dict:
    """One vocabulary file as stored (the benchmark derives its per-family variants from it)."""
    return json.loads((VOCAB_DIR / name).read_text(encoding="utf-8"))


@vocab_cache
def _load(name: str) -> dict:
    return _OVERRIDES[name] if name in _OVERRIDES else load_file(name)


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


_TOKENS = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class LabelSet:
    """Every label of every role, longest first, as (role, phrase, compiled pattern), and an
    index from the first one to three characters of a label's first word to the labels, so that
    a text is searched only for the labels whose first word it may hold (``candidates``)."""

    entries: tuple[tuple[str, str, re.Pattern[str]], ...]
    index: dict[str, tuple[int, ...]]

    def candidates(self, folded: str) -> list[int]:
        found: set[int] = set()
        for token in set(_TOKENS.findall(folded)):
            for size in (1, 2, 3):
                if len(token) >= size:
                    found.update(self.index.get(token[:size], ()))
        return sorted(found)


@vocab_cache
def label_set() -> LabelSet:
    entries = []
    for role, per_lang in labels().items():
        for phrases in per_lang.values():
            for phrase in phrases:
                entries.append((role, phrase, re.compile(_phrase_pattern(phrase))))
    entries.sort(key=lambda e: -len(e[1]))
    index: dict[str, list[int]] = {}
    for i, (_, phrase, _) in enumerate(entries):
        first = _TOKENS.findall(fold(phrase))[0]
        index.setdefault(first[:3], []).append(i)
    return LabelSet(tuple(entries), {k: tuple(v) for k, v in index.items()})


@vocab_cache
def phrases(key: str) -> re.Pattern[str]:
    """Any phrase of the language list ``key``, matched on folded text as whole words."""
    return re.compile("|".join(_phrase_pattern(w) for w in sorted(language()[key], key=len, reverse=True)))


@vocab_cache
def role_labels(role: str) -> re.Pattern[str]:
    """Any label of ``role`` in any language (``labels.json``), matched on folded text as whole words."""
    words = sorted((w for ws in labels()[role].values() for w in ws), key=len, reverse=True)
    return re.compile("|".join(_phrase_pattern(w) for w in words))


@vocab_cache
def title_pattern(kind: str) -> re.Pattern[str]:
    """The document titles of a kind; a one-word title of seven letters or more also ends a
    compound ("Handelsrechnung", "Proforma-Rechnung", "Sammelrechnung")."""
    words = sorted(language()["titles"][kind], key=len, reverse=True)
    parts = []
    for w in words:
        pattern = _phrase_pattern(w)
        if " " not in w and len(w) >= 7:
            pattern = pattern.replace("(?<![\\w])", "(?<![\\w])(?:[^\\W\\d_]+-?)?", 1)
        parts.append(pattern)
    return re.compile("|".join(parts))


@vocab_cache
def months() -> dict[str, int]:
    table: dict[str, int] = {}
    for key in ("month_abbreviations", "months"):
        for names in language()[key].values():
            for i, name in enumerate(names, start=1):
                table[fold(name)] = i
    return table


@vocab_cache
def month_regex() -> str:
    names = sorted(months(), key=len, reverse=True)
    return "(?:" + "|".join(re.escape(n) for n in names) + ")"
