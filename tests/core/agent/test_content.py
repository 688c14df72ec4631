"""What a French B2B creditor's reminder carries (domain.md §6b, issue #13): the payment details
from Settings (IBAN, BIC, the reference to quote) and, on overdue reminders to FR customers, the
terms of late payment of Code de commerce L441-10 — recalled as terms, never as a threat — in
every language; the invoice's PDF attached when the product has it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from billabex_core.domain.plan import OpenInvoice, PlannedMessage, Recipient
from billabex_core.models import Communication, Tone
from billabex_core.services.reminder_texts import PaymentDetails, compose
from tests.core.agent.test_texts import EARLIER, FORBIDDEN, LANGUAGES

DAY = date(2026, 3, 2)
PAYMENT = PaymentDetails(iban="FR7630006000011234567890189", bic="AGRIFRPP", reference="Facture {invoice}")
LAW = {
    "fr": "article L441-10 du Code de commerce",
    "en": "Article L441-10 of the French Commercial Code",
    "de": "Artikel L441-10",
    "es": "artículo L441-10",
    "it": "articolo L441-10",
    "nl": "artikel L441-10",
}
INDEMNITY = {
    "fr": "40,00\xa0€",
    "en": "€40.00",
    "de": "40,00\xa0€",
    "es": "40,00\xa0€",
    "it": "40,00\xa0€",
    "nl": "€\xa040,00",
}


def _text(language: str, *, overdue: bool = True, country: str = "FR", payment=PAYMENT, follow_up=False):  # type: ignore[no-untyped-def]
    due = DAY - timedelta(days=20) if overdue else DAY + timedelta(days=3)
    invoices = [OpenInvoice(1, "F-2026-001", due, DAY, Decimal("1200.00"), "EUR")]
    who = Recipient(1, "Alice Martin", "alice@client.example", language, True, False)
    message = PlannedMessage("k", DAY, overdue, Tone.COURTEOUS, (1,), (who,), (), follow_up)
    return compose(
        message, invoices, country=country, signature="Dupont SAS", default_language="fr", payment=payment
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_overdue_reminders_to_french_customers_recall_the_terms_of_late_payment(language: str) -> None:
    text = _text(language)
    assert LAW[language] in text.body
    assert INDEMNITY[language] in text.body, text.body
    lowered = text.body.lower()
    assert [w for w in FORBIDDEN[language] if w in lowered] == []  # a reminder of terms, not a threat
    assert [w for w in EARLIER[language] if w in lowered] == []  # and a first message stays a first one
    assert text.body.rstrip().endswith("Dupont SAS")


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_statutory_mention_before_the_due_date_nor_abroad(language: str) -> None:
    assert "L441-10" not in _text(language, overdue=False).body
    assert "L441-10" not in _text(language, country="DE").body
    assert "L441-10" not in _text(language, country="BE").body


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("overdue", [True, False])
def test_every_reminder_carries_the_payment_details(language: str, overdue: bool) -> None:
    body = _text(language, overdue=overdue).body
    assert "IBAN" in body and "FR76 3000 6000 0112 3456 7890 189" in body
    assert "BIC" in body and "AGRIFRPP" in body
    assert "Facture F-2026-001" in body  # the reference, {invoice} replaced by the numbers


def test_without_an_iban_no_payment_block_and_the_reference_defaults_to_the_numbers() -> None:
    assert "IBAN" not in _text("fr", payment=None).body
    assert "IBAN" not in _text("fr", payment=PaymentDetails(bic="AGRIFRPP")).body
    body = _text("en", payment=PaymentDetails(iban="FR7630006000011234567890189")).body
    assert "Reference to quote: F-2026-001" in body and "BIC" not in body


def test_the_agent_prints_the_settings_payment_details(session, db_url, org, account, add_document) -> None:  # type: ignore[no-untyped-def]
    from billabex_core.jobs.agent_run import run_agent
    from billabex_core.services.contacts import add_contact
    from billabex_core.services.org import set_setting

    add_document(account, "F-7", "100.00", due=date(2026, 2, 2), on=date(2026, 1, 2))
    add_contact(
        session=session, account_id=account.id, email="ap@acme.example", language="fr", actor="t", today=DAY
    )
    set_setting(session=session, key="org.iban", value="FR76 3000 6000 0112 3456 7890 189", actor="t")
    set_setting(session=session, key="org.bic", value="AGRIFRPP", actor="t")
    set_setting(session=session, key="reminders.payment_reference", value="ACME / {invoice}", actor="t")
    session.commit()
    run_agent(today=DAY, url=db_url)
    [row] = session.exec(select(Communication)).all()
    assert "FR76 3000 6000 0112 3456 7890 189" in row.body and "ACME / F-7" in row.body
    assert "L441-10" in row.body  # ACME SAS is a French customer, the invoice is overdue
