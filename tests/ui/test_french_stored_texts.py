"""A French login reads in French what the core wrote and stored in English (issue #16): a sync's
failure on the Integrations screen and in its history, a promise's outcome on the account, the
warning of Review about an identifier whose checksum fails, a contact someone else saved. The
stored English stays the CLI's and the logs'."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from billabex_core.connectors.base import AuthenticationError
from billabex_core.db.engine import session_scope
from billabex_core.jobs.agent_run import run_agent
from billabex_core.models import Contact, Document, Integration, SyncRun, SyncStatus
from billabex_core.secrets import encrypt
from tests.ui.test_accounts_page import TODAY, by_label, messages, open_account, seed_account
from tests.ui.test_communications import DAY, plan
from tests.ui.test_french_errors import _french, _plain
from tests.ui.test_import_pages import FR, _field, _texts, _upload


def test_a_failed_sync_reads_in_french(app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    _french(monkeypatch)
    refused = str(AuthenticationError("Pennylane"))
    with session_scope() as s:
        integration = Integration(
            name="Pennylane FR", config_encrypted=encrypt('{"api_token": "x"}'), last_error=refused
        )
        s.add(integration)
        s.flush()
        s.add(SyncRun(integration_id=integration.id, status=SyncStatus.FAILED, errors=[refused]))
    at: AppTest = app("pages/integrations.py")
    assert not at.exception, at.exception
    french = "Pennylane a refusé les identifiants d'API (invalides, expirés ou révoqués)"
    shown = " ".join(_plain(e.value) for e in at.error)
    assert f"Dernière synchronisation en échec : {french}" in shown, shown
    history = next(d.value for d in at.dataframe if "erreurs" in d.value.columns)
    [errors] = list(history["erreurs"])
    assert errors.startswith(french) and "rejected" not in errors and "rejected" not in shown


def _promises(app) -> object:  # type: ignore[no-untyped-def]
    with session_scope() as s:
        account_id = s.exec(select(Document.account_id)).one()
    account = open_account(app, account_id)
    return next(d.value for d in account.dataframe if "Promise pour le" in d.value.columns)


def test_a_broken_promise_reads_in_french(app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from billabex_core.services.promises import record_promise

    _french(monkeypatch)
    plan()
    with session_scope() as s:
        document_id = s.exec(select(Document.id)).one()
        record_promise(
            session=s, document_id=document_id, amount="120.00", promised_for=DAY, actor="alice", today=DAY
        )
    run_agent(today=DAY + timedelta(days=2), send=True)  # two business days later: nothing came
    outcome = [_plain(o) for o in _promises(app)["Issue"]]
    assert outcome == ["0,00 € reçus sur les 120,00 € promis pour le 02/03/2026 ; relances reprises"]


def test_a_cancelled_promise_reads_in_french(app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from billabex_core.services.promises import cancel_promise, record_promise

    _french(monkeypatch)
    plan()
    with session_scope() as s:
        document_id = s.exec(select(Document.id)).one()
        made = record_promise(
            session=s, document_id=document_id, amount="120.00", promised_for=DAY, actor="alice", today=DAY
        )
        s.flush()
        cancel_promise(
            session=s, promise_id=made.id or 0, actor="alice", today=DAY, reason="erreur de saisie"
        )
    assert [_plain(o) for o in _promises(app)["Issue"]] == ["annulée par alice : erreur de saisie"]


def test_an_identifier_whose_checksum_fails_reads_in_french(app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from billabex_ui import format as formats

    _french(monkeypatch)
    monkeypatch.setattr(formats, "language", lambda: "fr")  # the drafts' selectbox words their kind
    _upload(app("pages/upload.py"), "facture.pdf", FR)
    at = app("pages/review.py")
    _field(at, "buyer_siren").input("123456788")  # the Luhn checksum fails
    at.run()
    text = _plain(_texts(at))
    assert "SIREN 123456788 tel qu'imprimé : sa clé de contrôle est fausse" in text, text
    assert "as printed" not in text


def test_a_contact_saved_by_someone_else_reads_in_french(app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from billabex_core.services.contacts import update_contact

    _french(monkeypatch)
    account_id = seed_account("Globex", contact=True)
    with session_scope() as s:
        contact_id = s.exec(select(Contact.id)).one()
    at = open_account(app, account_id)
    with session_scope() as s:
        update_contact(session=s, contact_id=contact_id, actor="bob", role="CFO", today=TODAY)
    at.text_input(key=f"c{contact_id}_role").input("AP clerk")
    by_label(at.button, "Enregistrer le contact").click().run()
    said = _plain(messages(at))
    assert "a été modifié par quelqu'un d'autre depuis que vous l'avez ouvert" in said, said
    assert "Quelqu'un d'autre a enregistré ce contact" in said, said
    by_label(at.button, "Recharger le contact").click().run()
    assert at.text_input(key=f"c{contact_id}_role").value == "CFO"
