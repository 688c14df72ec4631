"""Issue #16 point 5: the e-mails the agent sends follow the contact's language, whatever the
interface language of the person who makes them go (Run now on the Communications screen)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from billabex_core.db.engine import session_scope
from billabex_core.jobs.agent_run import run_agent
from billabex_core.models import Communication, CommunicationStatus, DocumentKind
from billabex_core.services.accounts import create_account
from billabex_core.services.contacts import add_contact
from billabex_core.services.documents import DocumentInput, create_manual_document
from billabex_core.services.org import set_setting
from billabex_core.services.users import add_user
from tests.ui.conftest import PASSWORD, ROOT, login

DAY = date(2026, 3, 2)  # BILLABEX_TODAY of the UI tests


def _account(name: str, country: str, language: str) -> None:
    with session_scope() as s:
        account = create_account(session=s, name=name, actor="t", country=country)
        create_manual_document(
            session=s,
            account=account,
            data=DocumentInput(
                kind=DocumentKind.INVOICE,
                number=f"{name[:2].upper()}-1",
                issue_date=DAY - timedelta(days=50),
                due_date=DAY - timedelta(days=20),
                currency="EUR",
                total_excl_tax=Decimal("100.00"),
                tax_amount=Decimal("20.00"),
                total_incl_tax=Decimal("120.00"),
            ),
            actor="t",
            today=DAY - timedelta(days=60),
        )
        add_contact(
            session=s,
            account_id=account.id,
            email=f"ap@{name.lower()}.example",
            language=language,
            actor="t",
            today=DAY,
        )


@pytest.mark.parametrize("interface", ["fr", "en"])
def test_sent_mails_follow_the_contacts_language_not_the_interfaces(ui_db: str, interface: str) -> None:
    with session_scope() as s:
        set_setting(session=s, key="org.name", value="Dupont SAS", actor="t")
        set_setting(session=s, key="sender.email", value="ar@dupont.example", actor="t")
        set_setting(session=s, key="reminders.mode", value="approval", actor="t")
        add_user(
            session=s,
            username="sender",
            email="s@example.com",
            name="Sender",
            password=PASSWORD,
            admin=True,
            language=interface,
        )
    _account("Acme", "GB", "en")  # an English contact
    _account("Durand", "FR", "fr")  # a French one
    run_agent(today=DAY)  # planned, waiting for approval: nothing sent by the agent itself
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.context["locale"] = "en-GB"
    login(at, "sender")
    at.switch_page("pages/communications.py")
    at.run()
    at.button(key="com_bulk_approve").click().run()
    at.button(key="com_run_now").click().run()  # the person makes them go, in their language
    assert not at.exception, at.exception
    said = " ".join(str(e.value) for e in at.success)
    assert ("Passage de l'agent" if interface == "fr" else "Agent run as of") in said  # the screen's language
    with session_scope() as s:
        sent = {c.language: c for c in s.exec(select(Communication)) if c.status == CommunicationStatus.SENT}
    assert sorted(sent) == ["en", "fr"]
    english, french = sent["en"], sent["fr"]
    assert english.body.startswith(("Dear", "Hello")) and "Invoice AC-1" in english.body
    assert "Bonjour" in french.body and "Facture DU-1" in french.body
