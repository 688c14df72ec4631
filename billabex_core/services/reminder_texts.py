"""Reminder texts per language, tone and kind (``reminder_texts.json``: fr, en, de, es, it, nl).

Plain data in, text out, no database. It is not in ``billabex_core.domain`` because every amount
goes through the one money formatter (``billabex_core.money.format_money``), and that module
stands on the storage types; the texts themselves are data, read once from the packaged JSON.

What a message says is true of what it lists (domain.md §6b):
- each invoice on its own line: number, due date, days overdue (or "not yet due") on the
  message's day, remaining amount; a total when there are several;
- a sentence about lateness speaks of the oldest invoice only ("the oldest is N days overdue");
- only a follow-up (an earlier overdue message of the episode reached the customer) mentions an
  earlier message: the first message never does;
- no final-notice or formal-notice wording in any tone (escalation is a task for a person);
- singular and plural sentences are written out (``{"one": ..., "many": ...}`` in the data);
- signed with the organisation's name; with none set the body has no signature (the delivery
  refuses to send it, see ``jobs.agent_run``).

What a French B2B creditor prints (domain.md §6b): the payment details from Settings (IBAN, BIC,
the reference to quote, ``{invoice}`` standing for the listed numbers) on every reminder when an
IBAN is set; on overdue reminders to FR customers, the terms of late payment of Code de commerce
L441-10 (penalties and the €40 flat recovery indemnity), recalled as terms, never as a threat.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from stdnum import iban as iban_numbers

from billabex_core.domain.names import default_name, suggested_language
from billabex_core.domain.plan import OpenInvoice, PlannedMessage
from billabex_core.money import format_money

SUBJECT_NUMBERS = 3  # invoice numbers named in a subject; the others are counted ("+2")
RECOVERY_INDEMNITY = Decimal("40")  # EUR, Code de commerce L441-10 and D441-5
LATE_TERMS_COUNTRIES = frozenset({"FR"})


@dataclass(frozen=True)
class PaymentDetails:
    """What Settings say customers pay to: printed only when an IBAN is set."""

    iban: str | None = None
    bic: str | None = None
    reference: str | None = None  # ``{invoice}``: the listed numbers; None: the numbers


@lru_cache(maxsize=1)
def _templates() -> dict[str, dict[str, Any]]:
    texts: dict[str, dict[str, Any]] = json.loads(
        Path(__file__).with_name("reminder_texts.json").read_text(encoding="utf-8")
    )
    return texts


@lru_cache(maxsize=4096)
def _long_date(value: date, locale: str) -> str:
    """Babel's long date: the same few dates recur in every message of a run."""
    return format_date(value, format="long", locale=locale)


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


def _pick(value: str | dict[str, str], count: int) -> str:
    """A text, or its singular/plural pair chosen by the number of invoices."""
    if isinstance(value, str):
        return value
    return value["one"] if count == 1 else value["many"]


def _status(texts: dict[str, Any], due: date, day: date) -> str:
    late = (day - due).days
    if late <= 0:
        return str(texts["not_due"])
    return str(texts["overdue_one"] if late == 1 else texts["overdue_many"]).format(days=late)


def _numbers(lines: Sequence[Line]) -> str:
    named = ", ".join(line.number for line in lines[:SUBJECT_NUMBERS])
    more = len(lines) - SUBJECT_NUMBERS
    return f"{named} (+{more})" if more > 0 else named


def render(
    *,
    language: str,
    template: str,
    follow_up: bool,
    greeting_name: str | None,
    sender: str,
    lines: Sequence[Line],
    day: date,
    payment: PaymentDetails | None = None,
    late_terms: bool = False,
) -> tuple[str, str]:
    """(subject, body) of one message as of ``day``. ``template`` is ``pre_due`` or a tone;
    ``late_terms``: recall the terms of late payment (an overdue reminder to a FR customer)."""
    texts = _templates().get(language) or _templates()["en"]
    locale = texts["locale"]
    chosen = (
        texts[template] if template == "pre_due" else texts[template]["follow_up" if follow_up else "first"]
    )
    count = len(lines)

    def long_date(value: date) -> str:
        return _long_date(value, locale)

    values = {
        "name": greeting_name or "",
        "number": lines[0].number,
        "numbers": _numbers(lines),
        "due": long_date(lines[0].due_date),
        "oldest_days": max((day - line.due_date).days for line in lines),
        "total": format_money(
            sum((line.remaining for line in lines), Decimal("0")), lines[0].currency, locale=locale
        ),
    }
    table = "\n".join(
        texts["line"].format(
            number=line.number,
            due=long_date(line.due_date),
            status=_status(texts, line.due_date, day),
            amount=format_money(line.remaining, line.currency, locale=locale),
        )
        for line in lines
    )
    parts = [
        (texts["greeting"] if greeting_name else texts["greeting_anonymous"]).format(**values),
        _pick(chosen["lead"], count).format(**values),
        table,
        texts["total"].format(**values) if count > 1 else "",
        _pick(chosen["ask"], count).format(**values),
        _payment_block(texts, payment, lines),
        texts["late_terms"].format(indemnity=format_money(RECOVERY_INDEMNITY, "EUR", locale=locale))
        if late_terms
        else "",
        "\n".join(filter(None, [chosen["closing"], sender.strip()])),
    ]
    return _pick(chosen["subject"], count).format(**values), "\n\n".join(p for p in parts if p)


def _payment_block(texts: dict[str, Any], payment: PaymentDetails | None, lines: Sequence[Line]) -> str:
    if payment is None or not payment.iban:
        return ""
    words = texts["payment"]
    numbers = ", ".join(line.number for line in lines)
    reference = (payment.reference or "{invoice}").format(invoice=numbers)
    rows = [words["heading"], words["iban"].format(iban=iban_numbers.format(payment.iban))]
    if payment.bic:
        rows.append(words["bic"].format(bic=payment.bic))
    rows.append(words["reference"].format(reference=reference))
    return "\n".join(rows)


def _greeting_name(name: str, email: str) -> str | None:
    """The contact's name, unless it is only the e-mail's local part (then a greeting without name)."""
    clean = name.strip()
    return clean if clean and clean != default_name(email) else None


def compose(
    message: PlannedMessage,
    invoices: Sequence[OpenInvoice],
    *,
    country: str,
    signature: str,
    default_language: str,
    payment: PaymentDetails | None = None,
) -> Text:
    """The text of a planned message as of its day, in its first recipient's language (else the
    country's, else the organisation default), signed with the organisation's name, with the
    payment details and, overdue to a FR customer, the terms of late payment."""
    first = message.to[0]
    language = (
        first.language if first.language in languages() else suggested_language(country, default_language)
    )
    subject, body = render(
        language=language,
        template="pre_due" if not message.overdue else message.tone.value,
        follow_up=message.follow_up,
        greeting_name=_greeting_name(first.name, first.email),
        sender=signature,
        lines=[Line(i.number, i.due_date, i.remaining, i.currency) for i in invoices],
        day=message.scheduled_for,
        payment=payment,
        late_terms=message.overdue and country in LATE_TERMS_COUNTRIES,
    )
    return Text(language, subject, body)
