"""A French login sees the core's refusals in French (issue #16): a refused upload, a payment over
what remains, a contact with an invalid e-mail. The English texts stay the CLI's."""

from __future__ import annotations

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from billabex_core.db.engine import session_scope
from billabex_core.models import Contact, Payment, User
from billabex_ui import i18n
from tests.ui.conftest import shown
from tests.ui.test_accounts_page import by_label, messages, open_account, seed_account
from tests.ui.test_invoices import seed, texts


def _french(monkeypatch: pytest.MonkeyPatch) -> None:
    """Alice reads French. Between runs AppTest calls the widgets' ``format_func`` outside the
    script, where the run's language is unknown: there too it is French."""
    monkeypatch.setattr(i18n, "language", lambda: "fr")
    with session_scope() as s:
        alice = s.exec(select(User).where(User.username == "alice")).one()
        alice.language = "fr"


def _plain(text: str) -> str:
    return shown(text).replace("\u202f", " ").replace("\xa0", " ")


def test_a_refused_upload_reads_in_french(app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    _french(monkeypatch)
    at: AppTest = app("pages/upload.py")
    at.file_uploader(key="upload_file").upload("notes.pdf", b"just some text", "application/pdf")
    at.run()
    errors = [_plain(e.value) for e in at.error]
    assert "notes.pdf : ce n'est pas un fichier PDF. Rien n'a été enregistré." in errors, errors


def test_a_payment_over_the_remaining_amount_reads_in_french(app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    _french(monkeypatch)
    ids = seed()
    at: AppTest = app("pages/invoices.py")
    at.query_params["document"] = str(ids["F-2"])
    at.run()
    at.text_input(key="pay_amount").input("1 000,00")  # more than the 300 € that remain
    by_label(at.button, "Enregistrer le paiement").click().run()
    assert (
        "1 000,00 € dépasse le reste à payer (300,00 €) de la facture F-2 : "
        "confirmez le trop-perçu pour l'enregistrer."
    ) in _plain(texts(at))
    with session_scope() as s:
        assert s.exec(select(Payment)).first() is None


def test_a_contact_with_an_invalid_email_reads_in_french(app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    _french(monkeypatch)
    account_id = seed_account("Globex", contact=True)
    with session_scope() as s:
        contact_id = s.exec(select(Contact.id)).one()
    at = open_account(app, account_id)
    at.text_input(key=f"c{contact_id}_email").input("billing at globex")
    by_label(at.button, "Enregistrer le contact").click().run()
    assert "E-mail : adresse e-mail invalide : billing at globex." in _plain(messages(at)), messages(at)
    with session_scope() as s:
        assert s.get(Contact, contact_id).email == "ap@globex.com"  # type: ignore[union-attr]


def test_the_upload_warnings_read_in_french(app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The warnings under a new draft are the Review's, in the user's language (they were shown
    as the extraction words them, in English)."""
    from tests.ui.test_import_pages import _second_invoice

    _french(monkeypatch)
    at: AppTest = app("pages/upload.py")
    at.file_uploader(key="upload_file").upload("payee.pdf", _second_invoice(), "application/pdf")
    at.run()
    warnings = [_plain(w.value) for w in at.warning]
    assert "le document indique qu'il est payé (PAYÉE)" in warnings, warnings
