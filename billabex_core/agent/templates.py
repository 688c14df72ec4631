"""Reminder texts per language and tone (``templates.json``: fr, en, de, es, it, nl)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date

from billabex_core.money import format_money

LANGUAGE_LOCALES = {"fr": "fr_FR", "en": "en_GB", "de": "de_DE", "es": "es_ES", "it": "it_IT", "nl": "nl_NL"}


@lru_cache(maxsize=1)
def _templates() -> dict[str, dict[str, dict[str, str]]]:
    return json.loads((Path(__file__).with_name("templates.json")).read_text(encoding="utf-8"))


def languages() -> tuple[str, ...]:
    return tuple(_templates())


@dataclass(frozen=True)
class Line:
    number: str
    due_date: date
    remaining: Decimal
    currency: str


def render(
    *, language: str, template: str, recipient_name: str, sender: str, lines: list[Line]
) -> tuple[str, str]:
    """(subject, body) of one message. ``template`` is ``pre_due`` or a tone."""
    texts = _templates().get(language) or _templates()["en"]
    locale = LANGUAGE_LOCALES.get(language, "en_GB")
    currencies = {line.currency for line in lines}
    total = (
        format_money(sum((line.remaining for line in lines), Decimal("0")), lines[0].currency, locale=locale)
        if len(currencies) == 1
        else " + ".join(format_money(line.remaining, line.currency, locale=locale) for line in lines)
    )
    table = "\n".join(
        f"- {line.number} — {format_date(line.due_date, format='long', locale=locale)} — "
        f"{format_money(line.remaining, line.currency, locale=locale)}"
        for line in lines
    )
    values = {
        "name": recipient_name,
        "numbers": ", ".join(line.number for line in lines),
        "due": format_date(min(line.due_date for line in lines), format="long", locale=locale),
        "total": total,
        "invoices": table,
        "sender": sender,
    }
    chosen = texts[template]
    return chosen["subject"].format(**values), chosen["body"].format(**values)
