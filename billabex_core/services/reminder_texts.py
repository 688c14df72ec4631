"""Reminder texts per language and tone (``reminder_texts.json``: fr, en, de, es, it, nl).

Plain data in, text out, no database. It is not in ``billabex_core.domain`` because every amount
goes through the one money formatter (``billabex_core.money.format_money``), and that module
stands on the storage types; the texts themselves are data, read once from the packaged JSON.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date

from billabex_core.domain.names import suggested_language
from billabex_core.domain.plan import OpenInvoice, PlannedMessage
from billabex_core.money import format_money

LANGUAGE_LOCALES = {"fr": "fr_FR", "en": "en_GB", "de": "de_DE", "es": "es_ES", "it": "it_IT", "nl": "nl_NL"}
DEFAULT_SIGNATURE = "Accounts receivable"


@lru_cache(maxsize=1)
def _templates() -> dict[str, dict[str, dict[str, str]]]:
    texts: dict[str, dict[str, dict[str, str]]] = json.loads(
        Path(__file__).with_name("reminder_texts.json").read_text(encoding="utf-8")
    )
    return texts


def languages() -> tuple[str, ...]:
    return tuple(_templates())


@dataclass(frozen=True)
class Line:
    number: str
    due_date: date
    remaining: Decimal
    currency: str


@dataclass(frozen=True)
class Text:
    language: str
    subject: str
    body: str


def render(
    *, language: str, template: str, recipient_name: str, sender: str, lines: Sequence[Line]
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


def compose(
    message: PlannedMessage,
    invoices: Sequence[OpenInvoice],
    *,
    country: str,
    signature: str,
    default_language: str,
) -> Text:
    """The text of a planned message, in its first recipient's language (else the country's, else
    the organisation default), signed with the organisation's name."""
    first = message.to[0]
    language = (
        first.language if first.language in languages() else suggested_language(country, default_language)
    )
    subject, body = render(
        language=language,
        template="pre_due" if not message.overdue else message.tone.value,
        recipient_name=first.name,
        sender=signature or DEFAULT_SIGNATURE,
        lines=[Line(i.number, i.due_date, i.remaining, i.currency) for i in invoices],
    )
    return Text(language, subject, body)
