"""Errors of the core on a French screen: the message of ``error.<code>`` with its parameters in
the user's formats (money, dates, statuses), the English message kept for the CLI."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import streamlit as st

from billabex_core.errors import DuplicateDocumentError, ValidationError
from billabex_core.extraction.errors import FileTooLargeError, NotAPdfError
from billabex_ui.feedback import error_text
from billabex_ui.i18n import use_language


@pytest.fixture
def fr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(st, "session_state", {})
    use_language("fr")


def _spaces(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_an_overpayment_reads_in_french_with_french_amounts(fr: None) -> None:
    exc = ValidationError(
        "1500 EUR is more than what remains (1234.56) on invoice F-1: confirm the overpayment to record it",
        field="amount",
        code="payment.overpayment",
        params={
            "amount": Decimal("1500"),
            "remaining": Decimal("1234.56"),
            "currency": "EUR",
            "number": "F-1",
        },
    )
    assert _spaces(error_text(exc)) == (
        "1 500,00 € dépasse le reste à payer (1 234,56 €) de la facture F-1 : "
        "confirmez le trop-perçu pour l'enregistrer."
    )
    assert str(exc).startswith("1500 EUR is more")  # the CLI's text is unchanged


def test_upload_refusals_read_in_french(fr: None) -> None:
    assert error_text(NotAPdfError()) == "ce n'est pas un fichier PDF"
    assert str(NotAPdfError()) == "not a PDF file"
    too_big = FileTooLargeError(26 * 1024 * 1024, 25 * 1024 * 1024)
    assert error_text(too_big) == "fichier trop volumineux : 26 Mo (limite 25 Mo)"
    assert str(too_big) == "file too large: 26.0 MB (limit 25 MB)"


def test_a_duplicate_names_the_kind_in_french(fr: None) -> None:
    exc = DuplicateDocumentError(
        "duplicate: credit note AV-2 already exists for this account (document #7)",
        existing_id=7,
        existing_kind="credit_note",
        number="AV-2",
    )
    assert error_text(exc) == "Doublon : l'avoir AV-2 existe déjà pour ce compte (document n° 7)."


def test_dates_and_statuses_follow_the_language(fr: None) -> None:
    late = ValidationError(
        "x", field="scheduled_for", code="communication.after_due", params={"date": date(2026, 3, 15)}
    )
    assert error_text(late) == "Une relance avant échéance part au plus tard le 15/03/2026."
    closed = ValidationError("x", field="task", code="task.closed", params={"task": 4, "status": "cancelled"})
    assert error_text(closed) == "La tâche 4 n'est plus ouverte (statut : annulé)."


def test_review_checks_read_in_french(fr: None) -> None:
    from billabex_core.services.draft_review import Check
    from billabex_ui.review import check_text

    late = ValidationError(
        "due date 2026-01-01 is before the issue date 2026-01-15",
        field="due_date",
        code="document.due_before_issue",
        params={"due": date(2026, 1, 1), "issue": date(2026, 1, 15)},
    )
    assert check_text(Check("document", False, str(late), "due_date", error=late)) == (
        "L'échéance 01/01/2026 est antérieure à la date d'émission 15/01/2026."
    )
    ok = Check("document", True, "Number, dates, currency and totals are consistent", wording="document_ok")
    assert check_text(ok) == "Numéro, dates, devise et montants sont cohérents"
    # plain text: the page escapes it once (a number typed with a * stays one star)
    dup = DuplicateDocumentError("duplicate", existing_id=3, existing_kind="invoice", number="F*1")
    assert check_text(Check("duplicate", False, str(dup), "number", error=dup)).startswith(
        "Doublon : la facture F*1 existe"
    )


def test_why_a_message_is_held_reads_in_french(fr: None) -> None:
    from billabex_core.services.plan_store import REVIEW
    from billabex_ui.feedback import held_text

    assert held_text(REVIEW).startswith("le message a été modifié pour d'autres factures")
    assert held_text("held: Pennylane sync failed", markdown=False) == (
        "les données synchronisées ne sont pas à jour : Pennylane sync failed"
    )
    assert held_text("paused by alice", markdown=False) == "paused by alice"  # another reason, as written


def test_review_warnings_read_in_french(fr: None) -> None:
    from billabex_ui.review import warning_text

    assert warning_text("credit note: the grand total is negative") == "avoir : le total est négatif"
    assert warning_text("No due date found: it will be the issue date + 30 days (2026-04-14).") == (
        "Aucune échéance trouvée : ce sera la date d'émission + 30 jours (14/04/2026)."
    )
    assert (
        warning_text("tax amount computed from the other totals")
        == "TVA : valeur calculée à partir des autres totaux"
    )
    from billabex_core.extraction.totals import UNTAXED

    assert warning_text(UNTAXED) == (
        "pas de TVA : le document indique qu'elle ne s'applique pas ; le total HT est le total TTC"
    )
    assert warning_text("something new") == "something new"  # another warning, as written
    seller = "The seller on the document is “ACME*”, not your organisation “Billabex SA”: is it a supplier's invoice?"
    assert warning_text(seller) == (
        "Le vendeur sur le document est « ACME\\* », pas votre organisation « Billabex SA » : "
        "est-ce une facture fournisseur ?"
    )


def test_connector_errors_read_in_french(fr: None) -> None:
    from billabex_core.connectors.base import AuthenticationError, RequestRejectedError

    assert error_text(AuthenticationError("Pennylane")) == (
        "Pennylane a refusé les identifiants d'API (invalides, expirés ou révoqués) : "
        "créez un nouveau jeton et mettez à jour l'intégration."
    )
    assert error_text(RequestRejectedError("Zoho Books", 400, "code 5")) == (
        "Zoho Books a refusé une requête (HTTP 400, code 5)."
    )


def test_a_connection_setting_is_named_by_its_french_label(fr: None) -> None:
    from billabex_core.connectors.pennylane_config import validate_pennylane_config

    with pytest.raises(ValidationError) as caught:
        validate_pennylane_config({"api_token": "t", "base_url": "http://example.com"})
    assert error_text(caught.value) == (
        "URL de base de l'API doit être une adresse https (http seulement pour un environnement de test "
        "local sur 127.0.0.1)."
    )
    with pytest.raises(ValidationError) as caught:
        validate_pennylane_config({"api_token": " "})
    assert error_text(caught.value) == "Jeton d'API (Pennylane) est obligatoire."


def test_a_busy_job_and_an_error_quoting_another_read_in_french(fr: None) -> None:
    from datetime import UTC, datetime

    from billabex_core.extraction.errors import CorruptPdfError
    from billabex_core.jobs.lease import JobBusyError
    from billabex_core.services.preview import PreviewError

    busy = JobBusyError("an agent run", "worker-1", datetime(2026, 3, 15, 13, 30, tzinfo=UTC), job="agent")
    assert error_text(busy) == (
        "La tournée des relances est déjà en cours (par worker-1 depuis le 15/03/2026 14:30) ; "
        "réessayez quand ce sera terminé."
    )
    shown = PreviewError(
        "this page cannot be shown: corrupt PDF", code="preview.failed", params={"error": CorruptPdfError()}
    )
    assert (
        error_text(shown) == "Cette page ne peut pas être affichée : PDF endommagé : il ne peut pas être lu"
    )


def test_stored_sentences_of_the_core_read_in_french(fr: None) -> None:
    from billabex_core.connectors.base import RateLimitedError
    from billabex_core.domain.plan import STALE_OLD
    from billabex_core.sync.engine import PARTIAL
    from billabex_ui.feedback import held_text, stored_text

    limited = str(RateLimitedError("Zoho Books", 60.0))
    assert stored_text(PARTIAL.format(count=3, error=limited), markdown=False) == (
        "3 enregistrement(s) n'ont pas pu être stockés. Par exemple : Zoho Books continue de refuser "
        "les requêtes : sa limite de débit est atteinte (réessayez dans 60 s)."
    )
    stale = STALE_OLD.format(name="Pennylane FR", hours=30, limit=24)
    assert held_text(f"held: {stale}", markdown=False) == (
        "les données synchronisées ne sont pas à jour : les données de Pennylane FR datent de 30 h (limite : 24 h)"
    )
    refused = ValidationError(
        f"not sent, held: {stale}: sync it first", code="send.stale", params={"reason": stale}
    )
    assert error_text(refused, markdown=False) == (
        "Non envoyé : les données synchronisées ne sont pas à jour (les données de Pennylane FR datent "
        "de 30 h (limite : 24 h)) : synchronisez d'abord."
    )
    from billabex_core.sync.mapping import BAD_EMAIL

    one = PARTIAL.format(count=1, error=BAD_EMAIL.format(ext="c-7", value="not-an-email"))
    assert stored_text(one, markdown=False) == (
        "1 enregistrement(s) n'ont pas pu être stockés. Par exemple : "
        "Le contact c-7 a une adresse e-mail invalide (not-an-email)."
    )
    assert stored_text("Pennylane said *no*") == "Pennylane said \\*no\\*"  # a provider's words, as written


def test_a_promise_outcome_reads_with_french_amounts_and_dates(fr: None) -> None:
    from billabex_core.services.promises import RECEIVED
    from billabex_ui.feedback import stored_text

    kept = RECEIVED.format(received="€1,200.00", amount="€1,200.00", date="2026-03-15")
    assert _spaces(stored_text(kept, currency="EUR", markdown=False)) == (
        "1 200,00 € reçus sur les 1 200,00 € promis pour le 15/03/2026"
    )


def test_a_dispute_closed_by_its_task_reads_in_french(fr: None) -> None:
    from billabex_core.queries.collection import TASK_CLOSED
    from billabex_ui.feedback import stored_text

    assert stored_text(TASK_CLOSED.format(), markdown=False) == "sa tâche a été fermée"
    assert stored_text("paid by cheque", markdown=False) == "paid by cheque"  # a person's words


def test_why_validate_all_left_a_draft_reads_in_french(fr: None) -> None:
    from billabex_core.services.batch_validation import (
        FAILED,
        NOT_EINVOICE,
        SIMILAR,
        SKIPPED,
        DraftValidation,
    )
    from billabex_core.services.draft_review import Check
    from billabex_core.services.draft_values import identifier_warnings
    from billabex_ui.queue import why_text

    plain = DraftValidation(1, "a.pdf", SKIPPED, NOT_EINVOICE.format())
    assert why_text(plain).startswith("ce n'est pas une facture électronique")
    similar = DraftValidation(1, "a.pdf", SKIPPED, SIMILAR.format(names="Nordwind Lyon"))
    assert why_text(similar).startswith("un compte semblable existe (Nordwind Lyon)")
    [warning] = identifier_warnings({"buyer_siren": "123456788"})
    warned = Check("identifier", True, warning, "buyer_siren", warning=True)
    checked = DraftValidation(1, "a.pdf", SKIPPED, f"to look at: {warning}", checks=(warned,))
    assert why_text(checked).startswith("à vérifier : SIREN 123456788 tel qu'imprimé")
    refused = ValidationError("the amount must be more than zero", code="payment.not_positive")
    failed = DraftValidation(1, "a.pdf", FAILED, str(refused), error=refused)
    assert why_text(failed) == "Un paiement doit être supérieur à zéro."


def test_the_currency_guessed_from_the_country_reads_in_french(fr: None) -> None:
    from billabex_ui.review import warning_text

    assert warning_text("no currency printed: CZK, the currency of the seller's country (CZ)") == (
        "aucune devise imprimée : CZK, la devise du pays du vendeur (CZ) — à vérifier"
    )
