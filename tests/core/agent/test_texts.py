"""Truthful wording (domain.md §6b, issue #12 point 3), in every language and tone.

Each case renders a planned message the way the agent does and checks what a customer reads:
no final or formal notice, no reference to an earlier message in a first message, each invoice
with its number, due date, days overdue and remaining amount, no claim about lateness that is
false of an invoice, the organisation's name as the signature, no placeholder left.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from babel.dates import format_date

from billabex_core.domain.plan import OpenInvoice, PlannedMessage, Recipient
from billabex_core.models import Tone
from billabex_core.money import format_money
from billabex_core.services.reminder_texts import _templates, compose, languages

LANGUAGES = ("fr", "en", "de", "es", "it", "nl")
DAY = date(2026, 3, 2)
SIGNATURE = "Dupont Industries SAS"

# Escalation words never used by an automatic message (escalation is a task for a person).
FORBIDDEN = {
    "fr": ["mise en demeure", "dernier rappel", "dernière relance", "contentieux", "poursuite", "huissier"],
    "en": [
        "final",
        "last reminder",
        "formal notice",
        "legal",
        "proceedings",
        "collection agency",
        "solicitor",
    ],
    "de": ["mahnung", "letzte", "inkasso", "rechtliche", "gerichtlich", "anwalt"],
    "es": ["último aviso", "requerimiento", "judicial", "acciones legales", "burofax", "abogado"],
    "it": ["ultimo sollecito", "diffida", "messa in mora", "legali", "avvocato"],
    "nl": ["laatste", "aanmaning", "ingebrekestelling", "incasso", "juridisch", "advocaat"],
}
# Words that refer to an earlier message: never in a first message nor in a pre-due reminder.
EARLIER = {
    "fr": ["précédent", "relance", "revenons", "de nouveau", "à nouveau"],
    "en": ["previous", "further to", "follow", "again", "earlier"],
    "de": ["vorherig", "erneut", "letzt", "kommen auf", "nochmals"],
    "es": ["anterior", "seguimiento", "volvemos", "de nuevo", "recordatorio"],
    "it": ["precedente", "nuovo sollecito", "torniamo", "di nuovo", "promemoria"],
    "nl": ["vorige", "opnieuw", "eerder", "komen graag terug", "herinnering"],
}
DAY_WORDS = {
    "fr": r"jours?",
    "en": r"days?",
    "de": r"Tage[n]?|Tag",
    "es": r"días?",
    "it": r"giorni|giorno",
    "nl": r"dagen|dag",
}
ALICE = Recipient(1, "Alice Martin", "alice@client.example", "fr", True, False)


def _invoices(count: int, overdue: bool) -> list[OpenInvoice]:
    """Invoices 75 and 12 days late (or due in 3 days for a pre-due reminder)."""
    if not overdue:
        return [OpenInvoice(1, "F-2026-001", DAY + timedelta(days=3), DAY, Decimal("1234.56"), "EUR")]
    ages = [75, 12][:count]
    return [
        OpenInvoice(i, f"F-2025-{i:03d}", DAY - timedelta(days=age), DAY, Decimal("1234.56") * i, "EUR")
        for i, age in enumerate(ages, 1)
    ]


def _render(language: str, tone: Tone | None, follow_up: bool, count: int):
    invoices = _invoices(count, overdue=tone is not None)
    who = Recipient(1, "Alice Martin", "alice@client.example", language, True, False)
    message = PlannedMessage(
        "k",
        DAY,
        tone is not None,
        tone or Tone.COURTEOUS,
        tuple(i.id for i in invoices),
        (who,),
        (),
        follow_up,
    )
    text = compose(message, invoices, country="FR", signature=SIGNATURE, default_language="fr")
    return invoices, text


CASES = [(lang, None, False, 1) for lang in LANGUAGES] + [
    (lang, tone, follow_up, count)
    for lang in LANGUAGES
    for tone in Tone
    for follow_up in (False, True)
    for count in (1, 2)
]


def test_templates_exist_in_every_language() -> None:
    assert set(languages()) == set(LANGUAGES)
    shape = {k: sorted(v) if isinstance(v, dict) else None for k, v in _templates()["en"].items()}
    for language in LANGUAGES:
        assert {
            k: sorted(v) if isinstance(v, dict) else None for k, v in _templates()[language].items()
        } == shape


@pytest.mark.parametrize(("language", "tone", "follow_up", "count"), CASES)
def test_what_the_customer_reads_is_true(
    language: str, tone: Tone | None, follow_up: bool, count: int
) -> None:
    invoices, text = _render(language, tone, follow_up, count)
    assert text.language == language
    whole = f"{text.subject}\n{text.body}"
    assert "{" not in whole and "}" not in whole
    lowered = whole.lower()
    assert [w for w in FORBIDDEN[language] if w in lowered] == []
    if not follow_up:
        assert [w for w in EARLIER[language] if w in lowered] == []
    locale = _templates()[language]["locale"]
    lines = text.body.splitlines()
    for inv in invoices:
        [line] = [ln for ln in lines if inv.number in ln]
        assert format_date(inv.due_date, format="long", locale=locale) in line
        assert format_money(inv.remaining, "EUR", locale=locale) in line
        late = (DAY - inv.due_date).days
        if late > 0:
            assert re.search(rf"\b{late}\s*(?:{DAY_WORDS[language]})\b", line)
    # Every "N days" in the text is true of an invoice: no "more than 60 days" for all of them.
    lateness = {(DAY - inv.due_date).days for inv in invoices}
    claimed = {int(n) for n in re.findall(rf"\b(\d+)\s*(?:{DAY_WORDS[language]})\b", whole)}
    assert claimed <= lateness
    assert text.body.rstrip().endswith(SIGNATURE)
    assert "Alice Martin" in text.body.splitlines()[0]


def test_the_oldest_invoice_only_is_said_to_be_late_by_its_age() -> None:
    _, text = _render("fr", Tone.FIRM, False, 2)
    assert "la plus ancienne est échue depuis 75 jours" in text.body
    assert "plus de 60 jours" not in text.body


def test_no_signature_placeholder_and_no_name_greeting_from_an_address() -> None:
    who = Recipient(1, "compta", "compta@client.example", "fr", True, False)
    [inv] = _invoices(1, overdue=True)
    message = PlannedMessage("k", DAY, True, Tone.COURTEOUS, (inv.id,), (who,))
    text = compose(message, [inv], country="FR", signature="", default_language="fr")
    assert text.body.splitlines()[0] == "Bonjour,"
    assert text.body.rstrip().endswith("Bien cordialement,")
    assert "Accounts receivable" not in text.body


def test_a_french_message_reads_naturally() -> None:
    _, text = _render("fr", Tone.COURTEOUS, False, 1)
    assert text.subject == "Facture F-2025-001 arrivée à échéance"
    assert text.body == (
        "Bonjour Alice Martin,\n\n"
        "Sauf erreur de notre part, le règlement de la facture ci-dessous ne nous est pas encore parvenu.\n\n"
        "• Facture F-2025-001 — échéance le 17 décembre 2025 — 75 jours de retard — reste dû : 1\u202f234,56\xa0€\n\n"
        "Pourriez-vous nous indiquer la date de règlement prévue ? Si le paiement a été effectué "
        "entre-temps, merci de ne pas tenir compte de ce message.\n\n"
        "Nous vous rappelons que, conformément à nos conditions de paiement et à l'article L441-10 du "
        "Code de commerce, toute facture réglée après son échéance donne lieu de plein droit à des "
        "pénalités de retard et à une indemnité forfaitaire pour frais de recouvrement de 40,00\xa0€.\n\n"
        "Bien cordialement,\nDupont Industries SAS"
    )
