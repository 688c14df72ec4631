"""The interface's texts in French and English: ``t(key, **params)`` and the catalogues
``billabex_ui/locales/<language>.json`` (one flat mapping key → text per language).

A text is a whole sentence with named placeholders (``"{count} factures"``), never pieces glued
together: a translator moves the placeholders where the language wants them. ``tn`` picks the
plural form of a count by the language's CLDR rule (Babel): keys ``<key>.one`` and ``<key>.other``
(French counts 0 and 1 as singular, English only 1).

The language of a run is the logged-in user's (``app.py`` calls ``use_language`` on every run;
the login form uses the organisation's). A key missing from the catalogue of that language raises
``MissingText`` when ``BILLABEX_I18N_STRICT`` is set (the tests set it), else the English text is
shown — a missing translation never blanks a screen. ``tests/ui/test_i18n.py`` checks that both
catalogues have the same keys and placeholders and that every key the source uses exists.

Texts for the customers (reminders, digests) are not here: they follow the contact's language
(``billabex_core/services/reminder_texts.json``), whatever the interface language.
"""

from __future__ import annotations

import json
import os
import string
from functools import cache
from pathlib import Path

import streamlit as st
from babel import Locale

LANGUAGES = ("fr", "en")
FALLBACK = "en"
STATE = "billabex_language"  # this run's interface language, set by ``use_language``
STRICT_ENV = "BILLABEX_I18N_STRICT"
LOCALES = Path(__file__).with_name("locales")
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


class MissingText(KeyError):
    """A key without a text in a catalogue (raised only under ``BILLABEX_I18N_STRICT``)."""


@cache
def catalogue(language: str) -> dict[str, str]:
    """The texts of one language (read once per process)."""
    with (LOCALES / f"{language}.json").open(encoding="utf-8") as f:
        texts: dict[str, str] = json.load(f)
    return texts


def placeholders(text: str) -> frozenset[str]:
    """The named placeholders of a text: ``"{count} of {total:,}"`` → ``{"count", "total"}``."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


def strict() -> bool:
    return os.environ.get(STRICT_ENV, "") not in ("", "0")


def use_language(language: str | None) -> str:
    """Make ``language`` (fr or en; anything else reads as English) this run's language."""
    chosen = language if language in LANGUAGES else FALLBACK
    st.session_state[STATE] = chosen
    return chosen


def language() -> str:
    """This run's interface language (English before ``use_language``)."""
    value = st.session_state.get(STATE, FALLBACK)
    return value if value in LANGUAGES else FALLBACK


def has_text(key: str) -> bool:
    return key in catalogue(language()) or key in catalogue(FALLBACK)


def _text(key: str, lang: str) -> str:
    text = catalogue(lang).get(key)
    if text is not None:
        return text
    if strict():
        raise MissingText(f"no {lang} text for {key!r}")
    return catalogue(FALLBACK).get(key, key)


def t(key: str, /, **params: object) -> str:
    """The text of ``key`` in this run's language, its ``{placeholders}`` filled from ``params``."""
    return _text(key, language()).format(**params)  # "{{" in a catalogue is a literal brace


def tn(key: str, count: int, /, **params: object) -> str:
    """The plural form of ``key`` for ``count`` (``{count}`` is filled in as well)."""
    lang = language()
    form = "one" if Locale.parse(lang).plural_form(count) == "one" else "other"
    return _text(f"{key}.{form}", lang).format(count=count, **params)
